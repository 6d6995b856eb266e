# Served log-probs: OpenAI completions with echo, OpenAI chat, vLLM.
import math


def echo_sum(choice, ctxlen):
    return sum(choice.logprobs.token_logprobs[ctxlen:])


def chat_sum(response):
    return sum(t.logprob for t in response.choices[0].logprobs.content)


def vllm_sum(request_output):
    out = request_output.outputs[0]
    return sum(step[tok].logprob for step, tok in zip(out.logprobs, out.token_ids))


def echo_dict_product(response, ctxlen):
    p = 1.0
    for lp in response["choices"][0]["logprobs"]["token_logprobs"][ctxlen:]:
        p *= math.exp(lp)
    return p
