# Candidates ranked by the loss of prompt + candidate: the prompt's tokens are averaged in (LL107).
# The ranking function is handed an object of another module's class (lm.LanguageModel) and
# calls its method.
import sys

from lm import load_lm


def rank_candidates(lm, prompt, candidates):
    losses = [lm.nll(prompt + " " + c) for c in candidates]
    order = sorted(range(len(candidates)), key=lambda i: losses[i])
    return order, losses


if __name__ == "__main__":
    print(rank_candidates(load_lm(sys.argv[1]), sys.argv[2], sys.argv[3:]))
