"""The seed case: rank two completions of a prompt x with a toy autoregressive model.

The vocabulary is {A, B, C}. NEXT_TOKEN_LOGITS maps each context (the tokens generated
after x) to the logits of the next token. This script scores each candidate by summing the
raw logits of its tokens, and so picks [B, B]; log Pr(y | x) picks [A, A].
Run it with `python3 sum_logits.py`.
"""

VOCAB = ["A", "B", "C"]

NEXT_TOKEN_LOGITS = {
    (): [10.0, 9.0, 0.0],
    ("A",): [0.0, 0.0, 0.0],
    ("B",): [8.0, 7.0, 0.0],
}


def next_token_logits(prefix):
    return NEXT_TOKEN_LOGITS[tuple(prefix)]


def score(candidate):
    """Sum of the chosen tokens' logits, "because softmax is monotonic"."""
    total = 0.0
    for t, token in enumerate(candidate):
        logits = next_token_logits(candidate[:t])
        total += logits[VOCAB.index(token)]
    return total


if __name__ == "__main__":
    candidates = [["A", "A"], ["B", "B"]]
    scores = {" ".join(c): score(c) for c in candidates}
    print(scores)
    print("picked:", max(scores, key=scores.get))
