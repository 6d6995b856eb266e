"""Module-level scoring of (context, continuation) pairs the script loads from a file."""
import json
import sys

import torch
import torch.nn.functional as F
from transformers import AutoModelForCausalLM, AutoTokenizer

tok = AutoTokenizer.from_pretrained("gpt2")
lm = AutoModelForCausalLM.from_pretrained("gpt2")
pairs = json.load(open(sys.argv[1]))

for context, continuation in pairs:
    n_ctx = tok(context, return_tensors="pt").input_ids.shape[1]
    ids = tok(context + " " + continuation, return_tensors="pt").input_ids
    with torch.no_grad():
        logits = lm(ids).logits
    nll = F.cross_entropy(logits[0, n_ctx:], ids[0, n_ctx:], reduction="sum")
    print(continuation, -nll.item())
