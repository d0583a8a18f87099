#ifndef GRIDCLEAR_CSODIUM_SHIM_H
#define GRIDCLEAR_CSODIUM_SHIM_H
/* libsodium: Ristretto255 group operations, secure memory. */
#include <sodium.h>
#endif
