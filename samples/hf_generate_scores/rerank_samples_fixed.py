"""Sample several completions and rerank them by sequence log-probability, fixed:
compute_transition_scores(normalize_logits=True) gives each generated token's log-probability."""
from transformers import AutoModelForCausalLM, AutoTokenizer


def rerank(model_name, prompt, n=4):
    tokenizer = AutoTokenizer.from_pretrained(model_name)
    model = AutoModelForCausalLM.from_pretrained(model_name)
    inputs = tokenizer(prompt, return_tensors="pt")
    out = model.generate(
        **inputs,
        do_sample=True,
        num_return_sequences=n,
        max_new_tokens=32,
        output_scores=True,
        return_dict_in_generate=True,
    )
    prompt_len = inputs["input_ids"].shape[1]
    generated = out.sequences[:, prompt_len:]
    logprobs = model.compute_transition_scores(out.sequences, out.scores, normalize_logits=True)
    seq_scores = logprobs.sum(dim=-1)
    best = seq_scores.argmax().item()
    return tokenizer.decode(generated[best], skip_special_tokens=True)
