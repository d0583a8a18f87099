#ifndef GRIDCLEAR_CGMP_SHIM_H
#define GRIDCLEAR_CGMP_SHIM_H
/* GMP: the mpz_* names are macros for __gmpz_*; Swift cannot import
   function-like macros, so each one used is wrapped here as a prefixed
   static inline function with the shim prefix (gc_gmp_*). Add wrappers as needed. */
#include <gmp.h>
#include <string.h>
#include <stdlib.h>
static inline void gc_gmp_init(mpz_ptr x) { mpz_init(x); }
static inline void gc_gmp_clear(mpz_ptr x) { mpz_clear(x); }

/* --- Privacy module wrappers (owned by the privacy work) --- */
static inline void gc_gmp_init2(mpz_ptr x, mp_bitcnt_t bits) { mpz_init2(x, bits); }
static inline void gc_gmp_set(mpz_ptr r, mpz_srcptr a) { mpz_set(r, a); }
static inline void gc_gmp_set_ui(mpz_ptr r, unsigned long a) { mpz_set_ui(r, a); }
static inline void gc_gmp_set_si(mpz_ptr r, long a) { mpz_set_si(r, a); }
static inline long gc_gmp_get_si(mpz_srcptr a) { return mpz_get_si(a); }
static inline int gc_gmp_fits_slong_p(mpz_srcptr a) { return mpz_fits_slong_p(a); }
static inline int gc_gmp_set_str(mpz_ptr r, const char *s, int base) { return mpz_set_str(r, s, base); }
static inline char *gc_gmp_get_str(char *buf, int base, mpz_srcptr a) { return mpz_get_str(buf, base, a); }
static inline void gc_gmp_add(mpz_ptr r, mpz_srcptr a, mpz_srcptr b) { mpz_add(r, a, b); }
static inline void gc_gmp_add_ui(mpz_ptr r, mpz_srcptr a, unsigned long b) { mpz_add_ui(r, a, b); }
static inline void gc_gmp_sub(mpz_ptr r, mpz_srcptr a, mpz_srcptr b) { mpz_sub(r, a, b); }
static inline void gc_gmp_sub_ui(mpz_ptr r, mpz_srcptr a, unsigned long b) { mpz_sub_ui(r, a, b); }
static inline void gc_gmp_mul(mpz_ptr r, mpz_srcptr a, mpz_srcptr b) { mpz_mul(r, a, b); }
static inline void gc_gmp_mul_si(mpz_ptr r, mpz_srcptr a, long b) { mpz_mul_si(r, a, b); }
static inline void gc_gmp_mul_2exp(mpz_ptr r, mpz_srcptr a, mp_bitcnt_t b) { mpz_mul_2exp(r, a, b); }
static inline void gc_gmp_neg(mpz_ptr r, mpz_srcptr a) { mpz_neg(r, a); }
static inline void gc_gmp_mod(mpz_ptr r, mpz_srcptr a, mpz_srcptr m) { mpz_mod(r, a, m); }
static inline void gc_gmp_fdiv_q(mpz_ptr r, mpz_srcptr a, mpz_srcptr b) { mpz_fdiv_q(r, a, b); }
static inline void gc_gmp_fdiv_q_2exp(mpz_ptr r, mpz_srcptr a, mp_bitcnt_t b) { mpz_fdiv_q_2exp(r, a, b); }
static inline void gc_gmp_divexact(mpz_ptr r, mpz_srcptr a, mpz_srcptr b) { mpz_divexact(r, a, b); }
static inline int gc_gmp_invert(mpz_ptr r, mpz_srcptr a, mpz_srcptr m) { return mpz_invert(r, a, m); }
static inline void gc_gmp_gcd(mpz_ptr r, mpz_srcptr a, mpz_srcptr b) { mpz_gcd(r, a, b); }
static inline void gc_gmp_powm(mpz_ptr r, mpz_srcptr b, mpz_srcptr e, mpz_srcptr m) { mpz_powm(r, b, e, m); }
static inline void gc_gmp_powm_sec(mpz_ptr r, mpz_srcptr b, mpz_srcptr e, mpz_srcptr m) { mpz_powm_sec(r, b, e, m); }
static inline int gc_gmp_cmp(mpz_srcptr a, mpz_srcptr b) { return mpz_cmp(a, b); }
static inline int gc_gmp_cmp_ui(mpz_srcptr a, unsigned long b) { return mpz_cmp_ui(a, b); }
static inline int gc_gmp_sgn(mpz_srcptr a) { return mpz_sgn(a); }
static inline size_t gc_gmp_sizeinbase(mpz_srcptr a, int base) { return mpz_sizeinbase(a, base); }
static inline int gc_gmp_tstbit(mpz_srcptr a, mp_bitcnt_t i) { return mpz_tstbit(a, i); }
static inline void gc_gmp_setbit(mpz_ptr a, mp_bitcnt_t i) { mpz_setbit(a, i); }
static inline int gc_gmp_probab_prime_p(mpz_srcptr a, int reps) { return mpz_probab_prime_p(a, reps); }
static inline void gc_gmp_nextprime(mpz_ptr r, mpz_srcptr a) { mpz_nextprime(r, a); }
static inline void gc_gmp_import(mpz_ptr r, size_t count, const void *data) {
    mpz_import(r, count, 1, 1, 1, 0, data); /* big-endian bytes */
}
/* Writes |a| big-endian, left-padded with zeros into exactly len bytes; returns 0 if it does not fit. */
static inline int gc_gmp_export_fixed(unsigned char *out, size_t len, mpz_srcptr a) {
    size_t need = (mpz_sizeinbase(a, 2) + 7) / 8;
    if (mpz_sgn(a) == 0) need = 0;
    if (need > len) return 0;
    memset(out, 0, len);
    if (need > 0) { size_t written = 0; mpz_export(out + (len - need), &written, 1, 1, 1, 0, a); }
    return 1;
}
/* Overwrites every allocated limb with zeros (before clear or on secret release). */
static inline void gc_gmp_wipe(mpz_ptr a) {
    volatile mp_limb_t *d = (volatile mp_limb_t *)a->_mp_d;
    for (int i = 0; i < a->_mp_alloc; i++) d[i] = 0;
    a->_mp_size = 0;
}

/* Memory functions that zero every block GMP frees or moves, so temporaries
   holding secret intermediates do not linger in the heap. */
static void *gc_gmp_alloc(size_t n) { void *p = malloc(n); if (!p) abort(); return p; }
static void gc_gmp_free(void *p, size_t n) {
    if (p) { explicit_bzero(p, n); free(p); }  /* word-wise and never optimised away */
}
static void *gc_gmp_realloc(void *p, size_t old, size_t n) {
    void *q = gc_gmp_alloc(n);
    if (p) { memcpy(q, p, old < n ? old : n); gc_gmp_free(p, old); }
    return q;
}
static inline void gc_gmp_install_wiping_allocator(void) {
    mp_set_memory_functions(gc_gmp_alloc, gc_gmp_realloc, gc_gmp_free);
}
#endif
