# Functions a verifier run must refuse or bound, never execute for real.
import os


def reads_a_file(model, ids):
    return open("/etc/passwd").read()


def evaluates_text(model, ids):
    return eval("1 + 1")


def shells_out(model, ids):
    return os.system("true")


def reaches_a_dunder(model, ids):
    return ids.__class__


def loops_forever(model, ids):
    while True:
        pass


def grows_without_bound(model, ids):
    xs = [0]
    while True:
        xs = xs + xs
