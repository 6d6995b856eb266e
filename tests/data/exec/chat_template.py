# A question and an answer rendered by the tokenizer's chat template (ids as a tensor, the
# question's alone as a list, the text): the toy template joins the contents by spaces (a
# stand-in, reported); the score sums the answer's raw logits (LL101).
import torch


@torch.no_grad()
def score(model, tokenizer, question, answer):
    msgs = [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
    ids = tokenizer.apply_chat_template(msgs, return_tensors="pt")
    n_prompt = len(tokenizer.apply_chat_template(msgs[:1], add_generation_prompt=True))
    assert tokenizer.apply_chat_template(msgs, tokenize=False) == question + " " + answer
    logits = model(ids).logits[:, n_prompt - 1 : -1]
    chosen = logits.gather(-1, ids[:, n_prompt:].unsqueeze(-1)).squeeze(-1)
    return chosen.sum(-1)
