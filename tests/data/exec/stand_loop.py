# The flagged expression is evaluated once per answer: its last value is one answer's pair of
# numbers, never every answer's score, whatever its length.
import numpy as np


def process_results_each(doc, results):
    out = []
    for ll, _ in results:
        p = np.exp(np.array([ll, 0.0]))
        out.append(p / np.sum(p))
    return {"acc": float(out[doc["gold"]][0])}
