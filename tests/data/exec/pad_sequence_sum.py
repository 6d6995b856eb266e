# pad_sequence of each text's ids (right padding with the pad id), token log-probs summed
# without a mask: the pads' log-probs count (LL106).
import torch
from torch.nn.utils.rnn import pad_sequence


def score(model, tokenizer, texts):
    seqs = [torch.tensor(tokenizer.encode(t)) for t in texts]
    ids = pad_sequence(seqs, batch_first=True, padding_value=tokenizer.pad_token_id)
    logprobs = torch.log_softmax(model(ids).logits[:, :-1], dim=-1)
    token_lp = logprobs.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return token_lp.sum(dim=-1)
