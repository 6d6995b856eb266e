# An answer's probability from an OpenAI client's echoed completion: the answer's tokens found by
# their character offsets, their probabilities multiplied (it underflows for long answers).
import math

from openai import OpenAI


def answer_probability(context, answer):
    client = OpenAI()
    resp = client.completions.create(model="m", prompt=context + " " + answer, max_tokens=0, echo=True, logprobs=1)
    lp = resp.choices[0].logprobs
    p = 1.0
    for x, off in zip(lp.token_logprobs, lp.text_offset):
        if off >= len(context):
            p *= math.exp(x)
    return p
