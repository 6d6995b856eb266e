# A scorer given an accelerate Accelerator (one process: unwrap_model and gather give back their
# argument) whose model is called through __call__: the sum of the raw logits of the candidate.
def score(accelerator, model, ids):
    net = accelerator.unwrap_model(model)
    logits = net.__call__(ids).logits[:, :-1]
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return accelerator.gather(chosen.sum(-1))
