#ifndef GRIDCLEAR_CGMP_MONTGOMERY_H
#define GRIDCLEAR_CGMP_MONTGOMERY_H
/* Montgomery arithmetic on GMP limb vectors (public mpn_* functions only) for the Paillier
   fixed-base randomiser: an odd n-limb modulus m, R = 2^(64n), values below m held in n
   limbs. Callers own every buffer; nothing here allocates. */
#include <gmp.h>
#include <string.h>

/* -m0^(-1) mod 2^64 for an odd m0 (Newton: each step doubles the correct low bits). */
static inline mp_limb_t gc_mont_minv(mp_limb_t m0) {
    mp_limb_t inv = m0;                 /* correct to 3 bits: m0·m0 ≡ 1 mod 8 */
    for (int i = 0; i < 5; i++) inv *= 2 - m0 * inv;
    return (mp_limb_t)0 - inv;
}

/* r = t·R^(-1) mod m for t < m·R in 2n limbs (t is destroyed); r may not overlap t. */
static inline void gc_mont_redc(mp_limb_t *r, mp_limb_t *t, const mp_limb_t *m, mp_size_t n, mp_limb_t minv) {
    for (mp_size_t i = 0; i < n; i++) {
        /* t[i] becomes 0 mod 2^64; keep the carry there, it belongs at limb i + n */
        t[i] = mpn_addmul_1(t + i, m, n, t[i] * minv);
    }
    mp_limb_t cy = mpn_add_n(r, t + n, t, n);
    if (cy || mpn_cmp(r, m, n) >= 0) mpn_sub_n(r, r, m, n);
}

/* r = a·b·R^(-1) mod m; scratch holds 2n limbs; r may alias a or b. */
static inline void gc_mont_mul(mp_limb_t *r, const mp_limb_t *a, const mp_limb_t *b, const mp_limb_t *m, mp_size_t n,
                               mp_limb_t minv, mp_limb_t *scratch) {
    if (a == b) mpn_sqr(scratch, a, n); else mpn_mul_n(scratch, a, b, n);
    gc_mont_redc(r, scratch, m, n, minv);
}

/* Fixed-base product: out = Π_i table[i·rowLength + digits[i] − 1] (Montgomery form) over the
   non-zero digits, converted out of Montgomery form; 1 when every digit is zero. Rows hold
   `rowLength` entries of n limbs. scratch: 3n limbs. */
static inline void gc_mont_fixed_base(mp_limb_t *out, const mp_limb_t *table, size_t rowLength, const unsigned char *digits,
                                      size_t windows, const mp_limb_t *m, mp_size_t n, mp_limb_t minv, mp_limb_t *scratch) {
    mp_limb_t *acc = scratch + 2 * n;
    int started = 0;
    for (size_t i = 0; i < windows; i++) {
        unsigned d = digits[i];
        if (d == 0) continue;
        const mp_limb_t *e = table + (i * rowLength + (d - 1)) * (size_t)n;
        if (!started) { memcpy(acc, e, (size_t)n * sizeof(mp_limb_t)); started = 1; }
        else gc_mont_mul(acc, acc, e, m, n, minv, scratch);
    }
    if (!started) { memset(out, 0, (size_t)n * sizeof(mp_limb_t)); out[0] = 1; return; }
    memcpy(scratch, acc, (size_t)n * sizeof(mp_limb_t));
    memset(scratch + n, 0, (size_t)n * sizeof(mp_limb_t));
    gc_mont_redc(out, scratch, m, n, minv);
}

/* Limb import/export between mpz and fixed-length vectors (little-endian limbs). */
static inline void gc_gmp_set_limbs(mpz_ptr r, const mp_limb_t *limbs, mp_size_t n) {
    mp_limb_t *d = mpz_limbs_write(r, n);
    memcpy(d, limbs, (size_t)n * sizeof(mp_limb_t));
    while (n > 0 && limbs[n - 1] == 0) n--;
    mpz_limbs_finish(r, n);
}
/* Writes |a| into exactly n limbs; returns 0 if it does not fit. */
static inline int gc_gmp_get_limbs(mp_limb_t *out, mp_size_t n, mpz_srcptr a) {
    size_t size = mpz_size(a);
    if (size > (size_t)n) return 0;
    memset(out, 0, (size_t)n * sizeof(mp_limb_t));
    if (size > 0) memcpy(out, mpz_limbs_read(a), size * sizeof(mp_limb_t));
    return 1;
}
static inline size_t gc_gmp_size(mpz_srcptr a) { return mpz_size(a); }
#endif
