/*
 * nlchol-int.h - internal: the normal-equations solver for
 * gsl_multifit_nlinear_parameters.solver used by the fade and impedance
 * fits (see nlchol.c).
 */
#ifndef BG_NLCHOL_INT_H
#define BG_NLCHOL_INT_H

#include <gsl/gsl_multifit_nlinear.h>

extern const gsl_multifit_nlinear_solver bg_nlinear_solver_cholesky;

/* Times this thread's solver found J'J not positive definite when
 * asked for a Gauss-Newton step (mu = 0): the step does not exist, and
 * a dogleg falls back on steepest descent. */
extern _Thread_local unsigned long bg_nlchol_gn_failures;

#endif
