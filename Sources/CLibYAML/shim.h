#ifndef CAPPLAN_CLIBYAML_SHIM_H
#define CAPPLAN_CLIBYAML_SHIM_H
/* Debian's libyaml-dev installs yaml.h in /usr/include. */
#include <yaml.h>
#endif
