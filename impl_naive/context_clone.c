/*
 * context_clone_naive: the seed's "before" (seed 002): the execution context
 * is deep-copied at every layer of the call path and at the queue hand-off,
 * the C shape of `ctx.clone()` on a struct of String, Vec<String> and
 * HashMap<String, String> in wrapper, circuit breaker and repository.
 *
 * A context is a struct with a heap name, a heap array of heap tags and a
 * heap table of heap keys and values: a deep copy of a context with T tags
 * and C config entries is 4 + T + 2C mallocs (struct, name, tag array when
 * T > 0, each tag, config table when C > 0, each key, each value; 3N + 4 for
 * T = C = N), O(bytes) copying, and as many frees when the copy is dropped.
 * Costs per operation:
 *   call      3 deep copies (wrapper, breaker, repository; fewer when the
 *             deadline has passed or the breaker is open), each freed on
 *             return, plus the O(bytes) hash of the repository.
 *   enqueue   1 deep copy, owned by the queue (the ring of pointers grows by
 *             doubling: amortised O(1)).
 *   dequeue   O(1): the queue's copy passes to the consumer.
 *   release   frees the copy: 4 + T + 2C frees.
 *   update    1 deep copy with the update applied.
 *   create    1 deep copy of the builder.
 * Every error leaves the runtime unchanged.
 */
#include "pairbench/context_clone.h"

#include <stdlib.h>
#include <string.h>

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME  UINT64_C(0x100000001b3)
#define QUEUE_MIN  ((size_t)8)
#define BREAKER_TRIP 3u          /* consecutive failures that open it */
#define BREAKER_OPEN 4u          /* calls rejected while open */

struct ctx_context {
    uint64_t          id, version;
    char             *name;
    int64_t           deadline_ms;
    uint32_t          retries;
    const char      **tags;      /* n_tags owned strings; NULL when 0 */
    size_t            n_tags;
    ctx_config_entry *config;    /* n_config owned key/value strings */
    size_t            n_config;
};

struct ctx_runtime {
    uint32_t      fails, open_left;     /* the circuit breaker */
    ctx_context **q;                    /* ring of owned copies */
    size_t        head, len, cap;
    ctx_stats     st;
};

/* ---- hashing (shared definition with the optimized file) ---------------- */

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

static char *nv_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

/* Frees a (possibly partly built) context: NULL members are skipped. Does
 * not touch the stats. */
static void nv_free(ctx_context *c)
{
    if (c == NULL)
        return;
    free(c->name);
    if (c->tags != NULL)
        for (size_t i = 0; i < c->n_tags; i++)
            free((char *)c->tags[i]);
    free(c->tags);
    if (c->config != NULL)
        for (size_t i = 0; i < c->n_config; i++) {
            free((char *)c->config[i].key);
            free((char *)c->config[i].value);
        }
    free(c->config);
    free(c);
}

/* 1 if *b is a valid builder (see ctx_builder). O(n_tags + n_config^2). */
static int nv_builder_valid(const ctx_builder *b)
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

/* A deep copy of the (valid) builder b at `version`, with `name` instead of
 * b->name when non-NULL, `extra_tag` appended when non-NULL, and set_key =
 * set_value applied when set_key is non-NULL (replaced in place or
 * appended; the caller checked the room). NULL when out of memory, with
 * everything freed. Counts one allocated context. */
static ctx_context *nv_build(ctx_runtime *rt, const ctx_builder *b, uint64_t version,
                             const char *name, const char *extra_tag,
                             const char *set_key, const char *set_value)
{
    ctx_context *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->id = b->id;
    c->version = version;
    c->deadline_ms = b->deadline_ms;
    c->retries = b->retries;
    c->name = nv_strdup(name != NULL ? name : b->name);
    if (c->name == NULL)
        goto fail;

    size_t nt = b->n_tags + (extra_tag != NULL);
    if (nt > 0) {
        c->tags = calloc(nt, sizeof *c->tags);
        if (c->tags == NULL)
            goto fail;
        for (size_t i = 0; i < nt; i++, c->n_tags++) {
            c->tags[i] = nv_strdup(i < b->n_tags ? b->tags[i] : extra_tag);
            if (c->tags[i] == NULL)
                goto fail;
        }
    }

    size_t at = set_key != NULL ? cfg_find(b->config, b->n_config, set_key) : b->n_config;
    size_t nc = b->n_config + (set_key != NULL && at == b->n_config);
    if (nc > 0) {
        c->config = calloc(nc, sizeof *c->config);
        if (c->config == NULL)
            goto fail;
        for (size_t i = 0; i < nc; i++, c->n_config++) {
            const char *k = i < b->n_config ? b->config[i].key : set_key;
            const char *v = (set_key != NULL && i == at) ? set_value : b->config[i].value;
            c->config[i].key = nv_strdup(k);
            c->config[i].value = nv_strdup(v);
            if (c->config[i].key == NULL || c->config[i].value == NULL) {
                c->n_config++;      /* free the half-built entry too */
                goto fail;
            }
        }
    }
    rt->st.allocated++;
    return c;
fail:
    nv_free(c);
    return NULL;
}

/* The builder that reproduces c. */
static ctx_builder nv_as_builder(const ctx_context *c)
{
    ctx_builder b = {
        .id = c->id, .name = c->name, .tags = c->tags, .n_tags = c->n_tags,
        .config = c->config, .n_config = c->n_config,
        .deadline_ms = c->deadline_ms, .retries = c->retries,
    };
    return b;
}

/* A deep copy of c (a clone). NULL when out of memory. */
static ctx_context *nv_clone(ctx_runtime *rt, const ctx_context *c)
{
    ctx_builder b = nv_as_builder(c);
    ctx_context *d = nv_build(rt, &b, c->version, NULL, NULL, NULL, NULL);
    if (d != NULL)
        rt->st.clones++;
    return d;
}

/* Frees a copy and counts it. */
static void nv_drop(ctx_runtime *rt, ctx_context *c)
{
    nv_free(c);
    rt->st.freed++;
}

static ctx_context *nv_create(ctx_runtime *rt, const ctx_builder *b)
{
    if (rt == NULL || !nv_builder_valid(b))
        return NULL;
    return nv_build(rt, b, 0, NULL, NULL, NULL, NULL);
}

/* A deep copy of c with u applied. */
static ctx_context *nv_update(ctx_runtime *rt, const ctx_context *c, const ctx_update *u)
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
    ctx_builder b = nv_as_builder(c);
    if (u->fields & CTX_UPDATE_DEADLINE)
        b.deadline_ms = u->deadline_ms;
    if (u->fields & CTX_UPDATE_RETRIES)
        b.retries = u->retries;
    ctx_context *d = nv_build(rt, &b, c->version + 1,
                              (u->fields & CTX_UPDATE_NAME) ? u->name : NULL,
                              (u->fields & CTX_UPDATE_TAG) ? u->tag : NULL,
                              (u->fields & CTX_UPDATE_CONFIG) ? u->config_key : NULL,
                              (u->fields & CTX_UPDATE_CONFIG) ? u->config_value : NULL);
    if (d != NULL)
        rt->st.clones++;
    return d;
}

/* Every reference is its own copy: frees it. */
static void nv_release(ctx_runtime *rt, ctx_context *c)
{
    if (c != NULL)
        nv_drop(rt, c);
}

static void nv_read(const ctx_context *c, ctx_view *out)
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

/* ---- the call path: each layer clones what it is given ------------------ */

/* The repository: deep-copies the context, hashes it with the request,
 * drops the copy. CTX_OK or CTX_ENOMEM. */
static int nv_repository(ctx_runtime *rt, const ctx_context *given, const ctx_request *req,
                         uint64_t *out)
{
    ctx_context *c = nv_clone(rt, given);
    if (c == NULL)
        return CTX_ENOMEM;
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
    *out = h;
    nv_drop(rt, c);
    return CTX_OK;
}

/* The circuit breaker: deep-copies the context, rejects while open, else
 * calls the repository and counts its failures. */
static int nv_breaker(ctx_runtime *rt, const ctx_context *given, const ctx_request *req,
                      ctx_result *out)
{
    ctx_context *c = nv_clone(rt, given);
    if (c == NULL)
        return CTX_ENOMEM;
    int status;
    if (rt->open_left > 0) {
        rt->open_left--;
        status = CTX_EOPEN;
    } else {
        uint64_t h = 0;
        if (nv_repository(rt, c, req, &h) != CTX_OK) {
            nv_drop(rt, c);
            return CTX_ENOMEM;
        }
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
    nv_drop(rt, c);
    return status;
}

/* The wrapper: deep-copies the context, checks the deadline, calls the
 * breaker. */
static int nv_call(ctx_runtime *rt, const ctx_context *given, const ctx_request *req,
                   ctx_result *out)
{
    if (out == NULL)
        return CTX_EINVAL;
    memset(out, 0, sizeof *out);
    if (rt == NULL || given == NULL || req == NULL)
        return out->status = CTX_EINVAL;
    ctx_context *c = nv_clone(rt, given);
    if (c == NULL)
        return out->status = CTX_ENOMEM;
    out->wrapper_out = ctx_mix(c->id, c->version, c->retries, req->key);
    int status = req->now_ms > c->deadline_ms ? CTX_EDEADLINE : nv_breaker(rt, c, req, out);
    nv_drop(rt, c);
    if (status == CTX_ENOMEM)
        memset(out, 0, sizeof *out);
    return out->status = status;
}

/* ---- the queue: the hand-off deep-copies -------------------------------- */

static int nv_enqueue(ctx_runtime *rt, const ctx_context *c)
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
    ctx_context *copy = nv_clone(rt, c);
    if (copy == NULL)
        return CTX_ENOMEM;
    rt->q[(rt->head + rt->len) % rt->cap] = copy;
    rt->len++;
    return CTX_OK;
}

static ctx_context *nv_dequeue(ctx_runtime *rt)
{
    if (rt == NULL || rt->len == 0)
        return NULL;
    ctx_context *c = rt->q[rt->head];
    rt->head = (rt->head + 1) % rt->cap;
    rt->len--;
    return c;
}

static size_t nv_queue_len(const ctx_runtime *rt)
{
    return rt->len;
}

/* ---- runtime ------------------------------------------------------------ */

static ctx_runtime *nv_runtime_create(void)
{
    return calloc(1, sizeof(ctx_runtime));
}

static void nv_runtime_destroy(ctx_runtime *rt)
{
    if (rt == NULL)
        return;
    ctx_context *c;
    while ((c = nv_dequeue(rt)) != NULL)
        nv_drop(rt, c);
    free(rt->q);
    free(rt);
}

static void nv_stats(const ctx_runtime *rt, ctx_stats *out)
{
    *out = rt->st;
}

const context_clone_ops context_clone_naive = {
    .name = "naive",
    .runtime_create = nv_runtime_create,
    .runtime_destroy = nv_runtime_destroy,
    .create = nv_create,
    .update = nv_update,
    .release = nv_release,
    .read = nv_read,
    .call = nv_call,
    .enqueue = nv_enqueue,
    .dequeue = nv_dequeue,
    .queue_len = nv_queue_len,
    .stats = nv_stats,
};
