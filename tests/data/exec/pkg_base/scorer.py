# super().__init__ runs the base class of another module: self.model and self.bonus are its.
# Raw logits summed, plus the bonus the base class keeps; getattr with a spelled-out name and a
# default is plain attribute access (the object lacks `scale`: the default).
from .base import BaseScorer


class Scorer(BaseScorer):
    def __init__(self, model):
        super().__init__(model, 3.0)

    def score(self, ids):
        logits = self.model(ids).logits[:, :-1]
        chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
        return chosen.sum(-1) * getattr(self, "scale", 1.0) + self.bonus
