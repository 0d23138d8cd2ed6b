/*
 * checkpoint unit tests, run against each implementation: the document of
 * a small roadmap written row by row (every status, one written by
 * someone else, a NULL-free id order), read back by ckpt_load(); every
 * failing call of the atomic write injected through ckpt_io (a full disk
 * at the first and a later write, a failing fsync, a failing rename, a
 * failing directory fsync) with what it leaves behind: the old checkpoint
 * intact, no temp file; a stale temp file removed by open(); a crash test
 * (a child writing checkpoints in a loop, killed with SIGKILL at random
 * moments, 25 times): a valid checkpoint always remains, and the stale
 * temp is gone after the next open (each child has one checkpoint in
 * before the kill, which lands within its next two writes); bad
 * arguments and files. Then, once,
 * ckpt_load() on hostile files (not JSON, wrong types, counts that
 * disagree, ids out of order, a NUL byte, a directory).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "pairbench/checkpoint.h"
#include "../impl_shared/shared_roadmap.h"
#include "pb_test.h"

static char dir[40];     /* /dev/shm/pb-test-NAME.XXXXXX, by pbt_make_dir */

static void paths(const checkpoint_ops *ops, char *db, char *ck, size_t cap)
{
    snprintf(db, cap, "%s/small-%s.db", dir, ops->name);
    snprintf(ck, cap, "%s/ckpt-%s.json", dir, ops->name);
}

static void small_roadmap(const char *path)
{
    char err[256];
    unlink(path);
    if (roadmap_build(path, 1, 1, err, sizeof err) != 0)
        fail_msg("%s", err);
    pbt_sql(path, "DELETE FROM tasks; DELETE FROM events; DELETE FROM task_dependencies;"
              "INSERT INTO tasks VALUES"
              " ('B','b \"quoted\"\\n','E1',NULL,'in_progress',3,100),"
              " ('A','a','E1',NULL,'pending',3,100), ('C','c','E1','A','in_progress',5,50),"
              " ('D','d','E2',NULL,'blocked',1,10), ('E','e','E2',NULL,'done',2,200),"
              " ('H','h',NULL,NULL,'archived',9,1);"
              "INSERT INTO task_dependencies VALUES ('C','A','blocks'), ('Z','A','blocks');"
              "INSERT INTO events(task_id, event_type, timestamp, data) VALUES"
              " ('A','created',1,'x'), ('A','progress',2,''), ('C','started',3,'');");
}

static checkpoint *open_small(const checkpoint_ops *ops, const ckpt_io *io)
{
    char db[96], ck[96];
    paths(ops, db, ck, sizeof db);
    small_roadmap(db);
    unlink(ck);
    checkpoint *k = NULL;
    assert_int_equal(ops->open(db, ck, io, &k), CK_OK);
    assert_non_null(k);
    return k;
}

static int is_full(const checkpoint_ops *ops)
{
    return strcmp(ops->name, "naive") == 0;
}

static void test_document(void **state)
{
    const checkpoint_ops *ops = *state;
    checkpoint *k = open_small(ops, NULL);
    char db[96], ck[96];
    paths(ops, db, ck, sizeof db);
    ckpt_info i;
    assert_int_equal(ckpt_load(ck, &i), CK_ENOENT);
    assert_int_equal(ops->write(k, 1234), CK_OK);
    assert_int_equal(ckpt_load(ck, &i), CK_OK);
    assert_int_equal(i.full, is_full(ops));
    assert_int_equal(i.taken_at, 1234);
    assert_int_equal(i.total, 6);
    assert_int_equal(i.pending, 1);
    assert_int_equal(i.in_progress, 2);
    assert_int_equal(i.blocked, 1);
    assert_int_equal(i.done, 1);
    assert_int_equal(i.other, 1);
    assert_int_equal(i.in_progress_listed, 2);
    assert_int_equal(i.tasks_listed, is_full(ops) ? 6 : 0);
    /* B before C, by id; the naive one also has the details */
    FILE *f = fopen(ck, "r");
    assert_non_null(f);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_non_null(strstr(text, "\"in_progress\":[\"B\",\"C\"]"));
    if (is_full(ops)) {
        assert_non_null(strstr(text, "b \\\"quoted\\\"\\\\n"));
        assert_non_null(strstr(text, "\"dependencies\":[{\"on\":\"A\",\"type\":\"blocks\"}]"));
        assert_non_null(strstr(text, "\"events\":[{\"type\":\"progress\",\"timestamp\":2"));
    } else {
        assert_null(strstr(text, "\"tasks\""));
    }
    /* a second write replaces it */
    pbt_sql(db, "UPDATE tasks SET status = 'done' WHERE id = 'B'");
    assert_int_equal(ops->write(k, 1235), CK_OK);
    assert_int_equal(ckpt_load(ck, &i), CK_OK);
    assert_int_equal(i.taken_at, 1235);
    assert_int_equal(i.in_progress, 1);
    assert_int_equal(i.done, 2);
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%s.tmp", ck);
    assert_int_equal(access(tmp, F_OK), -1);
    ops->close(k);
}

/* --- injected failures ----------------------------------------------------- */

typedef struct faults {
    int write_at;         /* fail the write call number write_at (1-based), 0 never */
    int write_err;
    int writes;
    int fsync_at, fsyncs; /* fail fsync number fsync_at */
    int rename_fail;
} faults;

static ssize_t f_write(void *arg, int fd, const void *buf, size_t len)
{
    faults *f = arg;
    if (++f->writes == f->write_at) {
        errno = f->write_err;
        return -1;
    }
    /* short writes, so that a later call can fail after some bytes */
    return write(fd, buf, len > 64 ? len / 2 : len);
}

static int f_fsync(void *arg, int fd)
{
    faults *f = arg;
    if (++f->fsyncs == f->fsync_at) {
        errno = EIO;
        return -1;
    }
    return fsync(fd);
}

static int f_rename(void *arg, const char *from, const char *to)
{
    faults *f = arg;
    if (f->rename_fail) {
        errno = EXDEV;
        return -1;
    }
    return rename(from, to);
}

static void test_failures(void **state)
{
    const checkpoint_ops *ops = *state;
    faults fl = { 0 };
    ckpt_io io = { f_write, f_fsync, f_rename, &fl };
    checkpoint *k = open_small(ops, &io);
    char db[96], ck[96], tmp[128];
    paths(ops, db, ck, sizeof db);
    snprintf(tmp, sizeof tmp, "%s.tmp", ck);
    assert_int_equal(ops->write(k, 1), CK_OK);                /* the old one */
    ckpt_info i;
    struct { int write_at, err, fsync_at, rename_fail, want; } cases[] = {
        { 1, ENOSPC, 0, 0, CK_EIO },       /* the disk is full at once */
        { 2, ENOSPC, 0, 0, CK_EIO },       /* ... after some bytes */
        { 1, EIO, 0, 0, CK_EIO },
        { 0, 0, 1, 0, CK_EIO },            /* the file's fsync */
        { 0, 0, 0, 1, CK_EIO },            /* the rename */
        { 0, 0, 2, 0, CK_EDIRSYNC },       /* the directory's fsync: committed */
    };
    for (size_t c = 0; c < PBT_ARRAY_LEN(cases); c++) {
        fl = (faults){ .write_at = cases[c].write_at, .write_err = cases[c].err,
                       .fsync_at = cases[c].fsync_at, .rename_fail = cases[c].rename_fail };
        assert_int_equal(ops->write(k, 100 + (int64_t)c), cases[c].want);
        assert_true(ops->error(k)[0] != '\0');
        if (cases[c].err == ENOSPC)
            assert_non_null(strstr(ops->error(k), strerror(ENOSPC)));
        assert_int_equal(access(tmp, F_OK), -1);              /* no temp left */
        assert_int_equal(ckpt_load(ck, &i), CK_OK);
        if (cases[c].want == CK_EDIRSYNC) {
            assert_int_equal(i.taken_at, 100 + (int64_t)c);   /* the new one */
        } else {
            assert_int_equal(i.taken_at, 1);                  /* the old one */
        }
    }
    fl = (faults){ 0 };
    assert_int_equal(ops->write(k, 7), CK_OK);                /* usable after all */
    assert_int_equal(ckpt_load(ck, &i), CK_OK);
    assert_int_equal(i.taken_at, 7);
    ops->close(k);
}

/* The roadmap locked by another connection: a read failure, nothing written. */
static void test_locked(void **state)
{
    const checkpoint_ops *ops = *state;
    checkpoint *k = open_small(ops, NULL);
    char db[96], ck[96];
    paths(ops, db, ck, sizeof db);
    assert_int_equal(ops->write(k, 1), CK_OK);
    sqlite3 *other;
    assert_int_equal(sqlite3_open(db, &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(ops->write(k, 2), CK_EIO);
    assert_true(ops->error(k)[0] != '\0');
    sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(other);
    ckpt_info i;
    assert_int_equal(ckpt_load(ck, &i), CK_OK);
    assert_int_equal(i.taken_at, 1);
    assert_int_equal(ops->write(k, 3), CK_OK);
    ops->close(k);
}

/* --- the crash test ---------------------------------------------------------- */

static void test_kill9(void **state)
{
    const checkpoint_ops *ops = *state;
    char db[96], ck[96], tmp[128], err[256];
    snprintf(db, sizeof db, "%s/crash-%s.db", dir, ops->name);
    snprintf(ck, sizeof ck, "%s/crash-%s.json", dir, ops->name);
    snprintf(tmp, sizeof tmp, "%s.tmp", ck);
    unlink(db);
    if (roadmap_build(db, 3000, 42, err, sizeof err) != 0)
        fail_msg("%s", err);
    checkpoint *k = NULL;
    assert_int_equal(ops->open(db, ck, NULL, &k), CK_OK);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(ops->write(k, 0), CK_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ops->close(k);
    /* one checkpoint's time here (sanitizers make it 10x): the kills land
     * anywhere within the next two writes of the child */
    long write_ns = (t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec);
    ckpt_info first;
    assert_int_equal(ckpt_load(ck, &first), CK_OK);
    pbt_rng r = { 0x6b696c6c39ULL };
    int temps = 0;
    int64_t newest = 0;
    for (int round = 0; round < 25; round++) {
        int done[2];
        assert_int_equal(pipe(done), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(done[0]);
            checkpoint *c = NULL;
            if (ops->open(db, ck, NULL, &c) != CK_OK)
                _exit(3);
            for (int64_t s = 1 + (int64_t)round * 1000000; ; s++) {
                if (ops->write(c, s) != CK_OK)
                    _exit(4);
                if (write(done[1], "w", 1) != 1)   /* a checkpoint is in */
                    _exit(5);
            }
        }
        close(done[1]);
        char b;
        assert_int_equal(read(done[0], &b, 1), 1);             /* the first one */
        long ns = (long)pbt_below(&r, (uint64_t)write_ns * 2 + 1);
        struct timespec ts = { ns / 1000000000L, ns % 1000000000L };
        nanosleep(&ts, NULL);
        assert_int_equal(kill(pid, SIGKILL), 0);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        close(done[0]);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        ckpt_info i;
        assert_int_equal(ckpt_load(ck, &i), CK_OK);           /* whole, old or new */
        assert_int_equal(i.total, first.total);
        assert_int_equal(i.in_progress_digest, first.in_progress_digest);
        assert_true(i.taken_at > (int64_t)round * 1000000);    /* this child's */
        if (i.taken_at > newest)
            newest = i.taken_at;
        temps += access(tmp, F_OK) == 0;
    }
    assert_true(newest > 0);                 /* some child got a checkpoint in */
    /* the next open sweeps what a killed writer left */
    assert_int_equal(ops->open(db, ck, NULL, &k), CK_OK);
    assert_int_equal(access(tmp, F_OK), -1);
    ops->close(k);
    print_message("    %s: 25 kills, %d left a temp file, newest stamp %lld\n", ops->name,
                  temps, (long long)newest);
}

static void test_bad(void **state)
{
    const checkpoint_ops *ops = *state;
    checkpoint *k = (checkpoint *)1;
    char db[96], ck[96], path[96];
    paths(ops, db, ck, sizeof db);
    assert_int_equal(ops->open(NULL, ck, NULL, &k), CK_EINVAL);
    assert_int_equal(ops->open(db, NULL, NULL, &k), CK_EINVAL);
    assert_int_equal(ops->open(db, ck, NULL, NULL), CK_EINVAL);
    snprintf(path, sizeof path, "%s/missing.db", dir);
    assert_int_equal(ops->open(path, ck, NULL, &k), CK_EIO);
    assert_null(k);
    assert_true(ckpt_open_error()[0] != '\0');
    snprintf(path, sizeof path, "%s/empty-schema.db", dir);
    unlink(path);
    pbt_sql(path, "CREATE TABLE unrelated(x);");
    assert_int_equal(ops->open(path, ck, NULL, &k), CK_EIO);
    assert_null(k);
    char longp[PATH_MAX];
    memset(longp, 'a', sizeof longp - 1);
    longp[sizeof longp - 1] = '\0';
    assert_int_equal(ops->open(db, longp, NULL, &k), CK_EINVAL);
    /* a checkpoint path in a directory that does not exist: the write fails */
    snprintf(path, sizeof path, "%s/no/such/dir/ckpt.json", dir);
    small_roadmap(db);
    assert_int_equal(ops->open(db, path, NULL, &k), CK_OK);
    assert_int_equal(ops->write(k, 1), CK_EIO);
    assert_non_null(strstr(ops->error(k), "open"));
    ops->close(k);
    assert_int_equal(ops->write(NULL, 1), CK_EINVAL);
    assert_string_equal(ops->error(NULL), "");
    assert_null(ops->db(NULL));
    ops->close(NULL);
}

/* --- once: the loader on hostile files ----------------------------------------- */

static int load_text(const char *text, size_t len)
{
    char path[96];
    snprintf(path, sizeof path, "%s/hostile.json", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    ckpt_info i;
    memset(&i, 0x7f, sizeof i);
    int rc = ckpt_load(path, &i);
    if (rc != CK_OK) {
        ckpt_info zero;
        memset(&zero, 0, sizeof zero);
        assert_memory_equal(&i, &zero, sizeof i);
    }
    return rc;
}

#define HEAD "{\"format\":\"pairbench-checkpoint\",\"version\":1,\"kind\":\"minimal\"," \
             "\"taken_at\":5,"
#define COUNTS "\"counts\":{\"total\":2,\"pending\":1,\"in_progress\":1,\"blocked\":0," \
               "\"done\":0,\"other\":0},"

static void test_loader(void **state)
{
    (void)state;
    static const char good[] = HEAD COUNTS "\"in_progress\":[\"A\"]}";
    assert_int_equal(load_text(good, strlen(good)), CK_OK);
    static const char *const bad[] = {
        "", "null", "[]", "{", "{\"format\":\"other\"}",
        HEAD COUNTS "\"in_progress\":[]}",                       /* 1 counted, 0 listed */
        HEAD COUNTS "\"in_progress\":[1]}",
        HEAD COUNTS "\"in_progress\":\"A\"}",
        HEAD "\"counts\":{\"total\":3,\"pending\":1,\"in_progress\":1,\"blocked\":0,"
        "\"done\":0,\"other\":0},\"in_progress\":[\"A\"]}",      /* sum is not total */
        HEAD "\"counts\":{\"total\":0,\"pending\":-1,\"in_progress\":1,\"blocked\":0,"
        "\"done\":0,\"other\":0},\"in_progress\":[\"A\"]}",
        HEAD "\"counts\":{\"total\":2,\"pending\":1.5,\"in_progress\":0.5,\"blocked\":0,"
        "\"done\":0,\"other\":0},\"in_progress\":[\"A\"]}",
        "{\"format\":\"pairbench-checkpoint\",\"version\":2,\"kind\":\"minimal\","
        "\"taken_at\":5," COUNTS "\"in_progress\":[\"A\"]}",
        "{\"format\":\"pairbench-checkpoint\",\"version\":1,\"kind\":\"full\","
        "\"taken_at\":5," COUNTS "\"in_progress\":[\"A\"]}",     /* full, no tasks */
        "{\"format\":\"pairbench-checkpoint\",\"version\":1,\"kind\":\"full\","
        "\"taken_at\":5," COUNTS "\"in_progress\":[\"A\"],\"tasks\":[{\"id\":\"A\","
        "\"status\":\"in_progress\"},{\"id\":\"B\",\"status\":\"done\"}]}",
        HEAD "\"counts\":{\"total\":2,\"pending\":0,\"in_progress\":2,\"blocked\":0,"
        "\"done\":0,\"other\":0},\"in_progress\":[\"B\",\"A\"]}",  /* out of order */
        HEAD COUNTS "\"in_progress\":[\"A\"],\"tasks\":[]}",      /* minimal with tasks */
    };
    for (size_t i = 0; i < PBT_ARRAY_LEN(bad); i++)
        if (load_text(bad[i], strlen(bad[i])) != CK_ECORRUPT)
            fail_msg("accepted: %s", bad[i]);
    char nul[sizeof good];
    memcpy(nul, good, sizeof good);
    nul[10] = '\0';
    assert_int_equal(load_text(nul, sizeof good - 1), CK_ECORRUPT);
    /* a truncated good file, at every length */
    for (size_t n = 0; n < strlen(good); n++)
        assert_int_equal(load_text(good, n), CK_ECORRUPT);
    assert_int_equal(ckpt_load(dir, &(ckpt_info){ 0 }), CK_EIO);   /* a directory */
    assert_int_equal(ckpt_load(NULL, &(ckpt_info){ 0 }), CK_EINVAL);
    assert_int_equal(ckpt_load(dir, NULL), CK_EINVAL);
}

int main(void)
{
    if (pbt_make_dir(dir, sizeof dir, "ckpt", 0) != 0)
        return 1;
    const struct CMUnitTest each[] = {
        cmocka_unit_test(test_document),
        cmocka_unit_test(test_failures),
        cmocka_unit_test(test_locked),
        cmocka_unit_test(test_kill9),
        cmocka_unit_test(test_bad),
    };
    const struct CMUnitTest once[] = { cmocka_unit_test(test_loader) };
    int failed = PBT_RUN_BOTH("checkpoint", each, &checkpoint_naive, &checkpoint_optimized);
    failed += cmocka_run_group_tests_name("checkpoint loader", once, NULL, NULL);
    pbt_remove_dir(dir);
    return failed ? 1 : 0;
}
