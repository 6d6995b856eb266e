# Requests unpacked in the loop header (lm-eval style): (context, continuation) pairs, and
# chunks of (context ids, continuation ids) pairs.
import torch
import torch.nn.functional as F


def loglikelihood(model, tok, requests):
    results = []
    for context, continuation in requests:
        ctx = tok(context, return_tensors="pt").input_ids
        full = tok(context + continuation, return_tensors="pt").input_ids
        logits = model(full).logits[0]
        n = ctx.shape[1]
        results.append(logits[n - 1 : -1].gather(-1, full[0, n:].unsqueeze(-1)).sum().item())
    return results


class HarnessLM:
    def _loglikelihood_tokens(self, requests):
        res = []
        for chunk in requests:
            for context_enc, continuation_enc in chunk:
                inp = torch.tensor([context_enc + continuation_enc])
                logits = F.log_softmax(self.model(inp).logits, dim=-1)[0]
                cont = torch.tensor(continuation_enc)
                picked = logits[len(context_enc) - 1 : -1].gather(-1, cont.unsqueeze(-1))
                res.append(float(picked.sum()))
        return res
