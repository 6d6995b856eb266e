# model.generate with output_scores: the generated continuation is the candidate.
def raw_scores(model, inputs):
    out = model.generate(**inputs, output_scores=True, return_dict_in_generate=True, max_new_tokens=8)
    gen = out.sequences[0, inputs["input_ids"].shape[1]:]
    total = 0.0
    for step, tok in enumerate(gen):
        total += float(out.scores[step][0, tok])
    return total


def normalised(model, inputs):
    out = model.generate(**inputs, output_scores=True, return_dict_in_generate=True, max_new_tokens=8)
    scores = model.compute_transition_scores(out.sequences, out.scores, normalize_logits=True)
    return float(scores.sum())
