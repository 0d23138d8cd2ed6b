/*
 * Differential test of context_clone: the naive implementation is the
 * oracle of the optimized one.
 *
 * N_SEQUENCES random operation sequences (fixed seeds, splitmix64) run
 * through a naive and an optimized runtime side by side. Each sequence holds
 * up to POOL context references (a naive and an optimized one per slot) and
 * performs 20..300 operations: create (random id, name, 0..12 tags, now and
 * then up to 60, 0..12 config entries or a map one short of or at
 * CTX_CONFIG_MAX; sometimes an invalid builder: a duplicate key, a NULL
 * tag), call (a held context or NULL, random key, a clock around the
 * deadline, a config key of the context, of the shared key set, or NULL),
 * enqueue, dequeue (the reference joins the pool, or is released at once
 * when the pool is full), release, and update (random masks including
 * unknown bits and NULL strings, config keys from a small shared set so
 * that replacements and appends both happen). Keys come from a small set
 * and the repository fails 1 time in 8, so the breaker opens in most long
 * sequences.
 *
 * After every operation the return values, every call result (status and
 * the three layer outputs), the queue length and the views of the contexts
 * touched are compared; every 16 operations every held view is compared
 * with its twin. Besides naive == optimized the test checks a FIFO model of
 * the queue (id and version of each dequeued context), that an update
 * leaves the old version's view byte-for-byte as it was (copy-on-write),
 * and at the end, after releasing everything and draining the queue, that
 * each runtime freed every context it allocated, exactly once.
 *
 * On a mismatch the test prints the sequence's seed, number, operation index
 * and what differed, then fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/context_clone.h"
#include "pb_test.h"

#define N_SEQUENCES 3000
#define POOL        12
#define QMODEL      4096

static const context_clone_ops *const A = &context_clone_naive;      /* oracle */
static const context_clone_ops *const B = &context_clone_optimized;

/* ---- the sequence state ---------------------------------------------------- */

typedef struct seq {
    pbt_rng      r;
    uint64_t     seed;
    unsigned     n;
    int          op;
    ctx_runtime *ra, *rb;
    ctx_context *ha[POOL], *hb[POOL];
    int          used[POOL];
    uint64_t     q_id[QMODEL], q_ver[QMODEL];
    size_t       q_head, q_len;
    uint64_t     next_id;
} seq;

static void fail_at(const seq *s, const char *what)
{
    pbt_where w = { .test = "context_clone_diff", .seed = s->seed, .seq = s->n,
                    .step = (size_t)s->op };
    pbt_mismatch(&w, "%s", what);
}

/* Scratch strings for one operation: builders and updates point here; both
 * implementations copy what they keep. */
typedef struct scratch {
    char   buf[256][40];
    size_t used;
} scratch;

static const char *rand_str(seq *s, scratch *sc, const char *prefix, unsigned range)
{
    char *d = sc->buf[sc->used++ % 256];
    unsigned len = (unsigned)pbt_mod(&s->r, 8);
    int n = snprintf(d, 40, "%s%u", prefix, (unsigned)pbt_mod(&s->r, range));
    for (unsigned i = 0; i < len && n + 1 < 40; i++)
        d[n++] = (char)('a' + pbt_mod(&s->r, 26));
    d[n] = '\0';
    return d;
}

static const char *rand_key(seq *s, scratch *sc)
{
    char *d = sc->buf[sc->used++ % 256];
    snprintf(d, 40, "key%u", (unsigned)pbt_mod(&s->r, 24));
    return d;
}

/* 0 when the views are equal; else a description in msg. */
static int views_differ(const ctx_view *a, const ctx_view *b, char *msg, size_t cap)
{
    if (a->id != b->id || a->version != b->version || a->deadline_ms != b->deadline_ms
        || a->retries != b->retries || strcmp(a->name, b->name) != 0) {
        snprintf(msg, cap, "scalars differ: id %llu/%llu version %llu/%llu name %s/%s",
                 (unsigned long long)a->id, (unsigned long long)b->id,
                 (unsigned long long)a->version, (unsigned long long)b->version, a->name, b->name);
        return 1;
    }
    if (a->n_tags != b->n_tags || a->n_config != b->n_config) {
        snprintf(msg, cap, "counts differ: tags %zu/%zu config %zu/%zu",
                 a->n_tags, b->n_tags, a->n_config, b->n_config);
        return 1;
    }
    for (size_t i = 0; i < a->n_tags; i++)
        if (strcmp(a->tags[i], b->tags[i]) != 0) {
            snprintf(msg, cap, "tag %zu differs", i);
            return 1;
        }
    for (size_t i = 0; i < a->n_config; i++)
        if (strcmp(a->config[i].key, b->config[i].key) != 0
            || strcmp(a->config[i].value, b->config[i].value) != 0) {
            snprintf(msg, cap, "config %zu differs", i);
            return 1;
        }
    return 0;
}

static void compare_ctx(seq *s, const ctx_context *a, const ctx_context *b)
{
    ctx_view va, vb;
    char msg[200];
    A->read(a, &va);
    B->read(b, &vb);
    if (views_differ(&va, &vb, msg, sizeof msg))
        fail_at(s, msg);
}

static void compare_queue_len(seq *s)
{
    size_t la = A->queue_len(s->ra), lb = B->queue_len(s->rb);
    if (la != lb || la != s->q_len)
        fail_at(s, "queue length differs");
}

static int free_slot(const seq *s)
{
    for (int i = 0; i < POOL; i++)
        if (!s->used[i])
            return i;
    return -1;
}

/* A random used slot, or -1. */
static int pick_slot(seq *s)
{
    int n = 0, idx[POOL];
    for (int i = 0; i < POOL; i++)
        if (s->used[i])
            idx[n++] = i;
    return n ? idx[pbt_mod(&s->r, (uint64_t)n)] : -1;
}

/* Stores a pair of new references, or releases them when the pool is full. */
static void keep(seq *s, ctx_context *a, ctx_context *b)
{
    int i = free_slot(s);
    if (i < 0) {
        A->release(s->ra, a);
        B->release(s->rb, b);
        return;
    }
    s->ha[i] = a;
    s->hb[i] = b;
    s->used[i] = 1;
}

/* ---- operations ---------------------------------------------------------------- */

static void op_create(seq *s)
{
    scratch sc;
    sc.used = 0;
    const char *tags[64];
    ctx_config_entry cfg[CTX_CONFIG_MAX];
    static char bigkeys[CTX_CONFIG_MAX][24];
    ctx_builder b;
    memset(&b, 0, sizeof b);
    b.id = (s->next_id++ << 8) | pbt_mod(&s->r, 256);
    b.name = rand_str(s, &sc, "svc", 8);
    b.deadline_ms = (int64_t)pbt_mod(&s->r, 1000);
    b.retries = (uint32_t)pbt_mod(&s->r, 5);
    b.n_tags = pbt_mod(&s->r, 10) == 0 ? pbt_mod(&s->r, 61) : pbt_mod(&s->r, 13);
    for (size_t i = 0; i < b.n_tags; i++)
        tags[i] = rand_str(s, &sc, "tag", 100);
    b.tags = b.n_tags ? tags : NULL;
    uint64_t kind = pbt_mod(&s->r, 100);
    if (kind < 4) {                                   /* a map (nearly) full */
        b.n_config = CTX_CONFIG_MAX - pbt_mod(&s->r, 2);
        for (size_t i = 0; i < b.n_config; i++) {
            snprintf(bigkeys[i], sizeof bigkeys[i], "key%zu", i);
            cfg[i].key = bigkeys[i];
            cfg[i].value = rand_str(s, &sc, "v", 10);
        }
    } else {
        size_t want = (size_t)pbt_mod(&s->r, 13);
        for (size_t i = 0; i < want; i++) {
            const char *k = rand_key(s, &sc);
            int dup = 0;
            for (size_t j = 0; j < b.n_config; j++)
                dup |= strcmp(cfg[j].key, k) == 0;
            if (dup && kind >= 10)
                continue;                             /* dup kept when kind < 10: invalid */
            cfg[b.n_config].key = k;
            cfg[b.n_config].value = rand_str(s, &sc, "val", 1000);
            b.n_config++;
        }
    }
    b.config = b.n_config ? cfg : NULL;
    if (kind == 99 && b.n_tags > 0)
        tags[pbt_mod(&s->r, b.n_tags)] = NULL;      /* invalid */
    ctx_context *a = A->create(s->ra, &b);
    ctx_context *c = B->create(s->rb, &b);
    if ((a == NULL) != (c == NULL))
        fail_at(s, "create: one NULL");
    if (a == NULL)
        return;
    compare_ctx(s, a, c);
    keep(s, a, c);
}

static void op_call(seq *s)
{
    scratch sc;
    sc.used = 0;
    int i = pick_slot(s);
    ctx_request req;
    req.key = pbt_mod(&s->r, 4) == 0 ? pbt_next(&s->r) : pbt_mod(&s->r, 64);
    req.now_ms = (int64_t)pbt_mod(&s->r, 1100);
    uint64_t k = pbt_mod(&s->r, 10);
    req.config_key = NULL;
    if (k < 5 && i >= 0) {
        ctx_view v;
        A->read(s->ha[i], &v);
        if (v.n_config)
            req.config_key = v.config[pbt_mod(&s->r, v.n_config)].key;
    } else if (k < 8) {
        req.config_key = rand_key(s, &sc);
    }
    ctx_result ra, rb;
    memset(&ra, 0x5a, sizeof ra);
    memset(&rb, 0xa5, sizeof rb);
    int use_null = i < 0 || pbt_mod(&s->r, 100) == 0;
    int xa = A->call(s->ra, use_null ? NULL : s->ha[i], &req, &ra);
    int xb = B->call(s->rb, use_null ? NULL : s->hb[i], &req, &rb);
    if (xa != xb || ra.status != rb.status || ra.status != xa)
        fail_at(s, "call status differs");
    if (ra.wrapper_out != rb.wrapper_out || ra.repo_out != rb.repo_out
        || ra.breaker_out != rb.breaker_out)
        fail_at(s, "call result differs");
    if (xa == CTX_ENOMEM)
        fail_at(s, "unexpected ENOMEM");
}

static void op_enqueue(seq *s)
{
    int i = pick_slot(s);
    if (i < 0)
        return;
    if (s->q_len == QMODEL)
        return;
    int xa = A->enqueue(s->ra, s->ha[i]);
    int xb = B->enqueue(s->rb, s->hb[i]);
    if (xa != CTX_OK || xb != CTX_OK)
        fail_at(s, "enqueue failed");
    ctx_view v;
    A->read(s->ha[i], &v);
    size_t t = (s->q_head + s->q_len) % QMODEL;
    s->q_id[t] = v.id;
    s->q_ver[t] = v.version;
    s->q_len++;
}

static void op_dequeue(seq *s)
{
    ctx_context *a = A->dequeue(s->ra);
    ctx_context *b = B->dequeue(s->rb);
    if ((a == NULL) != (b == NULL))
        fail_at(s, "dequeue: one NULL");
    if (a == NULL) {
        if (s->q_len != 0)
            fail_at(s, "dequeue: NULL with a non-empty model");
        return;
    }
    compare_ctx(s, a, b);
    ctx_view v;
    B->read(b, &v);
    if (s->q_len == 0 || v.id != s->q_id[s->q_head] || v.version != s->q_ver[s->q_head])
        fail_at(s, "dequeue: not the FIFO's head");
    s->q_head = (s->q_head + 1) % QMODEL;
    s->q_len--;
    keep(s, a, b);
}

static void op_release(seq *s)
{
    int i = pick_slot(s);
    if (i < 0)
        return;
    A->release(s->ra, s->ha[i]);
    B->release(s->rb, s->hb[i]);
    s->used[i] = 0;
}

/* A deep snapshot of a view, to prove an update did not touch the old one. */
typedef struct snap {
    char    text[16384];
    size_t  len;
} snap;

static void snap_take(const ctx_view *v, snap *out)
{
    int n = snprintf(out->text, sizeof out->text, "%llu|%llu|%s|%lld|%u|",
                     (unsigned long long)v->id, (unsigned long long)v->version, v->name,
                     (long long)v->deadline_ms, v->retries);
    size_t at = (size_t)n;
    for (size_t i = 0; i < v->n_tags && at < sizeof out->text; i++)
        at += (size_t)snprintf(out->text + at, sizeof out->text - at, "t:%s|", v->tags[i]);
    for (size_t i = 0; i < v->n_config && at < sizeof out->text; i++)
        at += (size_t)snprintf(out->text + at, sizeof out->text - at, "c:%s=%s|",
                               v->config[i].key, v->config[i].value);
    out->len = at < sizeof out->text ? at : sizeof out->text - 1;
}

static void op_update(seq *s)
{
    scratch sc;
    sc.used = 0;
    int i = pick_slot(s);
    if (i < 0)
        return;
    ctx_update u;
    memset(&u, 0, sizeof u);
    u.fields = (unsigned)pbt_mod(&s->r, 32);
    if (pbt_mod(&s->r, 40) == 0)
        u.fields |= 1u << (5 + pbt_mod(&s->r, 20));     /* unknown bit */
    u.deadline_ms = (int64_t)pbt_mod(&s->r, 1000);
    u.retries = (uint32_t)pbt_mod(&s->r, 6);
    u.config_key = pbt_mod(&s->r, 30) ? rand_key(s, &sc) : NULL;
    if (pbt_mod(&s->r, 8) == 0) {                       /* a key of the context */
        ctx_view v;
        A->read(s->ha[i], &v);
        if (v.n_config)
            u.config_key = v.config[pbt_mod(&s->r, v.n_config)].key;
    }
    u.config_value = pbt_mod(&s->r, 30) ? rand_str(s, &sc, "new", 50) : NULL;
    u.tag = pbt_mod(&s->r, 30) ? rand_str(s, &sc, "upd", 50) : NULL;
    u.name = pbt_mod(&s->r, 30) ? rand_str(s, &sc, "ren", 5) : NULL;

    static snap before, after;
    ctx_view vb;
    B->read(s->hb[i], &vb);
    snap_take(&vb, &before);

    ctx_context *a = A->update(s->ra, s->ha[i], &u);
    ctx_context *b = B->update(s->rb, s->hb[i], &u);
    if ((a == NULL) != (b == NULL))
        fail_at(s, "update: one NULL");
    ctx_view vb2;
    B->read(s->hb[i], &vb2);
    snap_take(&vb2, &after);
    if (before.len != after.len || memcmp(before.text, after.text, before.len) != 0)
        fail_at(s, "update changed the old version");
    compare_ctx(s, s->ha[i], s->hb[i]);
    if (a == NULL)
        return;
    compare_ctx(s, a, b);
    keep(s, a, b);
}

static void check_freed(seq *s)
{
    ctx_stats sa, sb;
    A->stats(s->ra, &sa);
    B->stats(s->rb, &sb);
    if (sa.allocated != sa.freed || sb.allocated != sb.freed)
        fail_at(s, "not every context freed exactly once");
    if (sb.clones > sa.clones)
        fail_at(s, "optimized made more copies than naive");
}

static void run_sequence(unsigned n)
{
    seq *s = calloc(1, sizeof *s);
    assert_non_null(s);
    s->n = n;
    s->seed = UINT64_C(0xc0417e47c10e0002) ^ ((uint64_t)n * UINT64_C(0x100000001b3));
    s->r.s = s->seed;
    s->ra = A->runtime_create();
    s->rb = B->runtime_create();
    assert_non_null(s->ra);
    assert_non_null(s->rb);
    int n_ops = 20 + (int)pbt_mod(&s->r, 281);
    for (s->op = 0; s->op < n_ops; s->op++) {
        uint64_t w = pbt_mod(&s->r, 100);
        if (w < 15)
            op_create(s);
        else if (w < 45)
            op_call(s);
        else if (w < 60)
            op_enqueue(s);
        else if (w < 72)
            op_dequeue(s);
        else if (w < 82)
            op_release(s);
        else
            op_update(s);
        compare_queue_len(s);
        if (s->op % 16 == 0)
            for (int i = 0; i < POOL; i++)
                if (s->used[i])
                    compare_ctx(s, s->ha[i], s->hb[i]);
    }
    /* release everything; drain the queue half the time, let destroy do it
     * otherwise */
    for (int i = 0; i < POOL; i++)
        if (s->used[i]) {
            compare_ctx(s, s->ha[i], s->hb[i]);
            A->release(s->ra, s->ha[i]);
            B->release(s->rb, s->hb[i]);
            s->used[i] = 0;
        }
    if (n % 2 == 0) {
        while (s->q_len > 0) {
            op_dequeue(s);
            op_release(s);
        }
        compare_queue_len(s);
        check_freed(s);
    }
    A->runtime_destroy(s->ra);
    B->runtime_destroy(s->rb);
    free(s);
}

static void test_diff_random_sequences(void **state)
{
    (void)state;
    for (unsigned n = 0; n < N_SEQUENCES; n++)
        run_sequence(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff_random_sequences),
    };
    return cmocka_run_group_tests_name("context_clone naive vs optimized", tests, NULL, NULL) != 0;
}
