/*
 * Kernel probes: what the measured region asked of the kernel, counted by
 * the kernel, so a component's own statistics never stand in for them.
 *
 *   syscalls by kind  perf_event_open(2) counters on the tracepoints
 *                     raw_syscalls:sys_enter (every system call) and
 *                     syscalls:sys_enter_<name> for the calls the pairs are
 *                     about. Counted in the kernel, so a write(2) stdio makes
 *                     inside fflush counts like one the component makes
 *                     itself. inherit=1: threads and processes the process
 *                     starts after the counters open are counted too. The
 *                     counters are enabled only inside the measured region
 *                     (one ioctl at each edge) and read at the end of a run.
 *   /proc/self/io     syscr, syscw, rchar, wchar, write_bytes of the whole
 *                     process (every thread), read at each edge with one
 *                     pread of a descriptor kept open.
 *   getrusage         block input/output operations and voluntary and
 *                     involuntary context switches (RUSAGE_SELF: every
 *                     thread), at each edge.
 *   CPU time          CLOCK_PROCESS_CPUTIME_ID (every thread), at each edge.
 *
 * Exactness. A tracepoint fires on entry, so the group read at a segment's
 * start is in its own snapshot and the one at the end is in its snapshot
 * too: each segment counts one read(2) of the harness, taken off the total
 * and sys_read. /proc/self/io is read first at the start and last at the
 * end; its window holds that first pread (it reports the counts before
 * itself) and both group reads: 3 syscr and their bytes, taken off.
 * tests/test_probes.sh checks that a scenario doing k write(2) and j fsync
 * per op, directly and through stdio, reports exactly k and j.
 *
 * Fallback. Tracepoints need tracefs and, for a user that is not root,
 * perf_event_paranoid <= -1 (or CAP_PERFMON). When tracefs is not mounted
 * and we are root, it is mounted at /sys/kernel/tracing, as perf(1) does.
 * When the kernel still refuses, the per-kind counts and the total are not
 * reported (pb_probe_status says why and `run` puts it in the results'
 * context); /proc/self/io, getrusage and CPU time need nothing and stay.
 *
 * Cost per measured segment, outside its timed part: two group reads and
 * two clock_gettime(CLOCK_PROCESS_CPUTIME_ID), plus two preads of
 * /proc/self/io and two getrusage for file and network scenarios
 * (pb_probe_edge_ns measures it; `run` puts it in the results' context).
 * Each system call inside the region also pays the tracepoint's cost, some
 * 20 ns here (compare a run with PAIRBENCH_PROBES=off).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

/* The kinds, in the order of enum pb_sys_kind (engine.h). NULL tracepoint:
 * raw_syscalls:sys_enter. */
static const struct { const char *name, *tracepoint; } kinds[PB_SYS_KINDS] = {
    { "syscalls",       NULL },
    { "sys_read",       "read" },
    { "sys_pread64",    "pread64" },
    { "sys_write",      "write" },
    { "sys_pwrite64",   "pwrite64" },
    { "sys_writev",     "writev" },
    { "sys_fsync",      "fsync" },
    { "sys_fdatasync",  "fdatasync" },
    { "sys_openat",     "openat" },
    { "sys_close",      "close" },
    { "sys_newfstatat", "newfstatat" },
    { "sys_statx",      "statx" },
    { "sys_faccessat",  "faccessat" },
    { "sys_faccessat2", "faccessat2" },
    { "sys_getdents64", "getdents64" },
    { "sys_rename",     "rename" },
    { "sys_ftruncate",  "ftruncate" },
    { "sys_sendto",     "sendto" },
    { "sys_recvfrom",   "recvfrom" },
    { "sys_sendmsg",    "sendmsg" },
    { "sys_recvmsg",    "recvmsg" },
    { "sys_connect",    "connect" },
};

static struct {
    int      opened;           /* pb_probe_open ran */
    int      leader;           /* raw_syscalls:sys_enter, or -1 */
    int      fd[PB_SYS_KINDS]; /* -1 where unavailable */
    int      slot[PB_SYS_KINDS];/* index in the group read, -1 if none */
    int      members;          /* counters in the group */
    int      running;          /* enabled by pb_probe_run(1) */
    int      io_fd;            /* /proc/self/io, or -1 */
    char     status[200];
} P = { .leader = -1, .io_fd = -1 };

const char *pb_sys_kind_name(int kind)
{
    return kind >= 0 && kind < PB_SYS_KINDS ? kinds[kind].name : "?";
}

static const char *tracefs(void)
{
    static const char *const roots[] = { "/sys/kernel/tracing",
                                         "/sys/kernel/debug/tracing" };
    struct stat st;
    char probe[64];
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        snprintf(probe, sizeof probe, "%s/events", roots[i]);
        if (stat(probe, &st) == 0)
            return roots[i];
    }
    /* Not mounted: perf(1) mounts it in the same place when it can. */
    if (geteuid() == 0 &&
        mount("tracefs", roots[0], "tracefs", 0, NULL) == 0 &&
        stat("/sys/kernel/tracing/events", &st) == 0)
        return roots[0];
    return NULL;
}

/* The tracepoint's id from tracefs, or -1. */
static long tracepoint_id(const char *root, const char *group, const char *name)
{
    char path[160], buf[32];
    snprintf(path, sizeof path, "%s/events/%s/%s/id", root, group, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *end;
    long id = strtol(buf, &end, 10);
    return end == buf ? -1 : id;
}

static int open_counter(long id, int group)
{
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.type = PERF_TYPE_TRACEPOINT;
    a.size = sizeof a;
    a.config = (uint64_t)id;
    a.disabled = group < 0;            /* members follow the leader */
    a.inherit = 1;
    a.read_format = PERF_FORMAT_GROUP;
    return (int)syscall(SYS_perf_event_open, &a, 0, -1, group,
                        PERF_FLAG_FD_CLOEXEC);
}

void pb_probe_open(int off)
{
    if (P.opened)
        return;
    P.opened = 1;
    for (int k = 0; k < PB_SYS_KINDS; k++)
        P.fd[k] = -1;
    if (off) {
        snprintf(P.status, sizeof P.status, "off: %s",
                 off == 2 ? "instructions are being counted (callgrind)"
                          : "PAIRBENCH_PROBES=off");
        return;
    }
    P.io_fd = open("/proc/self/io", O_RDONLY | O_CLOEXEC);

    const char *root = tracefs();
    if (!root) {
        snprintf(P.status, sizeof P.status,
                 "unavailable: tracefs is not mounted at /sys/kernel/tracing");
        return;
    }
    long id = tracepoint_id(root, "raw_syscalls", "sys_enter");
    if (id < 0) {
        snprintf(P.status, sizeof P.status,
                 "unavailable: no raw_syscalls:sys_enter tracepoint in %s", root);
        return;
    }
    P.leader = open_counter(id, -1);
    if (P.leader < 0) {
        int e = errno;
        snprintf(P.status, sizeof P.status,
                 "unavailable: perf_event_open refused (%s; perf_event_paranoid "
                 "must be -1 for a user that is not root)", strerror(e));
        return;
    }
    P.fd[PB_SYS_TOTAL] = P.leader;
    P.slot[PB_SYS_TOTAL] = 0;
    P.members = 1;
    int missing = 0;
    for (int k = 1; k < PB_SYS_KINDS; k++) {
        char name[48];
        snprintf(name, sizeof name, "sys_enter_%s", kinds[k].tracepoint);
        long kid = tracepoint_id(root, "syscalls", name);
        P.fd[k] = kid < 0 ? -1 : open_counter(kid, P.leader);
        P.slot[k] = P.fd[k] < 0 ? -1 : P.members++;
        missing += P.fd[k] < 0;
    }
    /* The group must be readable in one read(2) (inherit with
     * PERF_FORMAT_GROUP needs a recent kernel). */
    uint64_t probe[1 + PB_SYS_KINDS];
    if (read(P.leader, probe, sizeof probe) != (ssize_t)((1 + P.members) * 8)) {
        int e = errno;
        for (int k = 0; k < PB_SYS_KINDS; k++)
            if (P.fd[k] >= 0)
                close(P.fd[k]);
        for (int k = 0; k < PB_SYS_KINDS; k++)
            P.fd[k] = -1;
        P.leader = -1;
        snprintf(P.status, sizeof P.status,
                 "unavailable: the kernel cannot read inherited counters as a"
                 " group (%s)", strerror(e));
        return;
    }
    if (missing)
        snprintf(P.status, sizeof P.status,
                 "perf_event_open tracepoints, %d of %d kinds unavailable",
                 missing, PB_SYS_KINDS - 1);
    else
        snprintf(P.status, sizeof P.status,
                 "perf_event_open tracepoints raw_syscalls:sys_enter and "
                 "syscalls:sys_enter_*");
}

const char *pb_probe_status(void)
{
    return P.opened ? P.status : "not opened";
}

int pb_probe_kind_available(int kind)
{
    return kind >= 0 && kind < PB_SYS_KINDS && P.fd[kind] >= 0;
}

int pb_probe_io_available(void)
{
    return P.io_fd >= 0;
}

/* One read(2) of the whole group into out[kind] (0 where unavailable). */
static void read_group(uint64_t out[PB_SYS_KINDS])
{
    uint64_t buf[1 + PB_SYS_KINDS];
    memset(out, 0, PB_SYS_KINDS * sizeof out[0]);
    if (P.leader < 0 || read(P.leader, buf, sizeof buf) < 8)
        return;
    for (int k = 0; k < PB_SYS_KINDS; k++)
        if (P.slot[k] >= 0 && (uint64_t)P.slot[k] < buf[0])
            out[k] = buf[1 + P.slot[k]];
}

void pb_probe_run(int on)
{
    if (P.leader < 0 || P.running == on)
        return;
    ioctl(P.leader, on ? PERF_EVENT_IOC_ENABLE : PERF_EVENT_IOC_DISABLE,
          PERF_IOC_FLAG_GROUP);
    P.running = on;
}

/* Parses "name: value" lines of /proc/self/io into v[PB_IO_FIELDS] and
 * returns the length read, or -1. */
static ssize_t read_io(int64_t v[PB_IO_FIELDS])
{
    static const char *const keys[PB_IO_FIELDS] = {
        "syscr", "syscw", "rchar", "wchar", "write_bytes" };
    char buf[512];
    ssize_t n = pread(P.io_fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    for (int i = 0; i < PB_IO_FIELDS; i++) {
        size_t kl = strlen(keys[i]);
        v[i] = 0;
        for (const char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
            if (strncmp(p, keys[i], kl) == 0 && p[kl] == ':') {
                v[i] = strtoll(p + kl + 1, NULL, 10);
                break;
            }
    }
    return n;
}

static int64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void read_rusage(int64_t v[4])
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    v[0] = ru.ru_inblock;
    v[1] = ru.ru_oublock;
    v[2] = ru.ru_nvcsw;
    v[3] = ru.ru_nivcsw;
}

void pb_probe_begin(pb_probe_acc *a, unsigned want)
{
    a->io_len = -1;
    if (want & (PB_PROBE_FILES | PB_PROBE_NET)) {
        if (P.io_fd >= 0)
            a->io_len = read_io(a->io_start);
        read_rusage(a->ru_start);
    }
    a->cpu_start = cpu_ns();
    if (P.running)
        read_group(a->sys_start);
}

void pb_probe_end(pb_probe_acc *a, unsigned want)
{
    if (P.running) {
        uint64_t now[PB_SYS_KINDS];
        read_group(now);
        for (int k = 0; k < PB_SYS_KINDS; k++)
            a->sys[k] += now[k] - a->sys_start[k];
        a->sys[PB_SYS_TOTAL] -= 1;    /* the group read at the end */
        if (P.fd[PB_SYS_READ] >= 0)
            a->sys[PB_SYS_READ] -= 1;
        a->segments++;
    }
    a->cpu_ns += cpu_ns() - a->cpu_start;
    if (want & (PB_PROBE_FILES | PB_PROBE_NET)) {
        int64_t ru[PB_RU_FIELDS];
        read_rusage(ru);
        for (int i = 0; i < PB_RU_FIELDS; i++)
            a->ru[i] += ru[i] - a->ru_start[i];
        int64_t io[PB_IO_FIELDS];
        if (a->io_len >= 0 && read_io(io) >= 0) {
            for (int i = 0; i < PB_IO_FIELDS; i++)
                a->io[i] += io[i] - a->io_start[i];
            /* the pread at the start, and two group reads if they ran */
            int64_t group_len = (int64_t)(1 + P.members) * 8;
            a->io[PB_IO_SYSCR] -= 1 + (P.running ? 2 : 0);
            a->io[PB_IO_RCHAR] -= a->io_len + (P.running ? 2 * group_len : 0);
            a->io_ok = 1;
        }
    }
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double pb_probe_edge_ns(void)
{
    static double cost = -1;
    enum { K = 201 };
    double d[K];
    if (cost >= 0)
        return cost;
    int was = P.running;
    pb_probe_run(1);
    for (int i = 0; i < K; i++) {
        pb_probe_acc a;
        memset(&a, 0, sizeof a);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        pb_probe_begin(&a, PB_PROBE_FILES);
        pb_probe_end(&a, PB_PROBE_FILES);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        d[i] = (double)(t1.tv_sec - t0.tv_sec) * 1e9 +
               (double)(t1.tv_nsec - t0.tv_nsec);
    }
    pb_probe_run(was);
    qsort(d, K, sizeof d[0], cmp_dbl);
    cost = d[K / 2];
    return cost;
}
