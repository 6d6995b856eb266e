# collections.Counter counts the elements it is given (missing keys read 0) and most_common
# lists them by count, ties in the order first seen: a vocabulary built so; dicts are equal when
# they hold the same keys with equal values. The script asserts each; the score sums the
# candidate's raw logits (LL101).
from collections import Counter


def score(model, ids):
    counts = Counter(w for s in ["a b a", "c b a"] for w in s.split())
    counts["d"] += 1
    assert counts["zzz"] == 0
    assert counts.most_common() == [("a", 3), ("b", 2), ("c", 1), ("d", 1)]
    assert counts.most_common(1) == [("a", 3)]
    vocab = {w: i for i, (w, c) in enumerate(counts.most_common()) if c >= 2}
    assert vocab == {"b": 1, "a": 0} and vocab != {"a": 0} and vocab != {"a": 0, "b": 2}
    logits = model(ids).logits[:, :-1]
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return chosen.sum(-1)
