# An evaluation loop over a CSV file's rows (csv.DictReader: the records of a file, bound by use;
# ending0 and ending1 the candidates), with the helpers such loops use around the scoring: a
# module logger named by __name__, argparse defaults read back with vars(), type() of a
# default, a set of the rows seen, str.count, accelerate's gather_object of one process,
# torch.set_grad_enabled as a context and json.dumps of a row's field. The flagged raw-logit sum,
# once per candidate, is its score.
import argparse
import csv
import json
import logging

import torch
from accelerate.utils import gather_object
from transformers import AutoModelForCausalLM, AutoTokenizer

logger = logging.getLogger(__name__)
DEFAULTS = {"model": "gpt2", "data": "dev.csv", "limit": 0}


def get_args():
    ap = argparse.ArgumentParser()
    for name, value in DEFAULTS.items():
        ap.add_argument("--" + name, type=type(value), default=value)
    return vars(ap.parse_args())


def evaluate_csv():
    args = get_args()
    tok = AutoTokenizer.from_pretrained(args["model"])
    model = AutoModelForCausalLM.from_pretrained(args["model"])
    seen, results = set(), []
    with open(args["data"]) as f:
        for row in csv.DictReader(f):
            if row["ctx"].strip().count("#") > 3 or row["ctx"] in seen:
                continue
            seen.add(row["ctx"])
            scores = []
            for ending in (row["ending0"], row["ending1"]):
                ids = tok(row["ctx"] + " " + ending, return_tensors="pt").input_ids
                with torch.set_grad_enabled(False):
                    logits = model(ids).logits
                scores.append(logits[0, :-1].gather(-1, ids[0, 1:, None]).sum().item())
            results.append({"ctx": row["ctx"], "pred": scores.index(max(scores))})
    results = gather_object(results)
    logger.info("%s", json.dumps(results[0]))
    return results
