/* NumPy-compatible modules: their exp, log, sum, max, argmax ... behave as NumPy's, so a
 * qualified name under them is read as the NumPy name (import minpy.numpy as np). */
#include "libalias.h"

#include <string.h>

static const char *const NUMPY_ALIKE[] = {"cupy", "minpy.numpy", "autograd.numpy", "mxnet.np",
                                          "theano.tensor"};

size_t libalias_numpy_prefix(const char *qual) {
    for (size_t i = 0; i < sizeof NUMPY_ALIKE / sizeof *NUMPY_ALIKE; i++) {
        size_t n = strlen(NUMPY_ALIKE[i]);
        if (!strncmp(qual, NUMPY_ALIKE[i], n) && (qual[n] == '\0' || qual[n] == '.')) return n;
    }
    return 0;
}
