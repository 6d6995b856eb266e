# Temperature scaling: nll_at's value is handed to scipy's minimize_scalar, so the lowest is its
# pick. The clip floors every probability below 1e-12 at log(1e-12), and the logs are summed (a
# sequence's score): two labels far below the top then tie, which log Pr(y|x) separates.
import numpy as np
from scipy.optimize import minimize_scalar


def softmax_t(logits, temperature):
    z = logits / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def nll_at(temperature, logits, labels):
    p = softmax_t(logits, temperature)
    picked = p[np.arange(len(labels)), labels]
    return float(-np.sum(np.log(np.clip(picked, 1e-12, None))))


def fit_temperature(logits, labels):
    res = minimize_scalar(nll_at, bounds=(0.05, 20.0), args=(logits, labels), method="bounded")
    return float(res.x)
