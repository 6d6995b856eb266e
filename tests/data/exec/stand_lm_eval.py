# lm-eval's process_results: one (loglikelihood, is_greedy) pair per answer; the normalised
# probabilities are computed without subtracting the max first.
import numpy as np


def process_results_mc(doc, results):
    lls, _ = zip(*results)
    probs = np.exp(np.array(lls))
    probs_norm = probs / np.sum(probs)
    return {"acc": float(probs_norm[doc["gold"]])}
