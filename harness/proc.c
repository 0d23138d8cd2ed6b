/*
 * Processes a crash test kills (contract in harness.h, pb_proc_start): a
 * fork()ed child in its own process group, tracked in the cleanup table
 * so an interrupted or exiting harness kills and reaps it. O(1) per call
 * plus the fork.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"

int pb_proc_start(pb_proc *p, int (*fn)(void *), void *arg)
{
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);   /* no handler runs half-forked */
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        sigprocmask(SIG_SETMASK, &old, NULL);
        _exit(fn(arg) & 0xff);
    }
    int e = errno;
    if (pid > 0) {
        setpgid(pid, pid);                /* both sides: no race */
        if (pb_cleanup_add_pid(pid) != 0) {
            e = errno;
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            pid = -1;
        }
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) {
        p->pid = 0;
        errno = e;
        return -1;
    }
    p->pid = (int)pid;
    return 0;
}

static int reap(pb_proc *p)
{
    int status;
    pid_t r;
    do
        r = waitpid(p->pid, &status, 0);
    while (r < 0 && errno == EINTR);
    pb_cleanup_forget_pid(p->pid);
    p->pid = 0;
    return r < 0 ? -1 : status;
}

int pb_proc_kill(pb_proc *p)
{
    if (p->pid <= 0) {
        errno = ECHILD;
        return -1;
    }
    kill(-p->pid, SIGKILL);
    kill(p->pid, SIGKILL);                /* if setpgid lost a race */
    return reap(p);
}

int pb_proc_wait(pb_proc *p)
{
    if (p->pid <= 0) {
        errno = ECHILD;
        return -1;
    }
    return reap(p);
}
