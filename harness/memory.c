/*
 * Process memory: peak resident set size per case, and the resident set
 * now (the base of a component's RSS growth).
 *
 * Linux resets a process's VmHWM to its current RSS when "5" is written to
 * /proc/self/clear_refs; VmHWM is then read from /proc/self/status. Plain
 * open/read/write only: no stdio, so reading memory does not allocate.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

int pb_rss_reset_peak(void)
{
    int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t w = write(fd, "5", 1);
    close(fd);
    return w == 1 ? 0 : -1;
}

/* A "kB" field of /proc/self/status ("\nVmHWM:"), in bytes, or -1. */
static int64_t status_bytes(const char *field)
{
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t len = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (len <= 0)
        return -1;
    buf[len] = '\0';
    const char *line = strstr(buf, field);
    if (!line)
        return -1;
    size_t skip = strlen(field);
    char *end;
    long long kib = strtoll(line + skip, &end, 10);   /* "   1234 kB" */
    if (end == line + skip || kib < 0)
        return -1;
    return (int64_t)kib * 1024;
}

int64_t pb_rss_peak_bytes(void)
{
    return status_bytes("\nVmHWM:");
}

int64_t pb_rss_bytes(void)
{
    return status_bytes("\nVmRSS:");
}

void pb_heap_release(void)
{
    if (strcmp(pb_alloc_backend(), "jemalloc") == 0) {
        int (*mallctl)(const char *, void *, size_t *, void *, size_t) =
            (int (*)(const char *, void *, size_t *, void *, size_t))
                dlsym(RTLD_DEFAULT, "mallctl");
        if (mallctl)    /* 4096 = MALLCTL_ARENAS_ALL */
            mallctl("arena.4096.purge", NULL, NULL, NULL, 0);
    } else {
        malloc_trim(0);
    }
}
