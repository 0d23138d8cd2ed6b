/*
 * Differential test of string_intern: the naive implementation is the
 * oracle of the others (the optimized one and the GLib peer), and all are
 * checked against a plain model (the strings the test itself passed to
 * add).
 *
 * Each sequence (fixed seeds, splitmix64) builds a vocabulary of 1..40
 * names: base names ("queue-7", "task-0042"), then near-duplicates of them
 * (a prefix, one more character, one byte changed, case changed, a trailing
 * space or tab), the empty string, and now and then a long name (up to 3000
 * bytes, past the 1 KiB arena threshold). Then 0..400 operations: add (queue
 * and task id drawn from the vocabulary with a skew so a few names repeat a
 * lot, sometimes a name never seen, sometimes NULL), get of random indices
 * (in range and out), same_queue and same_task of random pairs,
 * count_for_queue of vocabulary names, unseen names and NULL, and count.
 * Every string passed to add is built in a scratch buffer that is
 * overwritten right after, so a store that kept the caller's pointer fails.
 *
 * Checked: every return value of every store equal to the model's (index,
 * count, 1/0/-1 answers, per-queue counts), so equal to the oracle's, and
 * every string read back byte-equal to the model. At the end of each
 * sequence every message is read back from every store. Two read-back
 * pointers being equal is not compared (it differs by design).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pairbench/string_intern.h"
#include "pb_test.h"

#define N_SEQUENCES 3000
#define VOCAB_MAX   40
#define OPS_MAX     400
#define NAME_MAX_LEN 3000

/* Every implementation, each with a store of its own; the first is the
 * oracle of the others. */
static const string_intern_ops *const IMPL[] = {
    &string_intern_naive, &string_intern_optimized, &string_intern_glib,
};
#define N_IMPL PBT_ARRAY_LEN(IMPL)

typedef struct model_msg {
    char   *queue;             /* the test's own copies */
    char   *task;
    int32_t kind;
} model_msg;

typedef struct ctx {
    char     *vocab[VOCAB_MAX + 1];
    size_t    n_vocab;
    model_msg msgs[OPS_MAX];
    size_t    n;
    char      scratch_q[NAME_MAX_LEN + 32], scratch_t[NAME_MAX_LEN + 32];
    unsigned long long adds, reads, compares, counts, fails;
} ctx;

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    assert_non_null(d);
    memcpy(d, s, n);
    return d;
}

/* A new vocabulary name: a base name, a near-duplicate of an earlier one,
 * the empty string, or a long name. Written into buf. */
static void make_name(pbt_rng *r, ctx *c, char *buf)
{
    uint64_t k = pbt_below(r, 100);
    if (c->n_vocab > 0 && k < 45) {
        const char *src = c->vocab[pbt_below(r, c->n_vocab)];
        size_t len = strlen(src);
        strcpy(buf, src);
        switch (pbt_below(r, 6)) {
        case 0: if (len > 0) buf[pbt_below(r, len)] = '\0'; break;         /* prefix */
        case 1: buf[len] = (char)('0' + pbt_below(r, 10)); buf[len + 1] = '\0'; break;
        case 2: if (len > 0) buf[pbt_below(r, len)] ^= (char)(1 + pbt_below(r, 7)); break;
        case 3: if (len > 0 && buf[0] >= 'a' && buf[0] <= 'z') buf[0] = (char)(buf[0] - 32); break;
        case 4: buf[len] = ' '; buf[len + 1] = '\0'; break;
        default: buf[len] = '\t'; buf[len + 1] = '\0'; break;
        }
    } else if (k < 50) {
        buf[0] = '\0';
    } else if (k < 53) {
        size_t len = 1000 + (size_t)pbt_below(r, NAME_MAX_LEN - 1000);
        for (size_t i = 0; i < len; i++)
            buf[i] = (char)('a' + pbt_below(r, 3));
        buf[len] = '\0';
    } else if (k < 75) {
        sprintf(buf, "queue-%u", (unsigned)pbt_below(r, 30));
    } else {
        sprintf(buf, "task-%04u", (unsigned)pbt_below(r, 200));
    }
}

/* A vocabulary name, skewed towards the first ones (a few hot queues). */
static const char *pick(pbt_rng *r, ctx *c)
{
    uint64_t a = pbt_below(r, c->n_vocab), b = pbt_below(r, c->n_vocab);
    return c->vocab[a < b ? a : b];
}

#define SEED_OF(seq) (0x5717e7ULL * 7919ULL + (seq))

/* Reports a mismatch of implementation `impl` and counts it (the test
 * fails at the end); 1. */
static int mismatch(unsigned seq, int op, size_t impl, const char *what, ctx *c)
{
    pbt_where w = { .test = "string_intern_diff", .seed = SEED_OF(seq), .seq = seq,
                    .step = op < 0 ? 0 : (size_t)op, .op = op < 0 ? "end" : NULL };
    pbt_report(&w, "%s: %s", IMPL[impl]->name, what);
    c->fails++;
    return 1;
}

static size_t model_count(const ctx *c, const char *q)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += strcmp(c->msgs[i].queue, q) == 0;
    return n;
}

/* Reads message i from a store; 0 when it agrees with the model. */
static int check_get(const ctx *c, size_t impl, const msg_store *s, size_t i)
{
    msg_view v;
    memset(&v, 0, sizeof v);
    int rc = msg_store_get(IMPL[impl], s, i, &v);
    if (rc != (i < c->n ? 0 : -1))
        return 1;
    if (rc != 0)
        return 0;
    const model_msg *m = &c->msgs[i];
    return strcmp(v.queue, m->queue) != 0 || strcmp(v.task_id, m->task) != 0 ||
           v.kind != m->kind;
}

static int run_sequence(ctx *c, unsigned seq)
{
    pbt_rng r = { SEED_OF(seq) };
    size_t n_vocab = 1 + (size_t)pbt_below(&r, VOCAB_MAX);
    c->n_vocab = 0;                 /* make_name derives from the names so far */
    while (c->n_vocab < n_vocab) {
        make_name(&r, c, c->scratch_q);
        c->vocab[c->n_vocab++] = dup_str(c->scratch_q);
    }
    c->n = 0;
    msg_store *st[N_IMPL];
    for (size_t s = 0; s < N_IMPL; s++) {
        st[s] = msg_store_create(IMPL[s]);
        assert_non_null(st[s]);
    }
    int n_ops = (int)pbt_below(&r, OPS_MAX + 1), bad = 0;

    for (int op = 0; op < n_ops && !bad; op++) {
        uint64_t k = pbt_below(&r, 100);
        if (k < 45) {                                           /* add */
            int null_q = pbt_below(&r, 60) == 0, null_t = pbt_below(&r, 60) == 0;
            if (pbt_below(&r, 15) == 0)
                make_name(&r, c, c->scratch_q);
            else
                strcpy(c->scratch_q, pick(&r, c));
            if (pbt_below(&r, 15) == 0)
                make_name(&r, c, c->scratch_t);
            else
                strcpy(c->scratch_t, pick(&r, c));
            int32_t kind = (int32_t)pbt_next(&r);
            const char *q = null_q ? NULL : c->scratch_q, *t = null_t ? NULL : c->scratch_t;
            size_t want = (null_q || null_t) ? MSG_STORE_ERR : c->n;
            c->adds++;
            for (size_t s = 0; s < N_IMPL && !bad; s++)
                if (msg_store_add(IMPL[s], st[s], q, t, kind) != want)
                    bad = mismatch(seq, op, s, "add index differs", c);
            if (bad)
                break;
            if (want != MSG_STORE_ERR) {
                c->msgs[c->n].queue = dup_str(c->scratch_q);
                c->msgs[c->n].task = dup_str(c->scratch_t);
                c->msgs[c->n].kind = kind;
                c->n++;
            }
            memset(c->scratch_q, 'X', 64);                     /* caller reuses its buffers */
            memset(c->scratch_t, 'Y', 64);
            c->scratch_q[64] = c->scratch_t[64] = '\0';
        } else if (k < 60) {                                    /* get */
            size_t i = (size_t)pbt_below(&r, c->n + 3);
            if (pbt_below(&r, 20) == 0)
                i = SIZE_MAX - (size_t)pbt_below(&r, 3);
            c->reads++;
            for (size_t s = 0; s < N_IMPL && !bad; s++)
                if (check_get(c, s, st[s], i))
                    bad = mismatch(seq, op, s, "get differs", c);
        } else if (k < 85) {                                    /* compare */
            size_t i = (size_t)pbt_below(&r, c->n + 2), j = (size_t)pbt_below(&r, c->n + 2);
            if (pbt_below(&r, 4) == 0 && c->n > 0)
                j = i < c->n ? i : j;
            int wq = -1, wt = -1;
            if (i < c->n && j < c->n) {
                wq = strcmp(c->msgs[i].queue, c->msgs[j].queue) == 0;
                wt = strcmp(c->msgs[i].task, c->msgs[j].task) == 0;
            }
            c->compares += 2;
            for (size_t s = 0; s < N_IMPL && !bad; s++) {
                if (msg_store_same_queue(IMPL[s], st[s], i, j) != wq)
                    bad = mismatch(seq, op, s, "same_queue differs", c);
                else if (msg_store_same_task(IMPL[s], st[s], i, j) != wt)
                    bad = mismatch(seq, op, s, "same_task differs", c);
            }
        } else if (k < 97) {                                    /* count_for_queue */
            const char *q;
            uint64_t w = pbt_below(&r, 10);
            if (w < 6 && c->n > 0)
                q = c->msgs[pbt_below(&r, c->n)].queue;
            else if (w < 8)
                q = pick(&r, c);
            else if (w < 9) {
                make_name(&r, c, c->scratch_q);
                q = c->scratch_q;
            } else
                q = NULL;
            size_t want = q == NULL ? 0 : model_count(c, q);
            c->counts++;
            for (size_t s = 0; s < N_IMPL && !bad; s++)
                if (msg_store_count_for_queue(IMPL[s], st[s], q) != want)
                    bad = mismatch(seq, op, s, "count_for_queue differs", c);
        } else {
            for (size_t s = 0; s < N_IMPL && !bad; s++)
                if (msg_store_count(IMPL[s], st[s]) != c->n)
                    bad = mismatch(seq, op, s, "count differs", c);
        }
    }
    for (size_t i = 0; i <= c->n && !bad; i++) {
        c->reads++;
        for (size_t s = 0; s < N_IMPL && !bad; s++)
            if (check_get(c, s, st[s], i))
                bad = mismatch(seq, -1, s, "final read-back differs", c);
    }

    for (size_t s = 0; s < N_IMPL; s++)
        msg_store_destroy(IMPL[s], st[s]);
    for (size_t i = 0; i < c->n; i++) {
        free(c->msgs[i].queue);
        free(c->msgs[i].task);
    }
    for (size_t i = 0; i < c->n_vocab; i++)
        free(c->vocab[i]);
    return bad;
}

static void test_diff_random_sequences(void **state)
{
    (void)state;
    ctx *c = calloc(1, sizeof *c);
    assert_non_null(c);
    struct timespec t0, t1;
    timespec_get(&t0, TIME_UTC);
    int failed = 0;
    unsigned done = 0;
    for (; done < N_SEQUENCES && !failed; done++)
        failed = run_sequence(c, done);
    timespec_get(&t1, TIME_UTC);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("string_intern_diff: %u sequences, %llu adds, %llu read-backs, %llu comparisons,"
           " %llu per-queue counts checked; %.1f s\n",
           done, c->adds, c->reads, c->compares, c->counts, secs);
    fflush(stdout);
    free(c);
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff_random_sequences),
    };
    return cmocka_run_group_tests_name("string_intern naive vs optimized and glib", tests,
                                       NULL, NULL) != 0;
}
