# Module-level objects set up by the statements after them: the pad token set on the tokenizer
# is the id a scorer pads and masks with.
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

tok = AutoTokenizer.from_pretrained("gpt2")
tok.pad_token = tok.eos_token
PAD = tok.pad_token_id
model = AutoModelForCausalLM.from_pretrained("gpt2")


def padded_log_prob(prompt, continuation):
    n = tok(prompt, return_tensors="pt").input_ids.shape[1]
    ids = tok(prompt + continuation, return_tensors="pt").input_ids
    padded = torch.full((1, ids.shape[1] + 2), PAD, dtype=torch.long)
    padded[:, : ids.shape[1]] = ids
    logp = model(padded).logits[0, :-1].log_softmax(-1)
    picked = logp.gather(-1, padded[0, 1:, None]).squeeze(-1)
    keep = (padded[0, 1:] != PAD).float()
    return (picked * keep)[n - 1 :].sum().item()


def raw_sum_in_eval_mode(model, ids):
    model.train(False)
    logits = model(ids).logits
    return logits[0, :-1].gather(-1, ids[0, 1:, None]).sum().item()
