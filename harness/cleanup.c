/*
 * What a process leaves behind when it is interrupted (contract in
 * engine.h and, for pb_scratch_dir, harness.h): a fixed table of paths,
 * files to unlink and directories to remove with everything in them, read
 * by a SIGINT/SIGTERM handler that removes them with async-signal-safe
 * system calls only (unlinkat, openat, getdents64), prints one line with
 * write(2) and dies of the signal. The table is small and static: adding
 * is O(slots), the handler is O(entries in the directories it removes).
 * Also the stale-temporary sweep: names that carry the PID of a process
 * that no longer exists.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"

#define SLOTS     16
#define MAX_DEPTH 16

typedef struct slot {
    volatile sig_atomic_t state;        /* 0 free, 1 file, 2 directory,
                                           3 process group to SIGKILL */
    volatile pid_t pid;
    char path[PATH_MAX];
} slot;

static slot slots[SLOTS];
static void ensure_at_exit(void);
static const char *what = "pairbench";
static int quiet;                       /* a pairbench parent reports it */
static char scratch[PATH_MAX];          /* "" until made */

/* Blocks SIGINT and SIGTERM while the table changes. */
static void block(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, old);
}

static void unblock(const sigset_t *old)
{
    sigprocmask(SIG_SETMASK, old, NULL);
}

static int add(const char *path, int kind)
{
    if (strlen(path) >= PATH_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    sigset_t old;
    block(&old);
    for (size_t i = 0; i < SLOTS; i++)
        if (!slots[i].state) {
            strcpy(slots[i].path, path);
            slots[i].state = kind;
            unblock(&old);
            return 0;
        }
    unblock(&old);
    errno = ENOSPC;
    return -1;
}

int pb_cleanup_add_file(const char *path) { return add(path, 1); }

int pb_cleanup_add_pid(pid_t pid)
{
    ensure_at_exit();
    char name[32];
    snprintf(name, sizeof name, "pid %ld", (long)pid);
    sigset_t old;
    block(&old);
    for (size_t i = 0; i < SLOTS; i++)
        if (!slots[i].state) {
            strcpy(slots[i].path, name);
            slots[i].pid = pid;
            slots[i].state = 3;
            unblock(&old);
            return 0;
        }
    unblock(&old);
    errno = ENOSPC;
    return -1;
}

void pb_cleanup_forget_pid(pid_t pid)
{
    sigset_t old;
    block(&old);
    for (size_t i = 0; i < SLOTS; i++)
        if (slots[i].state == 3 && slots[i].pid == pid)
            slots[i].state = 0;
    unblock(&old);
}
int pb_cleanup_add_dir(const char *path)  { return add(path, 2); }

void pb_cleanup_forget(const char *path)
{
    sigset_t old;
    block(&old);
    for (size_t i = 0; i < SLOTS; i++)
        if (slots[i].state && !strcmp(slots[i].path, path))
            slots[i].state = 0;
    unblock(&old);
}

/* Removes everything inside the directory open on fd, then closes fd.
 * Signal-safe: a stack buffer per level, raw getdents64. */
static void empty_dir(int fd, int depth)
{
    char buf[2048];
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (n <= 0)
            break;
        for (long off = 0; off < n; ) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);
            off += d->d_reclen;
            const char *nm = d->d_name;
            if (nm[0] == '.' && (!nm[1] || (nm[1] == '.' && !nm[2])))
                continue;
            if (unlinkat(fd, nm, 0) == 0 || errno != EISDIR)
                continue;
            if (depth >= MAX_DEPTH)
                continue;
            int sub = openat(fd, nm, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0)
                empty_dir(sub, depth + 1);
            unlinkat(fd, nm, AT_REMOVEDIR);
        }
    }
    close(fd);
}

void pb_remove_tree(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0)
        empty_dir(fd, 0);
    rmdir(path);
}

void pb_cleanup_now(void)
{
    for (size_t i = 0; i < SLOTS; i++) {
        int kind = slots[i].state;
        if (kind == 1)
            unlink(slots[i].path);
        else if (kind == 2)
            pb_remove_tree(slots[i].path);
        else if (kind == 3) {
            kill(-slots[i].pid, SIGKILL);
            waitpid(slots[i].pid, NULL, 0);
        }
        slots[i].state = 0;
    }
}

static void say(const char *s)
{
    ssize_t k = write(2, s, strlen(s));
    (void)k;
}

static void on_signal(int sig)
{
    pb_cleanup_now();
    if (!quiet) {
        say("pairbench: ");
        say(what);
        say(sig == SIGINT ? ": interrupted by SIGINT" : ": interrupted by SIGTERM");
        say("; temporaries removed\n");
    }
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig);
}

static void at_exit(void)
{
    pb_cleanup_now();
}

static void ensure_at_exit(void)
{
    static int registered;
    if (!registered && atexit(at_exit) == 0)
        registered = 1;
}

void pb_cleanup_install(const char *command)
{
    static int done;
    what = command;
    if (done)
        return;
    done = 1;
    /* Started by pb_child_run of a pairbench (instr, massif) that prints
     * the interrupted line itself: one line, not two. */
    const char *parent = getenv(PB_PARENT_ENV);
    quiet = parent && strtol(parent, NULL, 10) == (long)getppid();
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    int sigs[] = { SIGINT, SIGTERM };
    for (size_t i = 0; i < 2; i++) {
        sigaction(sigs[i], NULL, &old);
        if (old.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
    ensure_at_exit();
}

/* The PID in NAME = PREFIX "." PID ("." or end) ..., or 0. */
static long pid_in(const char *name, const char *prefix)
{
    size_t lp = strlen(prefix);
    if (strncmp(name, prefix, lp) != 0 || name[lp] != '.')
        return 0;
    char *end;
    errno = 0;
    long pid = strtol(name + lp + 1, &end, 10);
    if (errno || end == name + lp + 1 || pid <= 0 || (*end && *end != '.'))
        return 0;
    return pid;
}

static int dead(long pid)
{
    return pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

size_t pb_cleanup_stale(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t removed = 0;
    int dfd = dirfd(d);
    for (struct dirent *e; (e = readdir(d)); ) {
        long pid = pid_in(e->d_name, prefix);
        if (!pid || !dead(pid))
            continue;
        struct stat st;
        if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            int fd = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd >= 0)
                empty_dir(fd, 0);
            if (unlinkat(dfd, e->d_name, AT_REMOVEDIR) == 0)
                removed++;
        } else if (S_ISREG(st.st_mode) && unlinkat(dfd, e->d_name, 0) == 0) {
            removed++;
        }
    }
    closedir(d);
    return removed;
}

const char *pb_tmp_dir(void)
{
    const char *d = getenv("TMPDIR");
    return d && *d ? d : "/tmp";
}

const char *pb_scratch_dir(void)
{
    if (scratch[0])
        return scratch;
    const char *tmp = pb_tmp_dir();
    pb_cleanup_stale(tmp, "pairbench-scratch");
    int k = snprintf(scratch, sizeof scratch, "%s/pairbench-scratch.%ld.XXXXXX",
                     tmp, (long)getpid());
    if (k < 0 || (size_t)k >= sizeof scratch) {
        scratch[0] = '\0';
        errno = ENAMETOOLONG;
        return NULL;
    }
    if (!mkdtemp(scratch)) {
        scratch[0] = '\0';
        return NULL;
    }
    ensure_at_exit();
    if (pb_cleanup_add_dir(scratch) != 0) {
        int e = errno;
        rmdir(scratch);
        scratch[0] = '\0';
        errno = e;
        return NULL;
    }
    return scratch;
}
