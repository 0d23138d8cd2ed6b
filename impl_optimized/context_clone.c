/*
 * context_clone_optimized: the fix for seed 002's clone-per-layer execution
 * context: borrow where the lifetime allows, share where ownership moves.
 *
 * A context is one immutable heap block (header, tag pointer array, config
 * entry array, then every string's bytes) with an atomic reference count,
 * the C shape of Arc<Context>. Nothing in a block changes after it is built
 * except the count, so any number of holders can share it; an update builds
 * a new block (a new version) and leaves the old one to its holders.
 * Costs per operation (T tags, C config entries, B string bytes):
 *   call      no allocation, no copy: every layer reads the caller's const
 *             pointer; O(B) for the repository's hash.
 *   enqueue   a retain (one atomic increment); the ring of pointers grows by
 *             doubling (amortised O(1), the only allocation).
 *   dequeue   O(1): the queue's reference passes to the consumer.
 *   release   one atomic decrement; the last one frees the block (1 free).
 *   update    1 malloc of the new version, O(T + C + B) copying.
 *   create    1 malloc, O(T + C^2 + B) (validation compares keys).
 * Every error leaves the runtime unchanged.
 */
#include "pairbench/context_clone.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME  UINT64_C(0x100000001b3)
#define QUEUE_MIN  ((size_t)8)
#define BREAKER_TRIP 3u          /* consecutive failures that open it */
#define BREAKER_OPEN 4u          /* calls rejected while open */

/* Immutable after build except refs. The arrays and strings follow the
 * header in the same block. */
struct ctx_context {
    atomic_size_t           refs;
    uint64_t                id, version;
    int64_t                 deadline_ms;
    uint32_t                retries;
    const char             *name;
    const char            **tags;       /* n_tags pointers into the block */
    size_t                  n_tags;
    ctx_config_entry       *config;     /* n_config entries into the block */
    size_t                  n_config;
};

struct ctx_runtime {
    uint32_t      fails, open_left;     /* the circuit breaker */
    ctx_context **q;                    /* ring; each slot holds a reference */
    size_t        head, len, cap;
    ctx_stats     st;
};

/* ---- hashing (shared definition with the naive file) -------------------- */

static uint64_t fnv_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * FNV_PRIME;
    return h;
}

/* The string's bytes and its NUL. */
static uint64_t fnv_str0(uint64_t h, const char *s)
{
    return fnv_bytes(h, s, strlen(s) + 1);
}

static uint64_t ctx_mix(uint64_t id, uint64_t version, uint32_t retries, uint64_t key)
{
    uint64_t z = id ^ (version * UINT64_C(0x9e3779b97f4a7c15)) ^ ((uint64_t)retries << 40)
                 ^ (key * UINT64_C(0xd6e8feb86659fd93));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* ---- contexts ----------------------------------------------------------- */

/* 1 if *b is a valid builder (see ctx_builder). O(n_tags + n_config^2). */
static int op_builder_valid(const ctx_builder *b)
{
    if (b == NULL || b->name == NULL || b->n_tags > CTX_TAGS_MAX || b->n_config > CTX_CONFIG_MAX)
        return 0;
    if ((b->n_tags > 0 && b->tags == NULL) || (b->n_config > 0 && b->config == NULL))
        return 0;
    for (size_t i = 0; i < b->n_tags; i++)
        if (b->tags[i] == NULL)
            return 0;
    for (size_t i = 0; i < b->n_config; i++) {
        if (b->config[i].key == NULL || b->config[i].value == NULL)
            return 0;
        for (size_t j = 0; j < i; j++)
            if (strcmp(b->config[i].key, b->config[j].key) == 0)
                return 0;
    }
    return 1;
}

/* Index of key in the n entries, or n. */
static size_t cfg_find(const ctx_config_entry *cfg, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(cfg[i].key, key) == 0)
            return i;
    return n;
}

/* Copies s to *p and advances *p past its NUL; returns the copy. */
static const char *op_put(char **p, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = *p;
    memcpy(d, s, n);
    *p += n;
    return d;
}

/* One block holding a copy of the (valid) builder b at `version`, with
 * `name` instead of b->name when non-NULL, `extra_tag` appended when
 * non-NULL, and set_key = set_value applied when set_key is non-NULL
 * (replaced in place or appended; the caller checked the room). Reference
 * count 1. NULL when out of memory. 1 malloc. */
static ctx_context *op_build(ctx_runtime *rt, const ctx_builder *b, uint64_t version,
                             const char *name, const char *extra_tag,
                             const char *set_key, const char *set_value)
{
    if (name == NULL)
        name = b->name;
    size_t at = set_key != NULL ? cfg_find(b->config, b->n_config, set_key) : b->n_config;
    size_t nt = b->n_tags + (extra_tag != NULL);
    size_t nc = b->n_config + (set_key != NULL && at == b->n_config);

    size_t bytes = strlen(name) + 1;
    for (size_t i = 0; i < b->n_tags; i++)
        bytes += strlen(b->tags[i]) + 1;
    if (extra_tag != NULL)
        bytes += strlen(extra_tag) + 1;
    for (size_t i = 0; i < b->n_config; i++)
        bytes += strlen(b->config[i].key) + 1
                 + strlen(i == at ? set_value : b->config[i].value) + 1;
    if (set_key != NULL && at == b->n_config)
        bytes += strlen(set_key) + 1 + strlen(set_value) + 1;

    /* header, then config entries and tag pointers (both pointer-aligned),
     * then the strings. Sizes are bounded by the MAX limits and the
     * strings already in memory, so they cannot overflow. */
    size_t off_cfg = sizeof(ctx_context);
    size_t off_tags = off_cfg + nc * sizeof(ctx_config_entry);
    size_t off_str = off_tags + nt * sizeof(const char *);
    unsigned char *blk = malloc(off_str + bytes);
    if (blk == NULL)
        return NULL;
    ctx_context *c = (ctx_context *)blk;
    char *p = (char *)blk + off_str;
    atomic_init(&c->refs, 1);
    c->id = b->id;
    c->version = version;
    c->deadline_ms = b->deadline_ms;
    c->retries = b->retries;
    c->name = op_put(&p, name);
    c->n_tags = nt;
    c->tags = nt ? (const char **)(void *)(blk + off_tags) : NULL;
    for (size_t i = 0; i < nt; i++)
        c->tags[i] = op_put(&p, i < b->n_tags ? b->tags[i] : extra_tag);
    c->n_config = nc;
    c->config = nc ? (ctx_config_entry *)(void *)(blk + off_cfg) : NULL;
    for (size_t i = 0; i < nc; i++) {
        c->config[i].key = op_put(&p, i < b->n_config ? b->config[i].key : set_key);
        c->config[i].value = op_put(&p, (set_key != NULL && i == at) ? set_value
                                                                     : b->config[i].value);
    }
    rt->st.allocated++;
    return c;
}

static ctx_context *op_create(ctx_runtime *rt, const ctx_builder *b)
{
    if (rt == NULL || !op_builder_valid(b))
        return NULL;
    return op_build(rt, b, 0, NULL, NULL, NULL, NULL);
}

/* Copy-on-write: a new block, version + 1; c is not touched. */
static ctx_context *op_update(ctx_runtime *rt, const ctx_context *c, const ctx_update *u)
{
    if (rt == NULL || c == NULL || u == NULL || (u->fields & ~(unsigned)CTX_UPDATE_ALL) != 0)
        return NULL;
    if (((u->fields & CTX_UPDATE_CONFIG) && (u->config_key == NULL || u->config_value == NULL))
        || ((u->fields & CTX_UPDATE_TAG) && u->tag == NULL)
        || ((u->fields & CTX_UPDATE_NAME) && u->name == NULL))
        return NULL;
    if ((u->fields & CTX_UPDATE_TAG) && c->n_tags >= CTX_TAGS_MAX)
        return NULL;
    if ((u->fields & CTX_UPDATE_CONFIG) && c->n_config >= CTX_CONFIG_MAX
        && cfg_find(c->config, c->n_config, u->config_key) == c->n_config)
        return NULL;
    ctx_builder b = {
        .id = c->id, .name = c->name, .tags = c->tags, .n_tags = c->n_tags,
        .config = c->config, .n_config = c->n_config,
        .deadline_ms = (u->fields & CTX_UPDATE_DEADLINE) ? u->deadline_ms : c->deadline_ms,
        .retries = (u->fields & CTX_UPDATE_RETRIES) ? u->retries : c->retries,
    };
    ctx_context *d = op_build(rt, &b, c->version + 1,
                              (u->fields & CTX_UPDATE_NAME) ? u->name : NULL,
                              (u->fields & CTX_UPDATE_TAG) ? u->tag : NULL,
                              (u->fields & CTX_UPDATE_CONFIG) ? u->config_key : NULL,
                              (u->fields & CTX_UPDATE_CONFIG) ? u->config_value : NULL);
    if (d != NULL)
        rt->st.clones++;
    return d;
}

/* Takes one more reference. The block was allocated non-const, so changing
 * its count through a pointer that was const is defined. */
static void op_retain(ctx_runtime *rt, const ctx_context *c)
{
    atomic_fetch_add_explicit(&((ctx_context *)c)->refs, 1, memory_order_relaxed);
    rt->st.shares++;
}

/* Drops one reference; the last one frees the block. */
static void op_release(ctx_runtime *rt, ctx_context *c)
{
    if (c == NULL)
        return;
    if (atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) == 1) {
        free(c);
        rt->st.freed++;
    }
}

static void op_read(const ctx_context *c, ctx_view *out)
{
    out->id = c->id;
    out->version = c->version;
    out->name = c->name;
    out->deadline_ms = c->deadline_ms;
    out->retries = c->retries;
    out->n_tags = c->n_tags;
    out->tags = c->tags;
    out->n_config = c->n_config;
    out->config = c->config;
}

/* ---- the call path: every layer borrows --------------------------------- */

/* The repository's hash of the context and the request. No allocation. */
static uint64_t op_repository(const ctx_context *c, const ctx_request *req)
{
    uint64_t h = fnv_str0(FNV_OFFSET, c->name);
    for (size_t i = 0; i < c->n_tags; i++)
        h = fnv_str0(h, c->tags[i]);
    for (size_t i = 0; i < c->n_config; i++) {
        h = fnv_str0(h, c->config[i].key);
        h = fnv_str0(h, c->config[i].value);
    }
    unsigned char kb[8];
    for (int i = 0; i < 8; i++)
        kb[i] = (unsigned char)(req->key >> (8 * i));
    h = fnv_bytes(h, kb, sizeof kb);
    size_t at = req->config_key != NULL ? cfg_find(c->config, c->n_config, req->config_key)
                                        : c->n_config;
    if (at < c->n_config) {
        h = fnv_str0(h, c->config[at].value);
    } else {
        unsigned char ff = 0xff;
        h = fnv_bytes(h, &ff, 1);
    }
    return h;
}

/* The circuit breaker: rejects while open, else calls the repository and
 * counts its failures. */
static int op_breaker(ctx_runtime *rt, const ctx_context *c, const ctx_request *req,
                      ctx_result *out)
{
    int status;
    if (rt->open_left > 0) {
        rt->open_left--;
        status = CTX_EOPEN;
    } else {
        uint64_t h = op_repository(c, req);
        out->repo_out = h;
        if (h % 8 == 0) {
            if (++rt->fails >= BREAKER_TRIP) {
                rt->fails = 0;
                rt->open_left = BREAKER_OPEN;
            }
            status = CTX_EFAIL;
        } else {
            rt->fails = 0;
            status = CTX_OK;
        }
    }
    out->breaker_out = ((uint64_t)rt->fails << 32) | rt->open_left;
    return status;
}

/* The wrapper: checks the deadline, calls the breaker. Never CTX_ENOMEM. */
static int op_call(ctx_runtime *rt, const ctx_context *c, const ctx_request *req,
                   ctx_result *out)
{
    if (out == NULL)
        return CTX_EINVAL;
    memset(out, 0, sizeof *out);
    if (rt == NULL || c == NULL || req == NULL)
        return out->status = CTX_EINVAL;
    out->wrapper_out = ctx_mix(c->id, c->version, c->retries, req->key);
    int status = req->now_ms > c->deadline_ms ? CTX_EDEADLINE : op_breaker(rt, c, req, out);
    return out->status = status;
}

/* ---- the queue: the hand-off shares ------------------------------------- */

static int op_enqueue(ctx_runtime *rt, const ctx_context *c)
{
    if (rt == NULL || c == NULL)
        return CTX_EINVAL;
    if (rt->len == rt->cap) {
        size_t cap = rt->cap ? 2 * rt->cap : QUEUE_MIN;
        ctx_context **q = cap <= SIZE_MAX / sizeof *q ? malloc(cap * sizeof *q) : NULL;
        if (q == NULL)
            return CTX_ENOMEM;
        for (size_t i = 0; i < rt->len; i++)
            q[i] = rt->q[(rt->head + i) % rt->cap];
        free(rt->q);
        rt->q = q;
        rt->head = 0;
        rt->cap = cap;
    }
    op_retain(rt, c);
    rt->q[(rt->head + rt->len) % rt->cap] = (ctx_context *)c;
    rt->len++;
    return CTX_OK;
}

static ctx_context *op_dequeue(ctx_runtime *rt)
{
    if (rt == NULL || rt->len == 0)
        return NULL;
    ctx_context *c = rt->q[rt->head];
    rt->head = (rt->head + 1) % rt->cap;
    rt->len--;
    return c;
}

static size_t op_queue_len(const ctx_runtime *rt)
{
    return rt->len;
}

/* ---- runtime ------------------------------------------------------------ */

static ctx_runtime *op_runtime_create(void)
{
    return calloc(1, sizeof(ctx_runtime));
}

static void op_runtime_destroy(ctx_runtime *rt)
{
    if (rt == NULL)
        return;
    ctx_context *c;
    while ((c = op_dequeue(rt)) != NULL)
        op_release(rt, c);
    free(rt->q);
    free(rt);
}

static void op_stats(const ctx_runtime *rt, ctx_stats *out)
{
    *out = rt->st;
}

const context_clone_ops context_clone_optimized = {
    .name = "optimized",
    .runtime_create = op_runtime_create,
    .runtime_destroy = op_runtime_destroy,
    .create = op_create,
    .update = op_update,
    .release = op_release,
    .read = op_read,
    .call = op_call,
    .enqueue = op_enqueue,
    .dequeue = op_dequeue,
    .queue_len = op_queue_len,
    .stats = op_stats,
};
