/* Modules that re-export NumPy's array functions under their own name. */
#ifndef LOGITLINT_LIBALIAS_H
#define LOGITLINT_LIBALIAS_H

#include <stddef.h>

/* The length of the prefix of qual that names a NumPy-compatible module (cupy, minpy.numpy,
 * autograd.numpy, mxnet.np, theano.tensor), so that qual[len..] is a NumPy name under it;
 * 0 when qual is not one of them. */
size_t libalias_numpy_prefix(const char *qual);

#endif
