#ifndef GRIDCLEAR_CLIBCRYPTO_SHIM_H
#define GRIDCLEAR_CLIBCRYPTO_SHIM_H
/* OpenSSL libcrypto: SHA-256 only, for the ledger's hashing (LedgerLite.Sha256). Its context is
 * a plain struct (no allocation per digest) and its block function uses the CPU's SHA
 * extensions: 126 ns for a Merkle node where swift-crypto's allocating wrapper takes 336 ns.
 * The one-context API is deprecated in OpenSSL 3 in favour of EVP (which allocates); it is
 * still part of every libcrypto 3 build, and using it here is deliberate. */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
#include <stddef.h>

typedef SHA256_CTX gcssl_sha256_ctx;

static inline void gcssl_sha256_init(gcssl_sha256_ctx *c) { SHA256_Init(c); }
static inline void gcssl_sha256_update(gcssl_sha256_ctx *c, const void *p, size_t n) { SHA256_Update(c, p, n); }
static inline void gcssl_sha256_final(gcssl_sha256_ctx *c, unsigned char *out32) { SHA256_Final(out32, c); }
#endif
