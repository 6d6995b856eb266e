"""Sample several completions and rerank them by sequence score (Hugging Face generate).

BUG: the sequence score is the sum of the per-step scores of the generated tokens as
returned by generate(output_scores=True): those are logits, not log-probabilities.
"""
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def rerank(model_name, prompt, n=4):
    tokenizer = AutoTokenizer.from_pretrained(model_name)
    model = AutoModelForCausalLM.from_pretrained(model_name)
    inputs = tokenizer(prompt, return_tensors="pt")
    out = model.generate(
        **inputs,
        do_sample=True,
        num_return_sequences=n,
        max_new_tokens=32,
        output_scores=True,
        return_dict_in_generate=True,
    )
    prompt_len = inputs["input_ids"].shape[1]
    generated = out.sequences[:, prompt_len:]
    seq_scores = torch.zeros(n)
    for step, step_logits in enumerate(out.scores):
        tokens = generated[:, step]
        seq_scores += step_logits.gather(-1, tokens.unsqueeze(-1)).squeeze(-1)
    best = seq_scores.argmax().item()
    return tokenizer.decode(generated[best], skip_special_tokens=True)
