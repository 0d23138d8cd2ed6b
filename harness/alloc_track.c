/*
 * Allocation tracker: interposes the malloc family for the whole process.
 *
 * The definitions below live in the pairbench executable, which comes first
 * in the dynamic linker's search order, so every malloc-family call in the
 * process reaches them: ours, libc's own (strdup, fopen), libstdc++'s
 * operator new, SQLite's. Each forwards to the next definition in search
 * order (dlsym RTLD_NEXT): glibc's malloc, or jemalloc's when libjemalloc is
 * preloaded (`pairbench run --allocator jemalloc` re-executes itself so).
 *
 * Counted: while armed, every successful allocating call (malloc, calloc,
 * realloc, reallocarray, the aligned ones) adds 1 to allocs and its
 * requested size to bytes; realloc(p, 0) counts as a free. Always: live
 * bytes (the backend's usable size of every live block) and their peak.
 *
 * Two modes (pb_alloc_track). Tracking (the default; `exec`, verification
 * and the counting pass of `run`): the above, at a cost of one usable-size
 * query and two or three relaxed atomic adds per call. Untracked (the
 * timed runs of `run`): each call is forwarded at once, after one relaxed
 * load and a predictable branch; nothing is counted, live bytes are not
 * kept (blocks allocated then and freed while tracking make live bytes
 * drift by their size, which is why a counting pass builds its own fixture
 * while tracking). harness/calibration/malloc_free (timed, untracked) next
 * to malloc_free_plain (the backend called directly) shows what is left.
 *
 * Built only when PB_ALLOC_TRACKING is 1 (not under the sanitizers, which
 * own malloc themselves); otherwise the API reports nothing.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gnu/libc-version.h>

#include "engine.h"

#ifndef PB_ALLOC_TRACKING
#define PB_ALLOC_TRACKING 0
#endif

static atomic_int      armed;
static atomic_int      tracking = 1;
static atomic_uint_fast64_t n_allocs;
static atomic_uint_fast64_t n_bytes;
static atomic_int_fast64_t  live_bytes;
static atomic_int_fast64_t  peak_bytes;

#if PB_ALLOC_TRACKING

#include <malloc.h>
#include <stdlib.h>

static void *(*real_malloc)(size_t);
static void  (*real_free)(void *);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void *(*real_memalign)(size_t, size_t);
static size_t (*real_usable)(void *);

/*
 * dlsym itself may allocate (its error buffer) before the real functions
 * are known. Those few early blocks come from this static arena and are
 * never freed; each is preceded by its size for realloc/usable-size.
 */
static _Alignas(16) unsigned char boot_arena[16384];
static size_t boot_used;
static int    resolving;

static int in_boot(const void *p)
{
    return (const unsigned char *)p >= boot_arena &&
           (const unsigned char *)p < boot_arena + sizeof boot_arena;
}

static void *boot_alloc(size_t size)
{
    size_t need = 16 + ((size + 15) & ~(size_t)15);
    if (boot_used + need > sizeof boot_arena)
        return NULL;
    unsigned char *p = boot_arena + boot_used;
    boot_used += need;
    memcpy(p, &size, sizeof size);
    memset(p + 16, 0, size);
    return p + 16;
}

static size_t boot_size(const void *p)
{
    size_t size;
    memcpy(&size, (const unsigned char *)p - 16, sizeof size);
    return size;
}

static void resolve(void)
{
    if (real_malloc || resolving)
        return;
    resolving = 1;
    real_free     = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    real_calloc   = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    real_realloc  = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    real_memalign = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "memalign");
    real_usable   = (size_t (*)(void *))dlsym(RTLD_NEXT, "malloc_usable_size");
    void *m = dlsym(RTLD_NEXT, "malloc");
    resolving = 0;
    if (!m || !real_free || !real_calloc || !real_realloc || !real_memalign ||
        !real_usable) {
        static const char msg[] = "pairbench: cannot find the real malloc\n";
        (void)!write(2, msg, sizeof msg - 1);
        _exit(70);
    }
    real_malloc = (void *(*)(size_t))m;
}

static inline void note_alloc(void *p, size_t requested)
{
    int64_t usable = (int64_t)real_usable(p);
    int64_t live = atomic_fetch_add_explicit(&live_bytes, usable,
                                             memory_order_relaxed) + usable;
    int64_t peak = atomic_load_explicit(&peak_bytes, memory_order_relaxed);
    while (live > peak &&
           !atomic_compare_exchange_weak_explicit(&peak_bytes, &peak, live,
                                                  memory_order_relaxed,
                                                  memory_order_relaxed))
        ;
    if (atomic_load_explicit(&armed, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&n_allocs, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&n_bytes, requested, memory_order_relaxed);
    }
}

static inline void note_free(void *p)
{
    atomic_fetch_sub_explicit(&live_bytes, (int64_t)real_usable(p),
                              memory_order_relaxed);
}

void *malloc(size_t size)
{
    if (!real_malloc) {
        resolve();
        if (!real_malloc)
            return boot_alloc(size);
    }
    if (!atomic_load_explicit(&tracking, memory_order_relaxed))
        return real_malloc(size);
    void *p = real_malloc(size);
    if (p)
        note_alloc(p, size);
    return p;
}

void free(void *p)
{
    if (!p || in_boot(p))
        return;
    if (atomic_load_explicit(&tracking, memory_order_relaxed))
        note_free(p);
    real_free(p);
}

void *calloc(size_t n, size_t size)
{
    if (!real_malloc) {
        resolve();
        if (!real_malloc) {
            if (size && n > SIZE_MAX / size)
                return NULL;
            return boot_alloc(n * size);
        }
    }
    if (!atomic_load_explicit(&tracking, memory_order_relaxed))
        return real_calloc(n, size);
    void *p = real_calloc(n, size);
    if (p)
        note_alloc(p, n * size);
    return p;
}

void *realloc(void *old, size_t size)
{
    if (!real_malloc)
        resolve();
    if (old && in_boot(old)) {
        void *p = malloc(size);
        if (p) {
            size_t keep = boot_size(old);
            memcpy(p, old, keep < size ? keep : size);
        }
        return p;
    }
    if (!old)
        return malloc(size);
    if (size == 0) {
        free(old);
        return NULL;
    }
    if (!atomic_load_explicit(&tracking, memory_order_relaxed))
        return real_realloc(old, size);
    int64_t old_usable = (int64_t)real_usable(old);
    void *p = real_realloc(old, size);
    if (!p)
        return NULL;                     /* old block still live, unchanged */
    atomic_fetch_sub_explicit(&live_bytes, old_usable, memory_order_relaxed);
    note_alloc(p, size);
    return p;
}

void *reallocarray(void *old, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(old, n * size);
}

void *memalign(size_t alignment, size_t size)
{
    if (!real_malloc)
        resolve();
    void *p = real_memalign(alignment, size);
    if (p && atomic_load_explicit(&tracking, memory_order_relaxed))
        note_alloc(p, size);
    return p;
}

int posix_memalign(void **out, size_t alignment, size_t size)
{
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)))
        return EINVAL;
    void *p = memalign(alignment, size);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

void *aligned_alloc(size_t alignment, size_t size)
{
    return memalign(alignment, size);
}

void *valloc(size_t size)
{
    return memalign((size_t)sysconf(_SC_PAGESIZE), size);
}

void *pvalloc(size_t size)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return memalign(page, (size + page - 1) & ~(page - 1));
}

size_t malloc_usable_size(void *p)
{
    if (!p)
        return 0;
    if (in_boot(p))
        return boot_size(p);
    if (!real_malloc)
        resolve();
    return real_usable(p);
}

int pb_alloc_tracking_available(void) { return 1; }

void *pb_alloc_plain_malloc(size_t size)
{
    if (!real_malloc)
        resolve();
    return real_malloc(size);
}

void pb_alloc_plain_free(void *p)
{
    if (p && !in_boot(p))
        real_free(p);
}

const char *pb_alloc_backend(void)
{
    Dl_info info;
    if (!real_malloc)
        resolve();
    if (dladdr((void *)real_malloc, &info) && info.dli_fname &&
        strstr(info.dli_fname, "jemalloc"))
        return "jemalloc";
    return "glibc";
}

#else /* !PB_ALLOC_TRACKING */

int pb_alloc_tracking_available(void) { return 0; }

void *pb_alloc_plain_malloc(size_t size) { return malloc(size); }
void  pb_alloc_plain_free(void *p)       { free(p); }

const char *pb_alloc_backend(void)
{
    return dlsym(RTLD_DEFAULT, "mallctl") ? "jemalloc" : "glibc";
}

#endif

const char *pb_alloc_backend_version(void)
{
    static char version[96];
    if (strcmp(pb_alloc_backend(), "glibc") == 0)
        return gnu_get_libc_version();
    int (*mallctl)(const char *, void *, size_t *, void *, size_t) =
        (int (*)(const char *, void *, size_t *, void *, size_t))
            dlsym(RTLD_DEFAULT, "mallctl");
    const char *v = NULL;
    size_t len = sizeof v;
    if (!mallctl || mallctl("version", &v, &len, NULL, 0) != 0 || !v)
        return "unknown";
    snprintf(version, sizeof version, "%s", v);
    return version;
}

int pb_alloc_track(int on)
{
    return atomic_exchange_explicit(&tracking, on ? 1 : 0, memory_order_relaxed);
}

void pb_alloc_arm(void)    { atomic_store_explicit(&armed, 1, memory_order_relaxed); }
void pb_alloc_disarm(void) { atomic_store_explicit(&armed, 0, memory_order_relaxed); }

void pb_alloc_read(pb_alloc_stats *out)
{
    out->allocs = atomic_load_explicit(&n_allocs, memory_order_relaxed);
    out->bytes = atomic_load_explicit(&n_bytes, memory_order_relaxed);
    out->live_bytes = atomic_load_explicit(&live_bytes, memory_order_relaxed);
    out->peak_live_bytes = atomic_load_explicit(&peak_bytes, memory_order_relaxed);
}

void pb_alloc_reset(void)
{
    atomic_store_explicit(&n_allocs, 0, memory_order_relaxed);
    atomic_store_explicit(&n_bytes, 0, memory_order_relaxed);
    atomic_store_explicit(&peak_bytes,
                          atomic_load_explicit(&live_bytes, memory_order_relaxed),
                          memory_order_relaxed);
}
