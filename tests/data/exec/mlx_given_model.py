# A file that loads its model with mlx_lm: the model its function is given returns its logits
# array itself, so model(tokens[None])[0] is the first row of the logits (no causal shift here).
import mlx.core as mx
from mlx_lm import load


def continuation_logprob(model, tokenizer, context, continuation):
    ctx = tokenizer.encode(context)
    cont = tokenizer.encode(continuation)
    tokens = mx.array(ctx + cont)
    logits = model(tokens[None])[0]
    logprobs = logits - mx.logsumexp(logits, axis=-1, keepdims=True)
    start = len(ctx)
    picked = mx.take_along_axis(logprobs[start:], tokens[start:, None], axis=-1).squeeze(-1)
    return picked.sum().item()


def main():
    model, tokenizer = load("mlx-community/some-model")
    return continuation_logprob(model, tokenizer, "Q:", " yes")
