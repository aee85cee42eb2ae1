/*
 * nlchol-int.h - internal: the normal-equations solver for
 * gsl_multifit_nlinear_parameters.solver used by the fade and impedance
 * fits (see nlchol.c).
 */
#ifndef BG_NLCHOL_INT_H
#define BG_NLCHOL_INT_H

#include <gsl/gsl_multifit_nlinear.h>

extern const gsl_multifit_nlinear_solver bg_nlinear_solver_cholesky;

#endif
