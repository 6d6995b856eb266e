# A scorer given a tokenizer wrapper whose encode takes device= (lit-gpt's Tokenizer.encode(text,
# device=) gives the ids as a 1-D tensor): each candidate's score is its raw-logit sum.
import torch


def score(model, tokenizer, text):
    ids = tokenizer.encode(text, device=torch.device("cpu"))
    logits = model(ids.unsqueeze(0)).logits[0, :-1]
    return logits.gather(-1, ids[1:, None]).sum()
