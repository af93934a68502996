#define _GNU_SOURCE
#include "thread_pool.h"
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 256
#define SPIN_NANOSECONDS 200000

static pthread_mutex_t submit = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t growth = PTHREAD_MUTEX_INITIALIZER;
static _Atomic size_t worker_count;
static _Atomic uint32_t generation;
static _Atomic uint32_t sleepers;
// Set when the cores go to another library's threads; spinning workers then sleep at once.
static _Atomic uint32_t parked;
static _Atomic size_t next_part;
static _Atomic size_t finished_parts;
static _Atomic uint64_t worker_parts;
// Atomic because a worker finishing the previous job may read them while the next is published;
// `next_part` (release on publish, acquire on claim) orders them.
static _Atomic size_t job_parts;
static void (*_Atomic job_fn)(void *, size_t);
static void *_Atomic job_ctx;
static _Thread_local int inside_job;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static uint64_t monotonic_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void futex_wait(_Atomic uint32_t *word, uint32_t expected) {
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_wake_all(_Atomic uint32_t *word) {
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
}

// Claims parts until none are left; the job's fields were published before `generation` moved.
static void work(int on_worker) {
    inside_job = 1;
    for (;;) {
        size_t part = atomic_fetch_add_explicit(&next_part, 1, memory_order_acq_rel);
        if (part >= atomic_load_explicit(&job_parts, memory_order_relaxed)) break;
        atomic_load_explicit(&job_fn, memory_order_relaxed)(atomic_load_explicit(&job_ctx, memory_order_relaxed), part);
        if (on_worker) atomic_fetch_add_explicit(&worker_parts, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&finished_parts, 1, memory_order_release);
    }
    inside_job = 0;
}

static void *worker_main(void *unused) {
    (void)unused;
    uint32_t seen = atomic_load_explicit(&generation, memory_order_acquire);
    for (;;) {
        uint64_t start = monotonic_ns();
        unsigned spins = 0;
        uint32_t now;
        while ((now = atomic_load_explicit(&generation, memory_order_acquire)) == seen) {
            cpu_relax();
            if ((++spins & 63) == 0 && (atomic_load_explicit(&parked, memory_order_relaxed)
                                        || monotonic_ns() - start > SPIN_NANOSECONDS)) {
                atomic_fetch_add_explicit(&sleepers, 1, memory_order_seq_cst);
                if (atomic_load_explicit(&generation, memory_order_seq_cst) == seen) futex_wait(&generation, seen);
                atomic_fetch_sub_explicit(&sleepers, 1, memory_order_seq_cst);
                start = monotonic_ns();
            }
        }
        seen = now;
        work(1);
    }
    return NULL;
}

void sotto_pool_reserve(size_t workers) {
    if (workers > MAX_WORKERS) workers = MAX_WORKERS;
    pthread_mutex_lock(&growth);
    while (worker_count < workers) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attributes, worker_main, NULL);
        pthread_attr_destroy(&attributes);
        if (failed) break;
        worker_count++;
    }
    pthread_mutex_unlock(&growth);
}

int sotto_pool_run(size_t parts, void (*fn)(void *ctx, size_t part), void *ctx) {
    if (inside_job) return 0;
    if (parts > 1 && atomic_load_explicit(&worker_count, memory_order_relaxed) < parts - 1) sotto_pool_reserve(parts - 1);
    if (pthread_mutex_trylock(&submit) != 0) return 0;
    atomic_store_explicit(&job_fn, fn, memory_order_relaxed);
    atomic_store_explicit(&job_ctx, ctx, memory_order_relaxed);
    atomic_store_explicit(&job_parts, parts, memory_order_relaxed);
    atomic_store_explicit(&finished_parts, 0, memory_order_relaxed);
    atomic_store_explicit(&next_part, 0, memory_order_release);
    atomic_store_explicit(&parked, 0, memory_order_relaxed);
    atomic_fetch_add_explicit(&generation, 1, memory_order_seq_cst);
    if (atomic_load_explicit(&sleepers, memory_order_seq_cst) > 0) futex_wake_all(&generation);
    work(0);
    // The remaining parts are already running on workers and are short: spin for them, but give
    // the core away if a worker was descheduled (a busy machine), or the wait could last a slice.
    for (unsigned spins = 1; atomic_load_explicit(&finished_parts, memory_order_acquire) < parts; spins++) {
        cpu_relax();
        if ((spins & 1023) == 0) sched_yield();
    }
    pthread_mutex_unlock(&submit);
    return 1;
}

void sotto_pool_park(void) { atomic_store_explicit(&parked, 1, memory_order_relaxed); }

uint64_t sotto_pool_worker_parts(void) { return atomic_load_explicit(&worker_parts, memory_order_relaxed); }
