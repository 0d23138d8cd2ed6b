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
#include "../impl_shared/context_clone_common.h"

#include <stdlib.h>
#include <string.h>

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

    size_t at = set_key != NULL ? cc_cfg_find(b->config, b->n_config, set_key) : b->n_config;
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
    if (rt == NULL || !cc_builder_valid(b))
        return NULL;
    return nv_build(rt, b, 0, NULL, NULL, NULL, NULL);
}

/* A deep copy of c with u applied. */
static ctx_context *nv_update(ctx_runtime *rt, const ctx_context *c, const ctx_update *u)
{
    if (rt == NULL || c == NULL || u == NULL
        || !cc_update_valid(u, c->n_tags, c->config, c->n_config))
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
    uint64_t h = cc_repository_hash(c->name, c->tags, c->n_tags, c->config, c->n_config,
                                     req);
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
        status = cc_breaker_judge(rt, h);
    }
    out->breaker_out = cc_breaker_state(rt);
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
    out->wrapper_out = cc_mix(c->id, c->version, c->retries, req->key);
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
    if (cc_queue_reserve(rt) != CTX_OK)
        return CTX_ENOMEM;
    ctx_context *copy = nv_clone(rt, c);
    if (copy == NULL)
        return CTX_ENOMEM;
    cc_queue_push(rt, copy);
    return CTX_OK;
}

/* ---- runtime ------------------------------------------------------------ */

static void nv_runtime_destroy(ctx_runtime *rt)
{
    cc_runtime_free(rt, nv_drop);
}

const context_clone_ops context_clone_naive = {
    .name = "naive",
    .runtime_create = cc_runtime_new,
    .runtime_destroy = nv_runtime_destroy,
    .create = nv_create,
    .update = nv_update,
    .release = nv_release,
    .read = nv_read,
    .call = nv_call,
    .enqueue = nv_enqueue,
    .dequeue = cc_queue_pop,
    .queue_len = cc_queue_len,
    .stats = cc_runtime_stats,
};
