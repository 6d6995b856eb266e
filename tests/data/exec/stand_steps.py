# generate()'s per-step scores turned into one log-softmax per step: the candidate's log Pr.
def step_logprobs(model, inputs):
    out = model.generate(**inputs, output_scores=True, return_dict_in_generate=True)
    return [s.log_softmax(-1) for s in out.scores]
