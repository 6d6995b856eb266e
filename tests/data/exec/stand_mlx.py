# mlx: the model returns its logits; mx functions run as the same tensor kernels.
import mlx.core as mx


def raw_sum(model, tokens):
    logits = model(tokens[:, :-1])
    picked = mx.take_along_axis(logits, tokens[:, 1:, None], axis=-1).squeeze(-1)
    return picked.sum(axis=-1)


def log_prob(model, tokens):
    logits = model(tokens[:, :-1]).astype(mx.float32)
    logp = logits - mx.logsumexp(logits, axis=-1, keepdims=True)
    picked = mx.take_along_axis(logp, tokens[:, 1:, None], axis=-1).squeeze(-1)
    return picked.sum(axis=-1)
