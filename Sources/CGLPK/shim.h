#ifndef CAPPLAN_CGLPK_SHIM_H
#define CAPPLAN_CGLPK_SHIM_H
/* Debian's libglpk-dev installs glpk.h in /usr/include. */
#include <glpk.h>
#endif
