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
#include "../impl_shared/context_clone_common.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- contexts ----------------------------------------------------------- */

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
    size_t at = set_key != NULL ? cc_cfg_find(b->config, b->n_config, set_key) : b->n_config;
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
    if (rt == NULL || !cc_builder_valid(b))
        return NULL;
    return op_build(rt, b, 0, NULL, NULL, NULL, NULL);
}

/* Copy-on-write: a new block, version + 1; c is not touched. */
static ctx_context *op_update(ctx_runtime *rt, const ctx_context *c, const ctx_update *u)
{
    if (rt == NULL || c == NULL || u == NULL
        || !cc_update_valid(u, c->n_tags, c->config, c->n_config))
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
    return cc_repository_hash(c->name, c->tags, c->n_tags, c->config, c->n_config, req);
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
        status = cc_breaker_judge(rt, h);
    }
    out->breaker_out = cc_breaker_state(rt);
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
    out->wrapper_out = cc_mix(c->id, c->version, c->retries, req->key);
    int status = req->now_ms > c->deadline_ms ? CTX_EDEADLINE : op_breaker(rt, c, req, out);
    return out->status = status;
}

/* ---- the queue: the hand-off shares ------------------------------------- */

static int op_enqueue(ctx_runtime *rt, const ctx_context *c)
{
    if (rt == NULL || c == NULL)
        return CTX_EINVAL;
    if (cc_queue_reserve(rt) != CTX_OK)
        return CTX_ENOMEM;
    op_retain(rt, c);
    cc_queue_push(rt, (ctx_context *)c);
    return CTX_OK;
}

/* ---- runtime ------------------------------------------------------------ */

static void op_runtime_destroy(ctx_runtime *rt)
{
    cc_runtime_free(rt, op_release);
}

const context_clone_ops context_clone_optimized = {
    .name = "optimized",
    .runtime_create = cc_runtime_new,
    .runtime_destroy = op_runtime_destroy,
    .create = op_create,
    .update = op_update,
    .release = op_release,
    .read = op_read,
    .call = op_call,
    .enqueue = op_enqueue,
    .dequeue = cc_queue_pop,
    .queue_len = cc_queue_len,
    .stats = cc_runtime_stats,
};
