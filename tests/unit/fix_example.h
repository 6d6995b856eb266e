/* fix_example: the README's "Fixes" example, shared by the fix tests: two safe fixes (LL103)
 * and an unsafe one (LL108). */
#ifndef LOGITLINT_TEST_FIX_EXAMPLE_H
#define LOGITLINT_TEST_FIX_EXAMPLE_H

static const char FX[] = "import torch\n"
                         "import torch.nn.functional as F\n"
                         "\n"
                         "\n"
                         "def score(logits, y):\n"
                         "    lp = torch.log(torch.softmax(logits, dim=-1))  # comment kept\n"
                         "    lq = F.softmax(logits, -1).log()\n"
                         "    loss = F.cross_entropy(torch.softmax(logits, -1), y)\n"
                         "    return lp, lq, loss\n";

#endif
