#ifndef GRIDCLEAR_CBLAS_SHIM_H
#define GRIDCLEAR_CBLAS_SHIM_H
/* OpenBLAS through its CBLAS interface. */
#include <cblas.h>
static inline void gc_blas_set_num_threads(int n) { openblas_set_num_threads(n); }
#endif
