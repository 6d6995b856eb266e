"""The seed case, fixed: score each candidate by log Pr(y | x), the sum over steps of
log_softmax of that step's logits at the chosen token. Picks [A, A].
Run it with `python3 log_softmax.py`.
"""
import math

VOCAB = ["A", "B", "C"]

NEXT_TOKEN_LOGITS = {
    (): [10.0, 9.0, 0.0],
    ("A",): [0.0, 0.0, 0.0],
    ("B",): [8.0, 7.0, 0.0],
}


def next_token_logits(prefix):
    return NEXT_TOKEN_LOGITS[tuple(prefix)]


def log_softmax(xs):
    """Stable: subtract the max before exponentiating."""
    m = max(xs)
    log_z = m + math.log(sum(math.exp(x - m) for x in xs))
    return [x - log_z for x in xs]


def score(candidate):
    """log Pr(candidate | x) = sum over t of log Pr(y_t | x, y_<t)."""
    total = 0.0
    for t, token in enumerate(candidate):
        logprobs = log_softmax(next_token_logits(candidate[:t]))
        total += logprobs[VOCAB.index(token)]
    return total


if __name__ == "__main__":
    candidates = [["A", "A"], ["B", "B"]]
    scores = {" ".join(c): score(c) for c in candidates}
    print(scores)
    print("picked:", max(scores, key=scores.get))
