"""Multiple-choice evaluation by completion likelihood, fixed: the choice's log-probability
under the model, log_softmax over the vocabulary before selecting the choice's tokens."""
import torch
import torch.nn.functional as F
from transformers import AutoModelForCausalLM, AutoTokenizer

MODEL_NAME = "gpt2"


@torch.no_grad()
def choice_score(model, tokenizer, question, choice):
    context_ids = tokenizer(question, return_tensors="pt").input_ids
    choice_ids = tokenizer(" " + choice, return_tensors="pt").input_ids
    input_ids = torch.cat([context_ids, choice_ids], dim=1)
    logits = model(input_ids).logits
    n_ctx = context_ids.shape[1]
    logits = F.log_softmax(logits[:, n_ctx - 1 : -1, :], dim=-1)
    chosen = logits.gather(-1, choice_ids.unsqueeze(-1)).squeeze(-1)
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
