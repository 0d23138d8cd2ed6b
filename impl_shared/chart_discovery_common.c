/*
 * chart_discovery_common: argument checks, the name filter and the sort
 * both implementations share (see the header). The sort is O(C log C)
 * for the C charts of a type.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "chart_discovery_common.h"

int cd_check_args(const char *root, const char *const *types, size_t n_types,
                  const cd_charts *out)
{
    if (!root || !types || !out || n_types == 0 || n_types > CD_TYPES_MAX)
        return CD_EINVAL;
    for (size_t i = 0; i < n_types; i++) {
        const char *t = types[i];
        if (!t || !t[0] || strchr(t, '/') || !strcmp(t, ".") || !strcmp(t, ".."))
            return CD_EINVAL;
    }
    return CD_OK;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

int cd_candidate(const char *name)
{
    size_t n = strlen(name);
    if (!strcmp(name, ".") || !strcmp(name, ".."))
        return 0;
    return !ends_with(name, n, ".yaml") && !ends_with(name, n, ".yml") &&
           !ends_with(name, n, ".md");
}

static int by_path(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void cd_sort_type(const char **paths, size_t n)
{
    if (n > 1)                   /* paths may be NULL when n is 0 */
        qsort(paths, n, sizeof *paths, by_path);
}
