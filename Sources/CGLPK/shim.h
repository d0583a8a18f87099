#ifndef GRIDCLEAR_CGLPK_SHIM_H
#define GRIDCLEAR_CGLPK_SHIM_H
/* GLPK: plain functions, no macros needed. GLPK is not thread-safe and aborts
   on bad indices: Swift callers validate first and keep each problem's whole
   life inside one synchronous function. */
#include <glpk.h>
#include <setjmp.h>

static int gc_glpk_swallow(void *info, const char *s) { (void)info; (void)s; return 1; }
static void gc_glpk_jump(void *info) { longjmp(*(jmp_buf *)info, 1); }

/* Suppresses ALL terminal output of GLPK on this thread, including the text of
   fatal errors (glp_term_out(GLP_OFF) does not cover those). */
static inline void gc_glpk_silence(void) { glp_term_hook(gc_glpk_swallow, NULL); }

/* Calls glp_mincost_relax4 with GLPK's fatal errors caught (glp_error_hook +
   longjmp, as the GLPK manual describes) instead of aborting the process.
   Returns -1 when GLPK raised a fatal error; all GLPK memory of this thread,
   including G, has then been freed by glp_free_env, so G must not be touched.
   Debian/Ubuntu builds of GLPK disable RELAX-IV for licensing reasons and
   raise exactly such an error. */
static inline int gc_glpk_mincost_relax4_guarded(glp_graph *G, int v_rhs, int a_low, int a_cap,
                                                 int a_cost, int crash, double *sol, int a_x, int a_rc) {
    jmp_buf env;
    if (setjmp(env)) {
        glp_error_hook(NULL, NULL);
        glp_free_env();
        return -1;
    }
    glp_error_hook(gc_glpk_jump, &env);
    int ret = glp_mincost_relax4(G, v_rhs, a_low, a_cap, a_cost, crash, sol, a_x, a_rc);
    glp_error_hook(NULL, NULL);
    return ret;
}
#endif
