#!/usr/bin/env python3
"""How much of a corpus a sound skip *below* the file level could leave unparsed.

    python3 tests/bench/skip_bound.py CORPUS_DIR...

The file-level prefilter (bench.sh prints it) must parse every file of an ML corpus. This asks
the next question, for issue 6: if logitlint parsed only the functions that can matter, how
many bytes could it skip? A function's body can be left unparsed only if nothing in it can hold
a value a rule looks at, and nothing flows into or out of it from a function that can:

- a *seed* is a top-level function or method whose text (comments and strings included, as a
  literal scan sees it) has a word the facts layer can make a score, a loss, an exp() value or
  a noqa directive from (is_source: names such as `logits`, `model`, `lm`, calls such as
  `softmax`, `generate`, `cross_entropy`, `exp`);
- every function that calls a seed, or that a seed calls, may receive or return such values, and
  so on transitively (the closure is over names, in both directions, as a lexical skip must be).

It prints the share of bytes in the bodies of functions outside that closure: about the most a
skip decided from the text alone can save, since every word is_source accepts is one the
analysis does make such a value from.
"""
import ast
import os
import re
import sys

# What the facts layer makes scores, losses, exp() values or noqa directives from (the contract
# table, analyzer/contracts_*.c, and names_evidence), as identifier tests, so that the bound is not
# lowered by words that merely contain a literal ("problem", "expand", "helm").
CONTAINS = ("logit", "logprob", "log_prob", "softmax", "loglik", "log_lik", "model", "score",
            "generate", "categorical", "nll", "cross_entropy", "crossentropy", "sigmoid", "loss")
EQUALS = ("logp", "lprobs", "lm", "prob", "probs", "probabilities", "exp", "noqa")
ENDS = ("_logp", "_lm", "_probs")


def is_source(identifier):
    name = identifier.lower()
    return (any(c in name for c in CONTAINS) or name in EQUALS
            or any(name.endswith(e) for e in ENDS))


IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def units(tree):
    """Top-level functions and methods (nested functions belong to their enclosing one)."""
    found = []

    def walk(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append(child)
            elif isinstance(child, (ast.ClassDef, ast.If, ast.Try, ast.With, ast.For, ast.While)):
                walk(child)

    walk(tree)
    return found


def skippable_bytes(text):
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    funcs = units(tree)
    whole = ["".join(lines[f.lineno - 1:f.end_lineno]) for f in funcs]
    bodies = [len("".join(lines[f.body[0].lineno - 1:f.end_lineno]).encode()) for f in funcs]
    by_name = {}
    for i, f in enumerate(funcs):
        by_name.setdefault(f.name, []).append(i)
    linked = [set() for _ in funcs]
    for i, t in enumerate(whole):
        for name in set(IDENT_RE.findall(t)):
            for j in by_name.get(name, ()):
                if j != i:
                    linked[i].add(j)
                    linked[j].add(i)
    keep = [any(is_source(w) for w in set(IDENT_RE.findall(t))) for t in whole]
    todo = [i for i, k in enumerate(keep) if k]
    while todo:
        for j in linked[todo.pop()]:
            if not keep[j]:
                keep[j] = True
                todo.append(j)
    return sum(b for b, k in zip(bodies, keep) if not k)


def main(roots):
    total = skip = files = 0
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                if not name.endswith(".py"):
                    continue
                with open(os.path.join(dirpath, name), "rb") as f:
                    data = f.read()
                total += len(data)
                files += 1
                try:
                    skip += skippable_bytes(data.decode("utf-8"))
                except (SyntaxError, UnicodeDecodeError, ValueError, RecursionError):
                    pass  # a file Python cannot parse: counted as not skippable
    if not total:
        sys.exit("skip_bound: no .py files under " + " ".join(roots))
    print(f"{files} files, {total / 1e6:.1f} MB; function bodies a literal-based skip could "
          f"leave unparsed: {skip / 1e6:.1f} MB ({100 * skip / total:.1f}% of the bytes)")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    main(sys.argv[1:])
