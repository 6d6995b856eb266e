# The probability of an answer from a served response's token log-probabilities, as a product
# of probabilities (it underflows to 0 for long or unlikely answers).
import numpy as np


def answer_logprobs(client, context, answer):
    resp = client.completions.create(model="m", prompt=context + answer, max_tokens=0, echo=True, logprobs=0)
    lp = resp.choices[0].logprobs
    return np.array(lp.token_logprobs[-len(answer.split()):], dtype=np.float64)


def answer_probability(token_logprobs):
    probs = np.exp(token_logprobs)
    return float(np.prod(probs))


def pick(client, context, answers):
    probs = [answer_probability(answer_logprobs(client, context, " " + a)) for a in answers]
    return int(np.argmax(probs))
