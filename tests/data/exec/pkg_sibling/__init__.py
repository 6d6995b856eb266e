from .scorer import score
