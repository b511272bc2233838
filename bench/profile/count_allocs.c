// SPDX-License-Identifier: BSL-1.0
// LD_PRELOAD allocation counter for bench/profile/per_request.sh. Counts malloc, calloc, realloc,
// the aligned allocators (Asio's recycling allocator and coroutine frames use aligned_alloc, so a
// malloc-only counter misses them) and free; SIGUSR2 writes the totals to stderr as one line:
//   allocs: malloc=N aligned=N free=N
// Build: cc -O2 -shared -fPIC -o count_allocs.so count_allocs.c
#define _GNU_SOURCE
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

extern void* __libc_malloc(size_t);
extern void* __libc_calloc(size_t, size_t);
extern void* __libc_realloc(void*, size_t);
extern void* __libc_memalign(size_t, size_t);
extern void __libc_free(void*);

static atomic_long n_malloc, n_aligned, n_free;

static void count(atomic_long* n)
{
    atomic_fetch_add_explicit(n, 1, memory_order_relaxed);
}

void* malloc(size_t size)
{
    count(&n_malloc);
    return __libc_malloc(size);
}

void* calloc(size_t count_, size_t size)
{
    count(&n_malloc);
    return __libc_calloc(count_, size);
}

void* realloc(void* p, size_t size)
{
    count(&n_malloc);
    return __libc_realloc(p, size);
}

void* aligned_alloc(size_t alignment, size_t size)
{
    count(&n_aligned);
    return __libc_memalign(alignment, size);
}

void* memalign(size_t alignment, size_t size)
{
    count(&n_aligned);
    return __libc_memalign(alignment, size);
}

int posix_memalign(void** out, size_t alignment, size_t size)
{
    count(&n_aligned);
    *out = __libc_memalign(alignment, size);
    return *out ? 0 : 12; // ENOMEM
}

void free(void* p)
{
    if (p)
        count(&n_free);
    __libc_free(p);
}

static void report(int sig)
{
    (void)sig;
    char line[128]; // snprintf of integers does not allocate
    int n = snprintf(line, sizeof line, "allocs: malloc=%ld aligned=%ld free=%ld\n", (long)n_malloc,
                     (long)n_aligned, (long)n_free);
    if (n > 0)
        (void)!write(2, line, (size_t)n);
}

__attribute__((constructor)) static void install(void)
{
    signal(SIGUSR2, report);
}
