/*
 * Child processes (see child.h): posix_spawnp with file actions for the
 * redirections, a read loop for a captured stdout, waitpid; SIGINT and
 * SIGTERM handlers installed only while a child runs, which forward
 * SIGTERM to the child, after which the interrupted path reaps it, removes
 * its temporaries and re-raises the signal with its default action.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../harness/engine.h"
#include "child.h"

extern char **environ;

#define KILL_AFTER_MS 5000

static volatile sig_atomic_t live_pid;      /* the running child, or 0 */
static volatile sig_atomic_t caught;        /* the signal received, or 0 */

static void on_signal(int sig)
{
    caught = sig;
    if (live_pid > 0)
        kill((pid_t)live_pid, SIGTERM);
}

static const int forwarded[] = { SIGINT, SIGTERM };
#define N_FORWARDED (sizeof forwarded / sizeof forwarded[0])

/* Installs the handler for each forwarded signal not ignored now; the old
 * actions go to old[]. */
static void install(struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;             /* no SA_RESTART: reads see EINTR */
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < N_FORWARDED; i++) {
        sigaction(forwarded[i], NULL, &old[i]);
        if (old[i].sa_handler != SIG_IGN)
            sigaction(forwarded[i], &sa, NULL);
    }
}

static void restore(const struct sigaction *old)
{
    for (size_t i = 0; i < N_FORWARDED; i++)
        sigaction(forwarded[i], &old[i], NULL);
}

static void block_forwarded(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < N_FORWARDED; i++)
        sigaddset(&set, forwarded[i]);
    sigprocmask(SIG_BLOCK, &set, old);
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* pairbench was interrupted while pid ran: stop it, reap it, unlink the
 * temporaries, die of the signal. */
static void interrupted(const pb_child *c, pid_t pid, int reaped,
                        const struct sigaction *old)
{
    int sig = caught;
    if (!reaped) {
        kill(pid, SIGTERM);
        int status;
        for (long waited = 0; ; waited += 20) {
            pid_t r = waitpid(pid, &status, WNOHANG);
            if (r == pid || (r < 0 && errno != EINTR))
                break;
            if (waited >= KILL_AFTER_MS) {
                kill(pid, SIGKILL);
                while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                    ;
                break;
            }
            sleep_ms(20);
        }
    }
    for (const char *const *t = c->temps; t && *t; t++)
        unlink(*t);
    pb_cleanup_now();                      /* the command's own temporaries */
    fprintf(stderr, "pairbench: %s: interrupted by %s; %s stopped\n",
            c->what ? c->what : "child", sig == SIGINT ? "SIGINT" : "SIGTERM",
            c->argv[0]);
    fflush(NULL);
    restore(old);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig);                      /* only if the signal was ignored */
}

/* Opens the file a stream is redirected to; -1 with errno set. */
static int open_out(const char *path)
{
    return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
}

int pb_child_run(const pb_child *c, pb_str *capture)
{
    int pipefd[2] = { -1, -1 }, outfd = -1, errfd = -1, rc = -1, e = 0;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    if (posix_spawn_file_actions_init(&fa) != 0)
        return -1;
    if (posix_spawnattr_init(&attr) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return -1;
    }
    if (c->in == PB_CHILD_DEVNULL)
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (c->out == PB_CHILD_CAPTURE) {
        if (pipe2(pipefd, O_CLOEXEC) != 0)
            goto fail;
        posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    } else if (c->out == PB_CHILD_FILE) {
        if ((outfd = open_out(c->out_path)) < 0)
            goto fail;
        posix_spawn_file_actions_adddup2(&fa, outfd, 1);
    } else if (c->out == PB_CHILD_DEVNULL) {
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    }
    if (c->err == PB_CHILD_AS_STDOUT) {
        posix_spawn_file_actions_adddup2(&fa, 1, 2);
    } else if (c->err == PB_CHILD_FILE) {
        if ((errfd = open_out(c->err_path)) < 0)
            goto fail;
        posix_spawn_file_actions_adddup2(&fa, errfd, 2);
    } else if (c->err == PB_CHILD_DEVNULL) {
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    }

    struct sigaction old[N_FORWARDED];
    sigset_t oldmask;
    fflush(NULL);
    caught = 0;
    block_forwarded(&oldmask);
    install(old);
    posix_spawnattr_setsigmask(&attr, &oldmask);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    pid_t pid;
    char self[24];
    snprintf(self, sizeof self, "%ld", (long)getpid());
    setenv(PB_PARENT_ENV, self, 1);
    e = posix_spawnp(&pid, c->argv[0], &fa, &attr, c->argv, environ);
    if (e == 0)
        live_pid = pid;
    sigprocmask(SIG_SETMASK, &oldmask, NULL);   /* a pending signal lands now */
    if (pipefd[1] >= 0) {
        close(pipefd[1]);
        pipefd[1] = -1;
    }
    if (e != 0) {
        restore(old);
        rc = e == ENOENT || e == EACCES || e == ENOEXEC || e == ENOTDIR ? 127 : -1;
        goto fail;
    }

    int status = 0, reaped = 0;
    while (!caught) {
        if (pipefd[0] >= 0) {
            char chunk[4096];
            ssize_t k = read(pipefd[0], chunk, sizeof chunk);
            if (k > 0)
                pb_str_add(capture, chunk, (size_t)k);
            else if (k == 0 || errno != EINTR) {
                close(pipefd[0]);
                pipefd[0] = -1;
            }
            continue;
        }
        pid_t r = waitpid(pid, &status, 0);
        if (r == pid) {
            reaped = 1;
            break;
        }
        if (r < 0 && errno != EINTR) {
            e = errno;
            break;
        }
    }
    block_forwarded(&oldmask);
    live_pid = 0;
    sigprocmask(SIG_SETMASK, &oldmask, NULL);
    if (caught)
        interrupted(c, pid, reaped, old);       /* does not return */
    restore(old);
    if (!reaped) {
        rc = -1;
        goto fail;
    }
    rc = WIFEXITED(status) ? WEXITSTATUS(status)
       : WIFSIGNALED(status) ? 256 + WTERMSIG(status) : -1;
    e = 0;
fail:
    if (rc == -1 && !e)
        e = errno;
    for (int i = 0; i < 2; i++)
        if (pipefd[i] >= 0)
            close(pipefd[i]);
    if (outfd >= 0)
        close(outfd);
    if (errfd >= 0)
        close(errfd);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    if (capture && c->out == PB_CHILD_CAPTURE)
        pb_str_add(capture, "", 0);            /* NUL-terminated even if empty */
    errno = e;
    return rc;
}

char *pb_self_exe(void)
{
    for (size_t cap = 256; ; cap *= 2) {
        char *buf = pb_xmalloc(cap);
        ssize_t len = readlink("/proc/self/exe", buf, cap);
        if (len <= 0) {
            int e = errno;
            free(buf);
            errno = len == 0 ? ENOENT : e;
            return NULL;
        }
        if ((size_t)len < cap) {
            buf[len] = '\0';
            return buf;
        }
        free(buf);
    }
}

int pb_reexec_self(char **argv)
{
    fflush(NULL);
    execv("/proc/self/exe", argv);
    return -1;
}
