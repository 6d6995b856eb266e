# transformers' DataCollatorForTokenClassification: the features' labels are taken out before the
# tokenizer pads the ids, and padded after with -100 to the padded length; a shorter second
# feature's labels are all -100, so none of its places is kept. The raw-logit sum of the first
# row's labelled tokens is the score.
import torch
from transformers import DataCollatorForTokenClassification


def tagged_raw(model, tok, text):
    tok.pad_token = tok.eos_token
    ids = tok(text)["input_ids"]
    features = [{"input_ids": ids, "labels": [-100] + ids[1:]}, {"input_ids": ids[:1], "labels": [-100]}]
    batch = DataCollatorForTokenClassification(tok)(features)
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits[:, :-1]
    labels = batch["labels"][:, 1:]
    keep = labels != -100
    picked = logits.gather(-1, labels.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return (picked * keep)[0].sum() + keep[1].sum()
