/*
 * The case selection (see select.h): name checks against the registry,
 * the predicate, and the selected cases in list order. Nothing here has a
 * fixed capacity: the lists and the result array are allocated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "select.h"
#include "str.h"

static int in_names(const pb_names *l, const char *name)
{
    if (l->n == 0)
        return 1;
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], name) == 0)
            return 1;
    return 0;
}

static int in_sizes(const pb_ints *l, int64_t n)
{
    if (l->n == 0)
        return 1;
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i] == n)
            return 1;
    return 0;
}

/* The line for an unknown name, with the known ones; returns 2. */
static int unknown(const char *cmd, const char *what, const char *name,
                   const pb_str *known)
{
    fprintf(stderr, "pairbench: %s: unknown %s '%s' (known:%s)\n", cmd, what,
            name, pb_str_get(known));
    return 2;
}

static int check_names(const pb_selection *s, const char *cmd,
                       const pb_component *const *comps)
{
    for (size_t k = 0; k < s->components.n; k++) {
        int found = 0;
        for (size_t c = 0; comps[c]; c++)
            found |= strcmp(comps[c]->name, s->components.v[k]) == 0;
        if (!found) {
            pb_str known = { 0 };
            for (size_t c = 0; comps[c]; c++)
                pb_str_addf(&known, " %s", comps[c]->name);
            int rc = unknown(cmd, "component", s->components.v[k], &known);
            pb_str_free(&known);
            return rc;
        }
    }
    for (size_t k = 0; k < s->scenarios.n; k++) {
        int found = 0;
        for (size_t c = 0; comps[c]; c++) {
            if (!in_names(&s->components, comps[c]->name))
                continue;
            for (size_t i = 0; i < comps[c]->n_scenarios; i++)
                found |= strcmp(comps[c]->scenarios[i].name, s->scenarios.v[k]) == 0;
        }
        if (!found) {
            pb_str known = { 0 };
            for (size_t c = 0; comps[c]; c++) {
                if (!in_names(&s->components, comps[c]->name))
                    continue;
                for (size_t i = 0; i < comps[c]->n_scenarios; i++)
                    pb_str_addf(&known, " %s/%s", comps[c]->name,
                                comps[c]->scenarios[i].name);
            }
            int rc = unknown(cmd, "scenario", s->scenarios.v[k], &known);
            pb_str_free(&known);
            return rc;
        }
    }
    return 0;
}

int pb_select_prepare(pb_selection *s, const char *cmd,
                      const pb_component *const *comps)
{
    if (s->filter) {
        int rc = regcomp(&s->re, s->filter, REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            size_t len = regerror(rc, &s->re, NULL, 0);
            char *msg = pb_xmalloc(len);
            regerror(rc, &s->re, msg, len);
            regfree(&s->re);
            fprintf(stderr, "pairbench: %s: bad --filter '%s': %s\n", cmd,
                    s->filter, msg);
            free(msg);
            return 2;
        }
        s->have_re = 1;
    }
    return check_names(s, cmd, comps);
}

void pb_select_default_n(pb_selection *s, int64_t n)
{
    if (s->sizes.n)
        return;
    s->sizes.v = pb_xmalloc(sizeof *s->sizes.v);
    s->sizes.v[0] = n;
    s->sizes.n = 1;
}

int pb_select_case(const pb_selection *s, const pb_component *c,
                   const pb_impl *i, const pb_scenario *sc, int64_t n,
                   int *capped)
{
    *capped = 0;
    if (!in_names(&s->components, c->name) || !in_names(&s->scenarios, sc->name) ||
        !in_sizes(&s->sizes, n))
        return 0;
    if (s->have_re) {
        char name[sizeof ((pb_case *)0)->name];
        pb_case_name(name, sizeof name, c, i, sc, n);
        if (regexec(&s->re, name, 0, NULL, 0) != 0)
            return 0;
    }
    if (s->smallest && s->sizes.n == 0) {   /* a smaller N selected wins */
        pb_selection all = *s;
        all.smallest = 0;
        int ignored;
        for (const int64_t *m = sc->sizes; *m && *m < n; m++)
            if (pb_select_case(&all, c, i, sc, *m, &ignored))
                return 0;
    }
    if (i->max_n > 0 && n > i->max_n) {
        *capped = 1;
        return 0;
    }
    return 1;
}

/* Calls visit for every case of the registry in list order (component,
 * scenario, implementation, N) until it returns nonzero; returns that. */
typedef int case_visit(void *ctx, const pb_component *c, const pb_impl *i,
                       const pb_scenario *sc, int64_t n);

static int each_case(const pb_component *const *comps, case_visit *visit,
                     void *ctx)
{
    for (size_t c = 0; comps[c]; c++)
        for (size_t k = 0; k < comps[c]->n_scenarios; k++)
            for (size_t i = 0; i < comps[c]->n_impls; i++)
                for (const int64_t *n = comps[c]->scenarios[k].sizes; *n; n++) {
                    int rc = visit(ctx, comps[c], &comps[c]->impls[i],
                                   &comps[c]->scenarios[k], *n);
                    if (rc)
                        return rc;
                }
    return 0;
}

static void fill_case(pb_case *out, const pb_component *c, const pb_impl *i,
                      const pb_scenario *sc, int64_t n)
{
    memset(out, 0, sizeof *out);
    out->component = c;
    out->impl = i;
    out->scenario = sc;
    out->n = n;
    pb_case_name(out->name, sizeof out->name, c, i, sc, n);
}

typedef struct collect {
    const pb_selection *sel;
    pb_case            *v;
    size_t              n, cap;
} collect;

static int collect_one(void *ctx, const pb_component *c, const pb_impl *i,
                       const pb_scenario *sc, int64_t n)
{
    collect *k = ctx;
    int capped;
    if (!pb_select_case(k->sel, c, i, sc, n, &capped))
        return 0;
    if (k->n == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 32;
        k->v = pb_xrealloc(k->v, k->cap * sizeof *k->v);
    }
    fill_case(&k->v[k->n++], c, i, sc, n);
    return 0;
}

pb_case *pb_select_cases(const pb_selection *s, const pb_component *const *comps,
                         size_t *count)
{
    collect k = { s, NULL, 0, 0 };
    each_case(comps, collect_one, &k);
    *count = k.n;
    return k.v;
}

typedef struct lookup {
    const char *name;
    pb_case    *out;
} lookup;

/* 1 when found and runnable, -1 when found but capped, else 0. */
static int find_one(void *ctx, const pb_component *c, const pb_impl *i,
                    const pb_scenario *sc, int64_t n)
{
    lookup *l = ctx;
    char full[sizeof l->out->name];
    pb_case_name(full, sizeof full, c, i, sc, n);
    if (strcmp(full, l->name) != 0)
        return 0;
    if (i->max_n > 0 && n > i->max_n)
        return -1;
    fill_case(l->out, c, i, sc, n);
    return 1;
}

int pb_case_find(const pb_component *const *comps, const char *name, pb_case *out)
{
    lookup l = { name, out };
    return each_case(comps, find_one, &l) == 1 ? 0 : -1;
}

int pb_select_none(const char *cmd)
{
    fprintf(stderr, "pairbench: %s: no case matches the selection; 'pairbench"
            " list' shows the cases\n", cmd);
    return 2;
}

void pb_select_free(pb_selection *s)
{
    free(s->components.buf);
    free(s->components.v);
    free(s->scenarios.buf);
    free(s->scenarios.v);
    free(s->sizes.v);
    if (s->have_re)
        regfree(&s->re);
    memset(s, 0, sizeof *s);
}
