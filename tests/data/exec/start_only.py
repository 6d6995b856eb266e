# A score that reads only words outside the table after the candidate (closing markers encoded
# on their own): the toy LM gives them the start's logit, one value for the whole table, so the
# run reads no candidate and says so (it must not show a flip made of the start's logit).
import torch


def marker_score(model, tokenizer, prompt, cand):
    end = tokenizer.encode("END")
    ids = torch.tensor([tokenizer.encode(prompt) + tokenizer.encode(cand) + end + end])
    logits = model(ids).logits[0]
    L = ids.shape[1]
    return sum(logits[t - 1, ids[0, t]].item() for t in range(L - 2, L))
