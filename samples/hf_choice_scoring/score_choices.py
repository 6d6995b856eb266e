"""Multiple-choice evaluation by completion likelihood (Hugging Face causal LM).

Each answer choice is appended to the question; the choice whose tokens the model scores
highest wins. BUG: the score is the sum of the raw logits of the choice's tokens.
"""
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

MODEL_NAME = "gpt2"


@torch.no_grad()
def choice_score(model, tokenizer, question, choice):
    context_ids = tokenizer(question, return_tensors="pt").input_ids
    choice_ids = tokenizer(" " + choice, return_tensors="pt").input_ids
    input_ids = torch.cat([context_ids, choice_ids], dim=1)
    logits = model(input_ids).logits
    # logits at position t predict token t + 1
    n_ctx = context_ids.shape[1]
    pred = logits[:, n_ctx - 1 : -1, :]
    chosen = pred.gather(-1, choice_ids.unsqueeze(-1)).squeeze(-1)
    return chosen.sum(dim=-1).item()


def main():
    tokenizer = AutoTokenizer.from_pretrained(MODEL_NAME)
    model = AutoModelForCausalLM.from_pretrained(MODEL_NAME).eval()
    question = "Q: What is the capital of France?\nA:"
    choices = ["Paris", "Lyon", "the city of Marseille"]
    scores = [choice_score(model, tokenizer, question, c) for c in choices]
    print(choices[max(range(len(choices)), key=lambda i: scores[i])])


if __name__ == "__main__":
    main()
