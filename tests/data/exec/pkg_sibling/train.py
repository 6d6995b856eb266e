# The loss is a sibling module's function; this file's loop unpickles its data, so it cannot run:
# the verifier runs the function whose value the flagged statement uses, in its own module.
import pickle

from .losses import lm_aux_loss


def train(model, data_path):
    with open(data_path, "rb") as f:
        rows = pickle.load(f)
    total = 0.0
    for row in rows:
        out = model(row["input_ids"])
        total += lm_aux_loss(out.logits, row["input_ids"]).item()
    return total
