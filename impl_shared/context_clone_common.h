/*
 * context_clone_common: what impl_naive/context_clone.c and
 * impl_optimized/context_clone.c share and the seed's fix does not touch
 * (not part of any ops table): the runtime (circuit breaker, ring queue of
 * context pointers, statistics), the builder and update checks, and the
 * call path's hashing. The two files differ in how a context is held
 * (deep copies vs one shared block) and in nothing here.
 *
 * Everything is `static inline`: the call path is measured, and these
 * functions were inlined into it when each file had its own copy.
 */
#ifndef PAIRBENCH_CONTEXT_CLONE_COMMON_H
#define PAIRBENCH_CONTEXT_CLONE_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/context_clone.h"

#define CC_FNV_OFFSET   UINT64_C(0xcbf29ce484222325)
#define CC_FNV_PRIME    UINT64_C(0x100000001b3)
#define CC_QUEUE_MIN    ((size_t)8)
#define CC_BREAKER_TRIP 3u      /* consecutive failures that open it */
#define CC_BREAKER_OPEN 4u      /* calls rejected while open */

struct ctx_runtime {
    uint32_t      fails, open_left;     /* the circuit breaker */
    ctx_context **q;                    /* ring; each slot holds the queue's
                                           copy (naive) or reference */
    size_t        head, len, cap;
    ctx_stats     st;
};

/* ---- hashing ------------------------------------------------------------ */

static inline uint64_t cc_fnv_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * CC_FNV_PRIME;
    return h;
}

/* The string's bytes and its NUL. */
static inline uint64_t cc_fnv_str0(uint64_t h, const char *s)
{
    return cc_fnv_bytes(h, s, strlen(s) + 1);
}

/* The wrapper's output: a mix of the context's identity and the key. */
static inline uint64_t cc_mix(uint64_t id, uint64_t version, uint32_t retries, uint64_t key)
{
    uint64_t z = id ^ (version * UINT64_C(0x9e3779b97f4a7c15)) ^ ((uint64_t)retries << 40)
                 ^ (key * UINT64_C(0xd6e8feb86659fd93));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* ---- builders and updates ------------------------------------------------ */

/* Index of key in the n entries, or n. */
static inline size_t cc_cfg_find(const ctx_config_entry *cfg, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(cfg[i].key, key) == 0)
            return i;
    return n;
}

/* 1 if *b is a valid builder (see ctx_builder). O(n_tags + n_config^2). */
static inline int cc_builder_valid(const ctx_builder *b)
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

/* 1 if *u (non-NULL) may be applied to a context with n_tags tags and the
 * n_config entries cfg: known field bits only, the strings it sets
 * non-NULL, room for a new tag or a new config key. */
static inline int cc_update_valid(const ctx_update *u, size_t n_tags,
                                   const ctx_config_entry *cfg, size_t n_config)
{
    if ((u->fields & ~(unsigned)CTX_UPDATE_ALL) != 0)
        return 0;
    if (((u->fields & CTX_UPDATE_CONFIG) && (u->config_key == NULL || u->config_value == NULL))
        || ((u->fields & CTX_UPDATE_TAG) && u->tag == NULL)
        || ((u->fields & CTX_UPDATE_NAME) && u->name == NULL))
        return 0;
    if ((u->fields & CTX_UPDATE_TAG) && n_tags >= CTX_TAGS_MAX)
        return 0;
    if ((u->fields & CTX_UPDATE_CONFIG) && n_config >= CTX_CONFIG_MAX
        && cc_cfg_find(cfg, n_config, u->config_key) == n_config)
        return 0;
    return 1;
}

/* ---- the call path --------------------------------------------------------- */

/* The repository's hash of a context (name, tags, config) and the request:
 * FNV-1a over every string with its NUL, the key's 8 bytes little-endian,
 * then the value of req->config_key, or one 0xff byte when absent. */
static inline uint64_t cc_repository_hash(const char *name, const char *const *tags,
                                           size_t n_tags, const ctx_config_entry *cfg,
                                           size_t n_config, const ctx_request *req)
{
    uint64_t h = cc_fnv_str0(CC_FNV_OFFSET, name);
    for (size_t i = 0; i < n_tags; i++)
        h = cc_fnv_str0(h, tags[i]);
    for (size_t i = 0; i < n_config; i++) {
        h = cc_fnv_str0(h, cfg[i].key);
        h = cc_fnv_str0(h, cfg[i].value);
    }
    unsigned char kb[8];
    for (int i = 0; i < 8; i++)
        kb[i] = (unsigned char)(req->key >> (8 * i));
    h = cc_fnv_bytes(h, kb, sizeof kb);
    size_t at = req->config_key != NULL ? cc_cfg_find(cfg, n_config, req->config_key)
                                        : n_config;
    if (at < n_config) {
        h = cc_fnv_str0(h, cfg[at].value);
    } else {
        unsigned char ff = 0xff;
        h = cc_fnv_bytes(h, &ff, 1);
    }
    return h;
}

/* The breaker's verdict on the repository's answer h: CTX_EFAIL when
 * h % 8 == 0 (the breaker opens for CC_BREAKER_OPEN calls after
 * CC_BREAKER_TRIP failures in a row), else CTX_OK. */
static inline int cc_breaker_judge(ctx_runtime *rt, uint64_t h)
{
    if (h % 8 == 0) {
        if (++rt->fails >= CC_BREAKER_TRIP) {
            rt->fails = 0;
            rt->open_left = CC_BREAKER_OPEN;
        }
        return CTX_EFAIL;
    }
    rt->fails = 0;
    return CTX_OK;
}

/* The breaker's state as the call reports it (ctx_result.breaker_out). */
static inline uint64_t cc_breaker_state(const ctx_runtime *rt)
{
    return ((uint64_t)rt->fails << 32) | rt->open_left;
}

/* ---- the queue --------------------------------------------------------------- */

/* Room for one more slot: the ring doubles (from CC_QUEUE_MIN) when full.
 * CTX_OK, or CTX_ENOMEM with the ring unchanged. Amortised O(1). */
static inline int cc_queue_reserve(ctx_runtime *rt)
{
    if (rt->len == rt->cap) {
        size_t cap = rt->cap ? 2 * rt->cap : CC_QUEUE_MIN;
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
    return CTX_OK;
}

/* Appends c; cc_queue_reserve made the room. */
static inline void cc_queue_push(ctx_runtime *rt, ctx_context *c)
{
    rt->q[(rt->head + rt->len) % rt->cap] = c;
    rt->len++;
}

/* The oldest entry, removed from the ring; NULL when rt is NULL or empty. */
static inline ctx_context *cc_queue_pop(ctx_runtime *rt)
{
    if (rt == NULL || rt->len == 0)
        return NULL;
    ctx_context *c = rt->q[rt->head];
    rt->head = (rt->head + 1) % rt->cap;
    rt->len--;
    return c;
}

static inline size_t cc_queue_len(const ctx_runtime *rt)
{
    return rt->len;
}

/* ---- the runtime ------------------------------------------------------------- */

/* An empty runtime (closed breaker, empty queue, zero stats), or NULL. */
static inline ctx_runtime *cc_runtime_new(void)
{
    return calloc(1, sizeof(ctx_runtime));
}

/* Frees the runtime after `drop` has taken every queued context. NULL is a
 * no-op. */
static inline void cc_runtime_free(ctx_runtime *rt, void (*drop)(ctx_runtime *, ctx_context *))
{
    if (rt == NULL)
        return;
    ctx_context *c;
    while ((c = cc_queue_pop(rt)) != NULL)
        drop(rt, c);
    free(rt->q);
    free(rt);
}

static inline void cc_runtime_stats(const ctx_runtime *rt, ctx_stats *out)
{
    *out = rt->st;
}

#endif
