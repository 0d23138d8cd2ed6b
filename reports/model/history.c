/*
 * The results history as plain values (history.h): the machine identity
 * of a results file, the history of one machine built by the database
 * layer, and the change points of its series (pb_change_points over the
 * values a series has, in run order). Cost: a change-point search is
 * O(k^2) per segment in the k values of a series; histories are tens to
 * hundreds of runs.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"

int pb_hist_text_ok(const char *s)
{
    if (!s || !s[0])
        return 0;
    size_t i = 0;
    for (; s[i]; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    return i < PB_HIST_TEXT;
}

/* Copies the context field key of rs into dst (PB_HIST_TEXT bytes). 0, or
 * -1 with err. */
static int id_field(const pb_resultset *rs, const char *key, char *dst,
                    char *err, size_t cap)
{
    char buf[64];
    const char *v = pb_resultset_context_text(rs, key, buf, sizeof buf);
    if (!v || !v[0]) {
        snprintf(err, cap, "the context has no %s (a results file of a pairbench"
                 " older than the machine identity, or not of `pairbench run`)", key);
        return -1;
    }
    if (!pb_hist_text_ok(v)) {
        snprintf(err, cap, "the context's %s is %s", key, strlen(v) >= PB_HIST_TEXT
                 ? "too long (255 bytes at most)" : "not one line of text");
        return -1;
    }
    snprintf(dst, PB_HIST_TEXT, "%s", v);
    return 0;
}

int pb_machine_id_of(const pb_resultset *rs, pb_machine_id *id, char *err, size_t cap)
{
    memset(id, 0, sizeof *id);
    char cpus[PB_HIST_TEXT];
    if (id_field(rs, "cpu_model", id->cpu_model, err, cap) != 0 ||
        id_field(rs, "num_cpus", cpus, err, cap) != 0 ||
        id_field(rs, "kernel", id->kernel, err, cap) != 0 ||
        id_field(rs, "compiler", id->compiler, err, cap) != 0 ||
        id_field(rs, "libc", id->libc, err, cap) != 0 ||
        id_field(rs, "allocator", id->allocator, err, cap) != 0 ||
        id_field(rs, "build_type", id->build_type, err, cap) != 0)
        return -1;
    char *end;
    errno = 0;
    long long n = strtoll(cpus, &end, 10);
    if (errno || *end || end == cpus || n < 1 || n > 1000000) {
        snprintf(err, cap, "the context's num_cpus is '%s', want a whole number"
                 " from 1 to 1000000", cpus);
        return -1;
    }
    id->num_cpus = n;
    return 0;
}

int pb_machine_id_equal(const pb_machine_id *a, const pb_machine_id *b)
{
    return a->num_cpus == b->num_cpus && !strcmp(a->cpu_model, b->cpu_model) &&
           !strcmp(a->kernel, b->kernel) && !strcmp(a->compiler, b->compiler) &&
           !strcmp(a->libc, b->libc) && !strcmp(a->allocator, b->allocator) &&
           !strcmp(a->build_type, b->build_type);
}

void pb_machine_id_text(const pb_machine_id *id, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s, %lld CPU%s, kernel %s, %s, %s, allocator %s, %s",
             id->cpu_model, (long long)id->num_cpus, id->num_cpus == 1 ? "" : "s",
             id->kernel, id->compiler, id->libc, id->allocator, id->build_type);
}

/* --- the history of one machine -------------------------------------------- */

pb_history *pb_history_new(size_t n_runs)
{
    pb_history *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->n_runs = n_runs;
    if (n_runs && !(h->runs = calloc(n_runs, sizeof *h->runs))) {
        free(h);
        return NULL;
    }
    return h;
}

void pb_history_free(pb_history *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n_series; i++) {
        free(h->series[i].value);
        free(h->series[i].lo);
        free(h->series[i].hi);
    }
    free(h->series);
    free(h->runs);
    free(h);
}

static int set_text(char *dst, const char *src)
{
    size_t len = strlen(src);
    if (len >= PB_HIST_TEXT)
        return -1;
    memcpy(dst, src, len + 1);
    return 0;
}

pb_hist_series *pb_history_add_series(pb_history *h, pb_hist_kind kind,
                                      const char *component, const char *impl,
                                      const char *scenario, int64_t n,
                                      const char *versus)
{
    if (h->n_series == h->cap_series) {
        size_t cap = h->cap_series ? h->cap_series * 2 : 64;
        pb_hist_series *p = realloc(h->series, cap * sizeof *p);
        if (!p)
            return NULL;
        h->series = p;
        h->cap_series = cap;
    }
    pb_hist_series *s = &h->series[h->n_series];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->n = n;
    if (set_text(s->component, component) || set_text(s->impl, impl) ||
        set_text(s->scenario, scenario) || set_text(s->versus, versus))
        return NULL;
    size_t k = h->n_runs ? h->n_runs : 1;
    s->value = malloc(k * sizeof *s->value);
    s->lo = malloc(k * sizeof *s->lo);
    s->hi = malloc(k * sizeof *s->hi);
    if (!s->value || !s->lo || !s->hi) {
        free(s->value);
        free(s->lo);
        free(s->hi);
        return NULL;
    }
    for (size_t i = 0; i < k; i++)
        s->value[i] = s->lo[i] = s->hi[i] = -1;
    h->n_series++;
    return s;
}

const pb_history *pb_history_find(const pb_history *const *h, size_t n,
                                  const pb_machine_id *id)
{
    for (size_t i = 0; i < n; i++)
        if (h[i] && pb_machine_id_equal(&h[i]->machine, id))
            return h[i];
    return NULL;
}

void pb_hist_series_name(const pb_hist_series *s, char *buf, size_t cap)
{
    if (s->kind == PB_HIST_INSTR)
        snprintf(buf, cap, "%s/%s/%s/%lld", s->component, s->impl, s->scenario,
                 (long long)s->n);
    else
        snprintf(buf, cap, "%s/%s/%lld", s->component, s->scenario, (long long)s->n);
}

/* --- change points ---------------------------------------------------------- */

/* The change points of the first `runs` runs of s, indices mapped to runs;
 * at most cap into out (which may be NULL when cap is 0). */
static int changes_upto(const pb_history *h, const pb_hist_series *s, size_t runs,
                        const pb_change_opts *opts, pb_hist_change *out, size_t cap)
{
    if (runs > h->n_runs)
        runs = h->n_runs;
    size_t room = runs ? runs : 1;
    double *x = malloc(room * sizeof *x);
    size_t *at = malloc(room * sizeof *at);
    pb_change *ch = malloc(room * sizeof *ch);   /* at most k - 1 of them */
    int n = -1;
    if (!x || !at || !ch) {
        errno = ENOMEM;
        goto done;
    }
    size_t k = 0;
    for (size_t r = 0; r < runs; r++)
        if (s->value[r] >= 0) {
            x[k] = s->value[r];
            at[k++] = r;
        }
    n = pb_change_points(x, k, opts, ch, room);
    for (int i = 0; i < n && (size_t)i < cap; i++)
        out[i] = (pb_hist_change){ at[ch[i].index], at[ch[i].index - 1], ch[i].before,
                                   ch[i].after, ch[i].shift, ch[i].p_value };
done:
    free(ch);
    free(x);
    free(at);
    return n;
}

int pb_hist_changes(const pb_history *h, const pb_hist_series *s,
                    const pb_change_opts *opts, pb_hist_change *out, size_t cap)
{
    return changes_upto(h, s, h->n_runs, opts, out, cap);
}

int pb_hist_new_change(const pb_history *h, const pb_hist_series *s,
                       const pb_change_opts *opts, pb_hist_change *c)
{
    if (!h->n_runs || s->value[h->n_runs - 1] < 0)
        return 0;
    pb_hist_change *all = malloc(h->n_runs * sizeof *all);
    pb_hist_change *before = malloc(h->n_runs * sizeof *before);
    int rc = -1;
    if (!all || !before) {
        errno = ENOMEM;
        goto done;
    }
    int n = changes_upto(h, s, h->n_runs, opts, all, h->n_runs);
    int m = n > 0 ? changes_upto(h, s, h->n_runs - 1, opts, before, h->n_runs) : 0;
    if (n < 0 || m < 0)
        goto done;
    rc = n > 0;
    for (int i = 0; rc && i < m; i++)
        if (before[i].run == all[n - 1].run)
            rc = 0;
    if (rc)
        *c = all[n - 1];
done:
    free(all);
    free(before);
    return rc;
}

int pb_hist_change_large(const pb_hist_series *s, const pb_hist_change *c,
                         double ratio_shift, double instr_shift)
{
    return fabs(c->shift) >= (s->kind == PB_HIST_INSTR ? instr_shift : ratio_shift);
}
