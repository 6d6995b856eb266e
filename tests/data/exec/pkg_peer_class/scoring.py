# The scorer is given `lm`, an object its caller (run.py) builds from a class of wrapper.py, a
# module this file never imports: the class is found beside it, its methods run as the script's
# own code, and the raw logits of each continuation's tokens are summed (a bonus of 1 for each).
def continuation_scores(lm, requests):
    ids, spans = lm.pack([ctx + " " + cont for ctx, cont in requests], [cont for _, cont in requests])
    logits = lm.logits(ids)
    out = []
    for i, (a, b) in enumerate(spans):
        out.append(sum(logits[i, p - 1, ids[i, p]].item() for p in range(a, b)) + lm.bonus)
    return out
