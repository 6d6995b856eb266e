# An answer's probability from llama.cpp's echoed completion (OpenAI's layout, read by key): the
# answer's tokens found by their character offsets, their probabilities multiplied.
import math

from llama_cpp import Llama


def answer_probability(context, answer):
    llm = Llama(model_path="model.gguf", logits_all=True)
    out = llm(context + " " + answer, max_tokens=0, echo=True, logprobs=1)
    lp = out["choices"][0]["logprobs"]
    p = 1.0
    for x, off in zip(lp["token_logprobs"], lp["text_offset"]):
        if off >= len(context):
            p *= math.exp(x)
    return p
