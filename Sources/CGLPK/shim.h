#ifndef GRIDCLEAR_CGLPK_SHIM_H
#define GRIDCLEAR_CGLPK_SHIM_H
/* GLPK: plain functions, no macros needed. GLPK is not thread-safe and aborts
   on bad indices: Swift callers validate first and keep each problem's whole
   life inside one synchronous function. */
#include <glpk.h>
#endif
