#ifndef GRIDCLEAR_CGMP_SHIM_H
#define GRIDCLEAR_CGMP_SHIM_H
/* GMP: the mpz_* names are macros for __gmpz_*; Swift cannot import
   function-like macros, so each one used is wrapped here as a prefixed
   static inline function (gc_mpz_*). Add wrappers as needed. */
#include <gmp.h>
static inline void gc_mpz_init(mpz_ptr x) { mpz_init(x); }
static inline void gc_mpz_clear(mpz_ptr x) { mpz_clear(x); }
#endif
