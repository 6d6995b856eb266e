# The same temperature fit written as a log-likelihood the optimiser is handed negated: loglik's
# own value is maximised, so its highest is the script's pick (not a loss).
import numpy as np
from scipy.optimize import minimize_scalar


def softmax_t(logits, temperature):
    z = logits / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def loglik(temperature, logits, labels):
    p = softmax_t(logits, temperature)
    picked = p[np.arange(len(labels)), labels]
    return float(np.sum(np.log(np.clip(picked, 1e-12, None))))


def fit_temperature(logits, labels):
    res = minimize_scalar(lambda t: -loglik(t, logits, labels), bounds=(0.05, 20.0), method="bounded")
    return float(res.x)
