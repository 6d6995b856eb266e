"""A model class of a module the project does not hold (nanoGPT's model.py), built from a checkpoint
the run cannot read: the toy LM stands for it, and the log of the softmax is the script's score."""
import torch
import torch.nn.functional as F

from model import GPT, GPTConfig


@torch.no_grad()
def option_logprob(ckpt_path, idx):
    ckpt = torch.load(ckpt_path, map_location="cpu")
    model = GPT(GPTConfig(**ckpt["model_args"]))
    model.load_state_dict(ckpt["model"])
    model.eval()
    logits, _ = model(idx)
    probs = F.softmax(logits, dim=-1)
    chosen = probs[0, :-1].gather(-1, idx[0, 1:, None]).squeeze(-1)
    return torch.log(chosen).sum()
