/*
 * Unit tests of context_clone, run once against every implementation: the
 * same test list is run as one cmocka group per ops table (the group setup
 * puts the ops table in the test state). The call path's results are checked
 * against a reference computation written here from the header's contract;
 * reference counting is checked through the stats (every allocated context
 * freed exactly once) and by ASan/LeakSanitizer in the sanitizer build.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/context_clone.h"
#include "pb_test.h"

/* ---- helpers -------------------------------------------------------------- */

static const context_clone_ops *ops_of(void **state)
{
    return (const context_clone_ops *)*state;
}

static const char *const tags3[] = { "tenant:acme", "region:eu-west-1", "prio:high" };
static const ctx_config_entry cfg3[] = {
    { "timeout_ms", "2500" }, { "db.pool", "primary" }, { "retry.backoff", "exp" },
};

static ctx_builder builder3(void)
{
    ctx_builder b = {
        .id = 42, .name = "task-runner", .tags = tags3, .n_tags = 3,
        .config = cfg3, .n_config = 3, .deadline_ms = 1000000, .retries = 2,
    };
    return b;
}

/* FNV-1a and the mix, as the header specifies them. */
static uint64_t ref_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * UINT64_C(0x100000001b3);
    return h;
}

static uint64_t ref_str0(uint64_t h, const char *s)
{
    return ref_bytes(h, s, strlen(s) + 1);
}

static uint64_t ref_repo(const ctx_view *v, uint64_t key, const char *config_key)
{
    uint64_t h = ref_str0(UINT64_C(0xcbf29ce484222325), v->name);
    for (size_t i = 0; i < v->n_tags; i++)
        h = ref_str0(h, v->tags[i]);
    for (size_t i = 0; i < v->n_config; i++)
        h = ref_str0(ref_str0(h, v->config[i].key), v->config[i].value);
    unsigned char kb[8];
    for (int i = 0; i < 8; i++)
        kb[i] = (unsigned char)(key >> (8 * i));
    h = ref_bytes(h, kb, 8);
    if (config_key != NULL)
        for (size_t i = 0; i < v->n_config; i++)
            if (strcmp(v->config[i].key, config_key) == 0)
                return ref_str0(h, v->config[i].value);
    unsigned char ff = 0xff;
    return ref_bytes(h, &ff, 1);
}

static void assert_view_is_builder(const ctx_view *v, const ctx_builder *b, uint64_t version)
{
    assert_true(v->id == b->id);
    assert_true(v->version == version);
    assert_string_equal(v->name, b->name);
    assert_true(v->deadline_ms == b->deadline_ms);
    assert_int_equal(v->retries, b->retries);
    assert_int_equal(v->n_tags, b->n_tags);
    for (size_t i = 0; i < b->n_tags; i++)
        assert_string_equal(v->tags[i], b->tags[i]);
    assert_int_equal(v->n_config, b->n_config);
    for (size_t i = 0; i < b->n_config; i++) {
        assert_string_equal(v->config[i].key, b->config[i].key);
        assert_string_equal(v->config[i].value, b->config[i].value);
    }
}

static void assert_all_freed(const context_clone_ops *o, const ctx_runtime *rt)
{
    ctx_stats st;
    ctx_stats_get(o, rt, &st);
    assert_true(st.allocated == st.freed);
}

/* ---- tests ------------------------------------------------------------------ */

static void test_name(void **state)
{
    const context_clone_ops *o = ops_of(state);
    assert_true(strcmp(o->name, "naive") == 0 || strcmp(o->name, "optimized") == 0);
}

static void test_create_invalid(void **state)
{
    const context_clone_ops *o = ops_of(state);
    ctx_runtime *rt = ctx_runtime_create(o);
    assert_non_null(rt);
    assert_null(ctx_create(o, rt, NULL));
    ctx_builder b = builder3();
    b.name = NULL;
    assert_null(ctx_create(o, rt, &b));
    b = builder3();
    const char *bad_tags[] = { "a", NULL };
    b.tags = bad_tags;
    b.n_tags = 2;
    assert_null(ctx_create(o, rt, &b));
    b = builder3();
    const ctx_config_entry dup[] = { { "k", "1" }, { "j", "2" }, { "k", "3" } };
    b.config = dup;
    assert_null(ctx_create(o, rt, &b));
    b = builder3();
    const ctx_config_entry nullv[] = { { "k", NULL } };
    b.config = nullv;
    b.n_config = 1;
    assert_null(ctx_create(o, rt, &b));
    b = builder3();
    b.n_config = CTX_CONFIG_MAX + 1;
    assert_null(ctx_create(o, rt, &b));
    b = builder3();
    b.tags = NULL;
    assert_null(ctx_create(o, rt, &b));
    /* empty lists are fine */
    b = builder3();
    b.tags = NULL;
    b.n_tags = 0;
    b.config = NULL;
    b.n_config = 0;
    ctx_context *c = ctx_create(o, rt, &b);
    assert_non_null(c);
    ctx_view v;
    ctx_read(o, c, &v);
    assert_view_is_builder(&v, &b, 0);
    ctx_release(o, rt, c);
    assert_all_freed(o, rt);
    ctx_runtime_destroy(o, rt);
    ctx_runtime_destroy(o, NULL);
}

static void test_create_copies_builder(void **state)
{
    const context_clone_ops *o = ops_of(state);
    ctx_runtime *rt = ctx_runtime_create(o);
    char name[16] = "svc", tag[16] = "t1", key[16] = "k", val[16] = "v";
    const char *tags[] = { tag };
    ctx_config_entry cfg[] = { { key, val } };
    ctx_builder b = { .id = 7, .name = name, .tags = tags, .n_tags = 1,
                      .config = cfg, .n_config = 1, .deadline_ms = 5, .retries = 1 };
    ctx_context *c = ctx_create(o, rt, &b);
    assert_non_null(c);
    strcpy(name, "XXX");
    strcpy(tag, "XXX");
    strcpy(key, "XXX");
    strcpy(val, "XXX");
    ctx_view v;
    ctx_read(o, c, &v);
    assert_string_equal(v.name, "svc");
    assert_string_equal(v.tags[0], "t1");
    assert_string_equal(v.config[0].key, "k");
    assert_string_equal(v.config[0].value, "v");
    ctx_release(o, rt, c);
    ctx_release(o, rt, NULL);
    assert_all_freed(o, rt);
    ctx_runtime_destroy(o, rt);
}

static void test_call_matches_reference(void **state)
{
    const context_clone_ops *o = ops_of(state);
    ctx_runtime *rt = ctx_runtime_create(o);
    ctx_builder b = builder3();
    ctx_context *c = ctx_create(o, rt, &b);
    ctx_view v;
    ctx_read(o, c, &v);
    const char *keys[] = { "db.pool", "missing", NULL, "timeout_ms" };
    for (uint64_t k = 0; k < 64; k++) {
        ctx_request req = { .key = k * 977, .now_ms = 10, .config_key = keys[k % 4] };
        ctx_result r;
        int rc = ctx_call(o, rt, c, &req, &r);
        assert_int_equal(rc, r.status);
        uint64_t h = ref_repo(&v, req.key, req.config_key);
        if (rc == CTX_EOPEN) {
            assert_true(r.repo_out == 0);
            continue;
        }
        assert_true(r.repo_out == h);
        if (h % 8 == 0) {
            assert_int_equal(rc, CTX_EFAIL);
        } else {
            assert_int_equal(rc, CTX_OK);
            assert_true(r.breaker_out == 0);
        }
        assert_true(r.wrapper_out != 0);
    }
    /* the config lookup matters */
    ctx_request r1 = { .key = 5, .now_ms = 0, .config_key = "db.pool" };
    ctx_request r2 = { .key = 5, .now_ms = 0, .config_key = "nope" };
    assert_true(ref_repo(&v, 5, r1.config_key) != ref_repo(&v, 5, r2.config_key));
    ctx_release(o, rt, c);
    assert_all_freed(o, rt);
    ctx_runtime_destroy(o, rt);
}

static void test_deadline(void **state)
{
    const context_clone_ops *o = ops_of(state);
    ctx_runtime *rt = ctx_runtime_create(o);
    ctx_builder b = builder3();
    ctx_context *c = ctx_create(o, rt, &b);
    ctx_request req = { .key = 1, .now_ms = b.deadline_ms + 1, .config_key = NULL };
    ctx_result r;
    assert_int_equal(ctx_call(o, rt, c, &req, &r), CTX_EDEADLINE);
    assert_true(r.repo_out == 0 && r.breaker_out == 0 && r.wrapper_out != 0);
    req.now_ms = b.deadline_ms;                   /* not past: allowed */
    int rc = ctx_call(o, rt, c, &req, &r);
    assert_true(rc == CTX_OK || rc == CTX_EFAIL);
    ctx_release(o, rt, c);
    ctx_runtime_destroy(o, rt);
}

static void test_breaker_opens_and_closes(void **state)
{
    const context_clone_ops *o = ops_of(state);
    ctx_runtime *rt = ctx_runtime_create(o);
    ctx_builder b = builder3();
    ctx_context *c = ctx_create(o, rt, &b);
    ctx_view v;
    ctx_read(o, c, &v);
    uint64_t bad[3], good = 0;
    int nb = 0, have_good = 0;
    for (uint64_t k = 0; nb < 3 || !have_good; k++) {
        if (ref_repo(&v, k, NULL) % 8 == 0) {
            if (nb < 3)
                bad[nb++] = k;
        } else if (!have_good) {
            good = k;
            have_good = 1;
        }
    }
    ctx_result r;
    for (int i = 0; i < 3; i++) {
        ctx_request req = { .key = bad[i], .now_ms = 0 };
        assert_int_equal(ctx_call(o, rt, c, &req, &r), CTX_EFAIL);
        assert_true(r.breaker_out == (i < 2 ? ((uint64_t)(i + 1) << 32) : 4u));
    }
    for (int i = 0; i < 4; i++) {
        ctx_request req = { .key = good, .now_ms = 0 };
        assert_int_equal(ctx_call(o, rt, c, &req, &r), CTX_EOPEN);
        assert_true(r.breaker_out == (uint64_t)(3 - i));
        assert_true(r.repo_out == 0);
    }
    ctx_request req = { .key = good, .now_ms = 0 };
    assert_int_equal(ctx_call(o, rt, c, &req, &r), CTX_OK);
    /* a success resets the count */
    req.key = bad[0];
    assert_int_equal(ctx_call(o, rt, c, &req, &r), CTX_EFAIL);
    req.key = good;
    assert_int_equal(ctx_call(o, rt, c, &req, &r), CTX_OK);
    assert_true(r.breaker_out == 0);
    ctx_release(o, rt, c);
    ctx_runtime_destroy(o, rt);
}

static void test_call_einval(void **state)
{
    const context_clone_ops *o = ops_of(state);
    ctx_runtime *rt = ctx_runtime_create(o);
    ctx_builder b = builder3();
    ctx_context *c = ctx_create(o, rt, &b);
    ctx_request req = { .key = 1 };
    ctx_result r;
    assert_int_equal(ctx_call(o, rt, NULL, &req, &r), CTX_EINVAL);
    assert_int_equal(r.status, CTX_EINVAL);
    assert_int_equal(ctx_call(o, rt, c, NULL, &r), CTX_EINVAL);
    assert_int_equal(ctx_call(o, rt, c, &req, NULL), CTX_EINVAL);
    assert_int_equal(ctx_enqueue(o, rt, NULL), CTX_EINVAL);
    assert_null(ctx_dequeue(o, rt));
    ctx_release(o, rt, c);
    ctx_runtime_destroy(o, rt);
}

static void test_queue_handoff(void **state)
{
    const context_clone_ops *o = ops_of(state);
    ctx_runtime *rt = ctx_runtime_create(o);
    ctx_builder b = builder3();
    ctx_context *c[20];
    for (int i = 0; i < 20; i++) {
        b.id = (uint64_t)i;
        c[i] = ctx_create(o, rt, &b);
        assert_int_equal(ctx_enqueue(o, rt, c[i]), CTX_OK);
        assert_int_equal(ctx_queue_len(o, rt), (size_t)i + 1);
    }
    /* the producer drops its references; the queue's keep the contexts */
    for (int i = 0; i < 20; i += 2)
        ctx_release(o, rt, c[i]);
    for (int i = 0; i < 20; i++) {
        ctx_context *d = ctx_dequeue(o, rt);
        assert_non_null(d);
        ctx_view v;
        ctx_read(o, d, &v);
        b.id = (uint64_t)i;
        assert_view_is_builder(&v, &b, 0);
        if (i % 2) {                    /* the producer's view is still valid */
            ctx_view pv;
            ctx_read(o, c[i], &pv);
            assert_view_is_builder(&pv, &b, 0);
        }
        ctx_release(o, rt, d);
        assert_int_equal(ctx_queue_len(o, rt), (size_t)(19 - i));
    }
    assert_null(ctx_dequeue(o, rt));
    for (int i = 1; i < 20; i += 2)
        ctx_release(o, rt, c[i]);
    assert_all_freed(o, rt);
    ctx_runtime_destroy(o, rt);
}

/* The last release frees, exactly once: counted by the stats, and ASan
 * reports a double free or a leak. The optimized context stays allocated
 * while any reference is held. */
static void test_refcount_frees_once(void **state)
{
    const context_clone_ops *o = ops_of(state);
    int opt = strcmp(o->name, "optimized") == 0;
    ctx_runtime *rt = ctx_runtime_create(o);
    ctx_builder b = builder3();
    ctx_context *c = ctx_create(o, rt, &b);
    for (int i = 0; i < 3; i++)
        assert_int_equal(ctx_enqueue(o, rt, c), CTX_OK);
    ctx_stats st;
    ctx_stats_get(o, rt, &st);
    assert_true(st.allocated == (opt ? 1u : 4u));
    assert_true(st.shares == (opt ? 3u : 0u));
    ctx_release(o, rt, c);
    ctx_context *d[3];
    for (int i = 0; i < 3; i++)
        d[i] = ctx_dequeue(o, rt);
    ctx_release(o, rt, d[0]);
    ctx_release(o, rt, d[1]);
    ctx_stats_get(o, rt, &st);
    if (opt)
        assert_true(st.freed == 0);        /* d[2] still holds it */
    ctx_view v;
    ctx_read(o, d[2], &v);
    assert_view_is_builder(&v, &b, 0);
    ctx_release(o, rt, d[2]);
    ctx_stats_get(o, rt, &st);
    assert_true(st.freed == st.allocated);
    if (opt)
        assert_true(st.freed == 1);
    ctx_runtime_destroy(o, rt);
}

static void test_destroy_drains_queue(void **state)
{
    const context_clone_ops *o = ops_of(state);
    ctx_runtime *rt = ctx_runtime_create(o);
    ctx_builder b = builder3();
    ctx_context *c = ctx_create(o, rt, &b);
    for (int i = 0; i < 9; i++)
        assert_int_equal(ctx_enqueue(o, rt, c), CTX_OK);
    ctx_release(o, rt, c);
    ctx_runtime_destroy(o, rt);        /* LeakSanitizer checks the rest */
}

/* An update is a new version; holders of the old one never see a change. */
static void test_copy_on_write_isolation(void **state)
{
    const context_clone_ops *o = ops_of(state);
    ctx_runtime *rt = ctx_runtime_create(o);
    ctx_builder b = builder3();
    ctx_context *c = ctx_create(o, rt, &b);
    assert_int_equal(ctx_enqueue(o, rt, c), CTX_OK);
    ctx_view before;
    ctx_read(o, c, &before);

    ctx_update u = { .fields = CTX_UPDATE_ALL, .deadline_ms = 77, .retries = 9,
                     .config_key = "db.pool", .config_value = "replica",
                     .tag = "retry:1", .name = "renamed" };
    ctx_context *c2 = ctx_update_new(o, rt, c, &u);
    assert_non_null(c2);
    /* the old version, through the view read before and a fresh read */
    ctx_view now;
    ctx_read(o, c, &now);
    assert_view_is_builder(&before, &b, 0);
    assert_view_is_builder(&now, &b, 0);
    /* the queued one */
    ctx_context *q = ctx_dequeue(o, rt);
    ctx_view qv;
    ctx_read(o, q, &qv);
    assert_view_is_builder(&qv, &b, 0);
    /* the new version */
    ctx_view v2;
    ctx_read(o, c2, &v2);
    assert_true(v2.version == 1 && v2.id == b.id);
    assert_string_equal(v2.name, "renamed");
    assert_true(v2.deadline_ms == 77);
    assert_int_equal(v2.retries, 9);
    assert_int_equal(v2.n_tags, 4);
    assert_string_equal(v2.tags[3], "retry:1");
    assert_int_equal(v2.n_config, 3);
    assert_string_equal(v2.config[1].key, "db.pool");
    assert_string_equal(v2.config[1].value, "replica");
    assert_string_equal(v2.config[0].value, "2500");

    /* a new key is appended; partial masks leave the rest */
    ctx_update u2 = { .fields = CTX_UPDATE_CONFIG, .config_key = "new", .config_value = "x" };
    ctx_context *c3 = ctx_update_new(o, rt, c2, &u2);
    ctx_view v3;
    ctx_read(o, c3, &v3);
    assert_true(v3.version == 2);
    assert_int_equal(v3.n_config, 4);
    assert_string_equal(v3.config[3].key, "new");
    assert_string_equal(v3.name, "renamed");
    assert_int_equal(v3.n_tags, 4);
    ctx_read(o, c2, &v2);
    assert_int_equal(v2.n_config, 3);

    /* the result changes with the version, not for the old holder */
    ctx_request req = { .key = 3, .now_ms = 0, .config_key = "db.pool" };
    ctx_result r1, r2;
    ctx_runtime *rt2 = ctx_runtime_create(o);
    ctx_call(o, rt2, q, &req, &r1);
    ctx_call(o, rt2, c3, &req, &r2);
    assert_true(r1.wrapper_out != r2.wrapper_out);
    assert_true(r1.repo_out == ref_repo(&before, 3, "db.pool"));
    ctx_runtime_destroy(o, rt2);

    ctx_release(o, rt, q);
    ctx_release(o, rt, c3);
    ctx_release(o, rt, c2);
    ctx_release(o, rt, c);
    assert_all_freed(o, rt);
    ctx_runtime_destroy(o, rt);
}

static void test_update_invalid(void **state)
{
    const context_clone_ops *o = ops_of(state);
    ctx_runtime *rt = ctx_runtime_create(o);
    ctx_builder b = builder3();
    ctx_context *c = ctx_create(o, rt, &b);
    ctx_update u = { .fields = 1u << 7 };
    assert_null(ctx_update_new(o, rt, c, &u));
    u.fields = CTX_UPDATE_TAG;
    assert_null(ctx_update_new(o, rt, c, &u));
    u.fields = CTX_UPDATE_NAME;
    assert_null(ctx_update_new(o, rt, c, &u));
    u.fields = CTX_UPDATE_CONFIG;
    u.config_key = "k";
    assert_null(ctx_update_new(o, rt, c, &u));
    assert_null(ctx_update_new(o, rt, c, NULL));
    assert_null(ctx_update_new(o, rt, NULL, &u));
    /* an empty mask is a new version with nothing else changed */
    u.fields = 0;
    ctx_context *c2 = ctx_update_new(o, rt, c, &u);
    ctx_view v;
    ctx_read(o, c2, &v);
    assert_view_is_builder(&v, &b, 1);
    ctx_release(o, rt, c2);

    /* a full config map takes replacements, not new keys */
    static char keys[CTX_CONFIG_MAX][16];
    ctx_config_entry full[CTX_CONFIG_MAX];
    for (int i = 0; i < CTX_CONFIG_MAX; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", i);
        full[i].key = keys[i];
        full[i].value = "v";
    }
    b.config = full;
    b.n_config = CTX_CONFIG_MAX;
    ctx_context *f = ctx_create(o, rt, &b);
    assert_non_null(f);
    ctx_update add = { .fields = CTX_UPDATE_CONFIG, .config_key = "extra", .config_value = "1" };
    assert_null(ctx_update_new(o, rt, f, &add));
    add.config_key = "k5";
    ctx_context *f2 = ctx_update_new(o, rt, f, &add);
    assert_non_null(f2);
    ctx_read(o, f2, &v);
    assert_int_equal(v.n_config, CTX_CONFIG_MAX);
    assert_string_equal(v.config[5].value, "1");
    ctx_release(o, rt, f2);
    ctx_release(o, rt, f);
    ctx_release(o, rt, c);
    assert_all_freed(o, rt);
    ctx_runtime_destroy(o, rt);
}

/* The copies each implementation makes: the naive call path clones at each
 * of its three layers and the hand-off clones; the optimized one never
 * copies on those paths and allocates nothing there. */
static void test_clone_counts(void **state)
{
    const context_clone_ops *o = ops_of(state);
    int opt = strcmp(o->name, "optimized") == 0;
    ctx_runtime *rt = ctx_runtime_create(o);
    ctx_builder b = builder3();
    ctx_context *c = ctx_create(o, rt, &b);
    ctx_stats s0, s1;
    ctx_stats_get(o, rt, &s0);
    assert_true(s0.clones == 0 && s0.allocated == 1);
    ctx_view v;
    ctx_read(o, c, &v);
    uint64_t k = 0;
    while (ref_repo(&v, k, NULL) % 8 == 0)
        k++;
    ctx_request req = { .key = k, .now_ms = 0 };
    ctx_result r;
    assert_int_equal(ctx_call(o, rt, c, &req, &r), CTX_OK);
    ctx_stats_get(o, rt, &s1);
    assert_true(s1.clones - s0.clones == (opt ? 0u : 3u));
    assert_true(s1.allocated - s0.allocated == (opt ? 0u : 3u));
    assert_true(s1.allocated - s1.freed == 1);
    req.now_ms = b.deadline_ms + 1;                 /* wrapper only */
    ctx_call(o, rt, c, &req, &r);
    ctx_stats_get(o, rt, &s0);
    assert_true(s0.clones - s1.clones == (opt ? 0u : 1u));
    ctx_enqueue(o, rt, c);
    ctx_stats_get(o, rt, &s1);
    assert_true(s1.clones - s0.clones == (opt ? 0u : 1u));
    assert_true(s1.shares - s0.shares == (opt ? 1u : 0u));
    ctx_release(o, rt, ctx_dequeue(o, rt));
    ctx_release(o, rt, c);
    assert_all_freed(o, rt);
    ctx_runtime_destroy(o, rt);
}

static void test_many_tags(void **state)
{
    const context_clone_ops *o = ops_of(state);
    ctx_runtime *rt = ctx_runtime_create(o);
    static char bufs[CTX_TAGS_MAX][16];
    static const char *tags[CTX_TAGS_MAX];
    for (int i = 0; i < CTX_TAGS_MAX; i++) {
        snprintf(bufs[i], sizeof bufs[i], "t%d", i);
        tags[i] = bufs[i];
    }
    ctx_builder b = builder3();
    b.tags = tags;
    b.n_tags = CTX_TAGS_MAX;
    ctx_context *c = ctx_create(o, rt, &b);
    assert_non_null(c);
    ctx_update u = { .fields = CTX_UPDATE_TAG, .tag = "one-too-many" };
    assert_null(ctx_update_new(o, rt, c, &u));
    b.n_tags = CTX_TAGS_MAX + 1;
    assert_null(ctx_create(o, rt, &b));
    ctx_view v;
    ctx_read(o, c, &v);
    assert_string_equal(v.tags[CTX_TAGS_MAX - 1], bufs[CTX_TAGS_MAX - 1]);
    ctx_release(o, rt, c);
    assert_all_freed(o, rt);
    ctx_runtime_destroy(o, rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name),
        cmocka_unit_test(test_create_invalid),
        cmocka_unit_test(test_create_copies_builder),
        cmocka_unit_test(test_call_matches_reference),
        cmocka_unit_test(test_deadline),
        cmocka_unit_test(test_breaker_opens_and_closes),
        cmocka_unit_test(test_call_einval),
        cmocka_unit_test(test_queue_handoff),
        cmocka_unit_test(test_refcount_frees_once),
        cmocka_unit_test(test_destroy_drains_queue),
        cmocka_unit_test(test_copy_on_write_isolation),
        cmocka_unit_test(test_update_invalid),
        cmocka_unit_test(test_clone_counts),
        cmocka_unit_test(test_many_tags),
    };
    return PBT_RUN_BOTH("context_clone", tests, &context_clone_naive, &context_clone_optimized) != 0;
}
