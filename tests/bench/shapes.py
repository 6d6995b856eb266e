#!/usr/bin/env python3
"""The pathological shapes of issue 16, as Python files of a chosen size.

    python3 tests/bench/shapes.py SHAPE N > file.py

SHAPE is one of:
  list     a literal list of N subscripts of a model's logits ([logits[0, 1, 2], ...])
  chain    N top-level functions, each calling the previous one
  elif     an if/elif chain of N branches, each binding a name of its own
  nested   N functions, each with loops nested 18 deep that accumulate raw logits
  module   a module of about N lines of top-level statements (assignments, ifs, loops, calls)

tests/bench/shapes.sh times logitlint on each at two sizes; tests/unit/test_linear.c builds
the same shapes in C and checks the analysis steps they cost.
"""
import sys

HEAD = ("import torch\n"
        "from transformers import AutoModelForCausalLM\n"
        "model = AutoModelForCausalLM.from_pretrained('gpt2')\n"
        "ids = torch.tensor([[1, 2, 3]])\n"
        "logits = model(ids).logits\n")


def shape_list(n):
    items = ", ".join(f"logits[0, {i % 7}, {i}]" for i in range(n))
    return HEAD + f"scores = [{items}]\nbest = max(scores)\n"


def shape_chain(n):
    out = [HEAD, "def f0(x):\n    return x.log_softmax(-1)\n"]
    for i in range(1, n):
        out.append(f"def f{i}(x):\n    return f{i - 1}(x)\n")
    out.append(f"lp = f{n - 1}(logits)\n")
    return "".join(out)


def shape_elif(n):
    out = [HEAD, "k = len(ids)\nif k == 0:\n    y0 = logits[0]\n"]
    for i in range(1, n):
        out.append(f"elif k == {i}:\n    y{i} = logits[{i}]\n")
    return "".join(out)


def nest(depth, indent):
    lines = []
    for d in range(depth):
        lines.append(" " * (indent + 4 * d) + f"for i{d} in range(ids.shape[1]):")
    lines.append(" " * (indent + 4 * depth) + f"total += logits[0, i{depth - 1}, ids[0, i{depth - 1}]]")
    return "\n".join(lines) + "\n"


def shape_nested(n, depth=18):
    out = [HEAD]
    for k in range(n):
        out.append(f"def score{k}(logits, ids):\n    total = 0\n")
        out.append(nest(depth, 4))
        out.append("    return total\n")
    return "".join(out)


def shape_module(n):
    """Ten-line blocks of module-level code, each binding names of its own."""
    out = [HEAD, "acc = 0\n"]
    for k in range(max(1, n // 10)):
        out.append(f"v{k} = logits[:, {k % 5}].log_softmax(-1)\n"
                   f"if v{k} is None:\n"
                   f"    w{k} = v{k}.sum()\n"
                   f"else:\n"
                   f"    w{k} = v{k}.mean()\n"
                   f"for t in range(3):\n"
                   f"    acc += w{k}\n"
                   f"with torch.no_grad():\n"
                   f"    u{k} = [x for x in range({k % 9})]\n"
                   f"print(v{k}, w{k}, u{k})\n")
    return "".join(out)


SHAPES = {"list": shape_list, "chain": shape_chain, "elif": shape_elif,
          "nested": shape_nested, "module": shape_module}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in SHAPES:
        sys.exit("usage: shapes.py {%s} N" % "|".join(SHAPES))
    sys.stdout.write(SHAPES[sys.argv[1]](int(sys.argv[2])))
