# A softmax "stabilised" by the row's minimum instead of its maximum, in Python floats
# (math.exp, float64): every exponent is >= 0 and large logit ranges overflow, but on logits
# like a real model's (and the toy LM's, its start token included) it stays finite.
import math


def seq_logprob(model, ids):
    logits = model(ids).logits[0]
    total = 0.0
    for t in range(ids.shape[1] - 1):
        row = logits[t].tolist()
        lo = min(row)
        e = [math.exp(v - lo) for v in row]
        total += math.log(e[int(ids[0, t + 1])] / sum(e))
    return total
