/*
 * context_clone: the execution context of seed 002, passed down a call path
 * (wrapper -> circuit breaker -> repository) and handed to a queue.
 *
 * A context is an immutable value: id, name, version, deadline, retry count,
 * a list of tags (strings) and a small config map (string -> string, at most
 * CTX_CONFIG_MAX entries, keys unique, insertion order kept). Every context
 * pointer a caller obtains (create, update, dequeue) is one *reference* the
 * caller owns and must give back exactly once with release. An update never
 * changes a context: it returns a new version (copy-on-write), so a holder
 * of the old reference never sees a change.
 *
 * A runtime holds the circuit breaker's state, the hand-off queue and the
 * statistics. Two implementations share this ops table:
 *   context_clone_naive      the seed's "before": every layer of the call
 *                            path deep-copies the context it is given (a
 *                            malloc for the struct, the name, the tag array,
 *                            each tag, the config table, each key and value:
 *                            3N+4 allocations for N tags and N entries) and
 *                            frees its copy on return; the queue hand-off
 *                            deep-copies again. Every reference is a copy.
 *   context_clone_optimized  layers borrow the caller's const pointer; a
 *                            context is one immutable block with an atomic
 *                            reference count, so the queue hand-off is a
 *                            retain and the last release frees it.
 * Both give identical observable results (every call result, what the
 * consumer reads, the queue length, the versions); the naive one is the
 * test oracle of the optimized one. Only `stats` differs (copies made).
 * The runtime is single-threaded; contexts must not be mixed across
 * implementations or runtimes. Scenarios call through the inline wrappers.
 */
#ifndef PAIRBENCH_CONTEXT_CLONE_H
#define PAIRBENCH_CONTEXT_CLONE_H

#include <stddef.h>
#include <stdint.h>

#define CTX_CONFIG_MAX 128          /* config entries per context */
#define CTX_TAGS_MAX   4096         /* tags per context */

/* Status codes. */
enum {
    CTX_OK        = 0,   /* call: the repository answered */
    CTX_EDEADLINE = 1,   /* call: req->now_ms > the context's deadline_ms */
    CTX_EOPEN     = 2,   /* call: the breaker is open, repository not called */
    CTX_EFAIL     = 3,   /* call: the repository answered with a failure */
    CTX_EINVAL    = 4,   /* a NULL or invalid argument; nothing changed */
    CTX_ENOMEM    = 5    /* allocation failed; nothing changed */
};

typedef struct ctx_config_entry {
    const char *key;                 /* NUL-terminated, non-NULL */
    const char *value;               /* NUL-terminated, non-NULL */
} ctx_config_entry;

/* What create copies a context from; nothing is kept after create returns. */
typedef struct ctx_builder {
    uint64_t                id;
    const char             *name;        /* non-NULL */
    const char *const      *tags;        /* n_tags non-NULL strings (may be NULL if 0) */
    size_t                  n_tags;      /* <= CTX_TAGS_MAX */
    const ctx_config_entry *config;      /* n_config entries, keys unique */
    size_t                  n_config;    /* <= CTX_CONFIG_MAX */
    int64_t                 deadline_ms;
    uint32_t                retries;
} ctx_builder;

/* A read-only view of a context, valid while the reference it was read from
 * is held. tags[i] and config[i] point into the context. */
typedef struct ctx_view {
    uint64_t                id;
    uint64_t                version;     /* create: 0; update: previous + 1 */
    const char             *name;
    int64_t                 deadline_ms;
    uint32_t                retries;
    size_t                  n_tags;
    const char *const      *tags;
    size_t                  n_config;
    const ctx_config_entry *config;      /* in insertion order */
} ctx_view;

/* A partial update: only the fields named in `fields` change. */
enum {
    CTX_UPDATE_DEADLINE = 1u << 0,
    CTX_UPDATE_RETRIES  = 1u << 1,
    CTX_UPDATE_CONFIG   = 1u << 2,   /* set config_key = config_value: replaced
                                        in place if present, else appended */
    CTX_UPDATE_TAG      = 1u << 3,   /* append tag */
    CTX_UPDATE_NAME     = 1u << 4,
    CTX_UPDATE_ALL      = (1u << 5) - 1
};

typedef struct ctx_update {
    unsigned    fields;              /* CTX_UPDATE_* bits */
    int64_t     deadline_ms;
    uint32_t    retries;
    const char *config_key, *config_value;
    const char *tag;
    const char *name;
} ctx_update;

/* One request through the call path. */
typedef struct ctx_request {
    uint64_t    key;                 /* the repository key */
    int64_t     now_ms;              /* checked against the deadline */
    const char *config_key;          /* looked up in the context; may be NULL */
} ctx_request;

/* What each layer produced (all zero for layers not reached). */
typedef struct ctx_result {
    int      status;                 /* = call's return value */
    uint64_t wrapper_out;            /* ctx_mix(id, version, retries, key) */
    uint64_t repo_out;               /* the repository's hash, see below */
    uint64_t breaker_out;            /* (consecutive failures << 32) | open calls
                                        left, after the call */
} ctx_result;

/* Copies made and context objects allocated/freed by a runtime. Only this
 * differs between implementations. */
typedef struct ctx_stats {
    uint64_t clones;                 /* deep copies: call path layers, queue
                                        hand-off, update (a new version) */
    uint64_t shares;                 /* references taken without a copy */
    uint64_t allocated;              /* context objects allocated */
    uint64_t freed;                  /* context objects freed */
} ctx_stats;

typedef struct ctx_runtime ctx_runtime;     /* opaque */
typedef struct ctx_context ctx_context;     /* opaque */

/*
 * The call path, identical in both implementations:
 *   wrapper     if req->now_ms > deadline_ms: CTX_EDEADLINE (breaker untouched).
 *               wrapper_out = ctx_mix as defined in both implementation files.
 *   breaker     if open calls left > 0: decrement, CTX_EOPEN.
 *   repository  repo_out = FNV-1a 64 over name, every tag, every config key
 *               and value (each followed by a 0 byte), the 8 bytes of key
 *               (little endian), then the value of req->config_key (or one
 *               0xff byte when absent / NULL). Failure when repo_out % 8 == 0:
 *               consecutive failures + 1, and at 3 the breaker opens for 4
 *               calls and the count restarts; CTX_EFAIL. Success resets the
 *               count; CTX_OK.
 */
typedef struct context_clone_ops {
    const char *name;                           /* "naive" | "optimized" */

    /* An empty runtime (closed breaker, empty queue, zero stats); NULL when
     * out of memory. */
    ctx_runtime *(*runtime_create)(void);
    /* Releases the queue's references and frees the runtime. Every other
     * reference must have been released before. NULL is a no-op. */
    void (*runtime_destroy)(ctx_runtime *rt);

    /* A context copied from *b at version 0: one reference. NULL when b is
     * invalid (see ctx_builder) or out of memory. */
    ctx_context *(*create)(ctx_runtime *rt, const ctx_builder *b);
    /* A new version of c (version + 1) with u applied: one new reference; c is
     * unchanged. NULL on unknown bits, a NULL string for a set bit, a new
     * config key when c already has CTX_CONFIG_MAX, a tag past CTX_TAGS_MAX,
     * or out of memory. */
    ctx_context *(*update)(ctx_runtime *rt, const ctx_context *c, const ctx_update *u);
    /* Gives back one reference. NULL is a no-op. */
    void (*release)(ctx_runtime *rt, ctx_context *c);
    /* Fills *out with a view of c (valid while the reference is held). */
    void (*read)(const ctx_context *c, ctx_view *out);

    /* Runs req through wrapper -> breaker -> repository with context c
     * (borrowed: the caller keeps its reference). Fills *out, returns
     * out->status. CTX_EINVAL (NULL argument) and CTX_ENOMEM change nothing
     * and leave *out zeroed except status. */
    int (*call)(ctx_runtime *rt, const ctx_context *c, const ctx_request *req, ctx_result *out);

    /* Hands c to the queue: the queue takes a reference of its own; the
     * caller keeps its reference and its view. CTX_OK, CTX_EINVAL,
     * CTX_ENOMEM. */
    int (*enqueue)(ctx_runtime *rt, const ctx_context *c);
    /* The oldest queued context, whose reference passes to the caller; NULL
     * when the queue is empty. */
    ctx_context *(*dequeue)(ctx_runtime *rt);
    size_t (*queue_len)(const ctx_runtime *rt);

    void (*stats)(const ctx_runtime *rt, ctx_stats *out);
} context_clone_ops;

extern const context_clone_ops context_clone_naive;
extern const context_clone_ops context_clone_optimized;

/* Inline wrappers: scenarios and tests call these, never the raw pointers. */
static inline ctx_runtime *ctx_runtime_create(const context_clone_ops *o) { return o->runtime_create(); }
static inline void ctx_runtime_destroy(const context_clone_ops *o, ctx_runtime *rt) { o->runtime_destroy(rt); }
static inline ctx_context *ctx_create(const context_clone_ops *o, ctx_runtime *rt, const ctx_builder *b) { return o->create(rt, b); }
static inline ctx_context *ctx_update_new(const context_clone_ops *o, ctx_runtime *rt, const ctx_context *c, const ctx_update *u) { return o->update(rt, c, u); }
static inline void ctx_release(const context_clone_ops *o, ctx_runtime *rt, ctx_context *c) { o->release(rt, c); }
static inline void ctx_read(const context_clone_ops *o, const ctx_context *c, ctx_view *out) { o->read(c, out); }
static inline int ctx_call(const context_clone_ops *o, ctx_runtime *rt, const ctx_context *c, const ctx_request *req, ctx_result *out) { return o->call(rt, c, req, out); }
static inline int ctx_enqueue(const context_clone_ops *o, ctx_runtime *rt, const ctx_context *c) { return o->enqueue(rt, c); }
static inline ctx_context *ctx_dequeue(const context_clone_ops *o, ctx_runtime *rt) { return o->dequeue(rt); }
static inline size_t ctx_queue_len(const context_clone_ops *o, const ctx_runtime *rt) { return o->queue_len(rt); }
static inline void ctx_stats_get(const context_clone_ops *o, const ctx_runtime *rt, ctx_stats *out) { o->stats(rt, out); }

#endif
