/*
 * pb_test_alloc: allocation failure injection for a component test.
 *
 * Include it in ONE file of a test executable (it defines the malloc
 * family). Where glibc is the allocator and no sanitizer owns malloc, the
 * executable's malloc, calloc, realloc and free (which come first in symbol
 * lookup) forward to glibc's __libc_* entry points, and the test can arm a
 * failure:
 *
 *   pbt_fail_at(k)     the allocation numbered k (0-based, counted from
 *                      now) fails with errno ENOMEM, once; the others pass
 *   pbt_fail_after(k)  the first k allocations pass, every later one fails
 *   pbt_fail_never()   disarms
 *   pbt_fail_pending() 1 while an armed failure has not happened yet (an
 *                      operation that allocated less than k + 1 times)
 *
 * PBT_FAIL_INJECTION is 1 where this works; under ASan (which owns malloc)
 * it is 0, the functions do nothing and a test skips what needs them.
 * The functions are called from one thread at a time.
 */
#ifndef PAIRBENCH_PB_TEST_ALLOC_H
#define PAIRBENCH_PB_TEST_ALLOC_H

#include <errno.h>
#include <stddef.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || \
    __has_feature(thread_sanitizer)
#define PBT_ALLOC_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PBT_ALLOC_SANITIZED 1
#endif

/* countdown to the failing allocation (-1: disarmed); sticky: keep failing */
static long pbt_alloc_countdown = -1;
static int  pbt_alloc_sticky;
static long pbt_alloc_failures;           /* failures since armed */

#if defined(__GLIBC__) && !defined(PBT_ALLOC_SANITIZED)
#define PBT_FAIL_INJECTION 1
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void  __libc_free(void *p);

static int pbt_alloc_fails(void)
{
    if (pbt_alloc_countdown < 0)
        return 0;
    if (pbt_alloc_countdown > 0) {
        pbt_alloc_countdown--;
        return 0;
    }
    if (!pbt_alloc_sticky)
        pbt_alloc_countdown = -1;
    pbt_alloc_failures++;
    errno = ENOMEM;
    return 1;
}

void *malloc(size_t size) { return pbt_alloc_fails() ? NULL : __libc_malloc(size); }
void *calloc(size_t n, size_t size) { return pbt_alloc_fails() ? NULL : __libc_calloc(n, size); }
void *realloc(void *p, size_t size) { return pbt_alloc_fails() ? NULL : __libc_realloc(p, size); }
void free(void *p) { __libc_free(p); }
#else
#define PBT_FAIL_INJECTION 0
#endif

static inline void pbt_fail_arm(long k, int sticky)
{
    pbt_alloc_countdown = k;
    pbt_alloc_sticky = sticky;
    pbt_alloc_failures = 0;
}
static inline void pbt_fail_at(long k) { pbt_fail_arm(k, 0); }
static inline void pbt_fail_after(long k) { pbt_fail_arm(k, 1); }
static inline void pbt_fail_never(void) { pbt_fail_arm(-1, 0); }
static inline int pbt_fail_pending(void)
{
    return pbt_alloc_countdown >= 0 && pbt_alloc_failures == 0;
}

#endif
