# The base class of the scorer, in another module of the package: its __init__ sets the fields
# the scorer's method reads.
class BaseScorer:
    def __init__(self, model, bonus):
        self.model = model
        self.bonus = bonus
