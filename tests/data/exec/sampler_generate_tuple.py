"""A sampler built on generate(): it returns (tokens, their log-probs), the log of a softmax."""
import torch


@torch.no_grad()
def sample_with_logprobs(model, tokenizer, prompt, max_new_tokens=32):
    enc = tokenizer(prompt, return_tensors="pt")
    out = model.generate(**enc, do_sample=True, max_new_tokens=max_new_tokens,
                         output_scores=True, return_dict_in_generate=True)
    gen = out.sequences[0, enc.input_ids.shape[1]:]
    logprobs = []
    for step, scores in enumerate(out.scores):
        probs = torch.softmax(scores[0], dim=-1)
        logprobs.append(torch.log(probs[gen[step]]))
    return gen, torch.stack(logprobs)
