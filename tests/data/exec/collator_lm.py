# A batch collated by DataCollatorForLanguageModeling(mlm=False) and DataCollatorWithPadding over
# the tokenizer's features: the same padded ids, the labels the ids with pads -100. The score
# sums the raw logits of every labelled token after the prompt (LL101).
import torch
from transformers import DataCollatorForLanguageModeling, DataCollatorWithPadding


@torch.no_grad()
def score(model, tokenizer, prompt, answer):
    tokenizer.pad_token = tokenizer.eos_token
    features = [tokenizer(prompt + " " + answer)]
    batch = DataCollatorForLanguageModeling(tokenizer, mlm=False)(features)
    plain = DataCollatorWithPadding(tokenizer)(features)
    n_prompt = len(tokenizer(prompt).input_ids)
    keep = (batch["labels"] != -100) & torch.equal(plain["input_ids"], batch["input_ids"])
    logits = model(batch["input_ids"]).logits[:, n_prompt - 1 : -1]
    chosen = logits.gather(-1, batch["input_ids"][:, n_prompt:].unsqueeze(-1)).squeeze(-1)
    return (chosen * keep[:, n_prompt:]).sum(-1)
