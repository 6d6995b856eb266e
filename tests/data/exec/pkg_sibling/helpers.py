# Helpers of the package: a constant and a function the scorer imports.
SCALE = 2.0
BONUS = 0.25


def length_bonus(n):
    return BONUS * n
