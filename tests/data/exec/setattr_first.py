"""The tokenizer parameter is first used by setting its attributes (padding side, pad token)."""
import torch


def score_batch(model, tokenizer, prompts, completions):
    tokenizer.padding_side = "right"
    tokenizer.pad_token = tokenizer.eos_token
    texts = [p + c for p, c in zip(prompts, completions)]
    enc = tokenizer(texts, return_tensors="pt", padding=True)
    with torch.no_grad():
        logits = model(**enc).logits
    logp = torch.log_softmax(logits, dim=-1)
    tok_lp = logp[:, :-1].gather(-1, enc.input_ids[:, 1:, None]).squeeze(-1)
    return tok_lp.sum(-1)
