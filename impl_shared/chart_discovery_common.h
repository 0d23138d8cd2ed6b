/*
 * chart_discovery_common: what both chart_discovery implementations share,
 * since the seed's fix does not touch it: the argument checks, the name
 * filter (the seed's skip list), the order of the result and its sort.
 */
#ifndef PAIRBENCH_CHART_DISCOVERY_COMMON_H
#define PAIRBENCH_CHART_DISCOVERY_COMMON_H

#include <stddef.h>

#include "pairbench/chart_discovery.h"

/* CD_OK or CD_EINVAL for discover()'s arguments (see the header). */
int  cd_check_args(const char *root, const char *const *types, size_t n_types,
                   const cd_charts *out);
/* 1 when an entry of this name may be a chart: not "." or "..", not
 * ending ".yaml", ".yml" or ".md" (the seed's skip list). */
int  cd_candidate(const char *name);
/* Sorts the paths of one type ("TYPE/NAME", one TYPE) bytewise: by name. */
void cd_sort_type(const char **paths, size_t n);

#endif
