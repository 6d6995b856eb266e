from scoring import continuation_scores
from wrapper import Wrapper


def main():
    lm = Wrapper("gpt2")
    print(continuation_scores(lm, [("2 + 2 =", "4"), ("2 + 2 =", "5")]))
