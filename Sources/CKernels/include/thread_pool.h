#ifndef SOTTO_THREAD_POOL_H
#define SOTTO_THREAD_POOL_H
#include <stddef.h>
#include <stdint.h>

/// Runs fn(ctx, part) for every part in [0, parts) on the calling thread and the pool's workers,
/// and returns 1 when all parts are done. Returns 0 without running anything when the pool is in
/// use (a nested call, or another thread's job): the caller then runs the parts another way.
///
/// Why a pool of its own: a decoding step is a hundred matrix-vector products of 0.1–0.5 ms each,
/// and waking a sleeping thread for each costs a noticeable slice of that. The workers spin for
/// a short while after a job (about 200 µs, pausing between checks) so the next product finds
/// them awake, then sleep on a futex, so an idle pool costs nothing.
int sotto_pool_run(size_t parts, void (*fn)(void *ctx, size_t part), void *ctx);

/// Makes sure `workers` threads exist (the calling thread is the extra participant).
void sotto_pool_reserve(size_t workers);

/// Tells spinning workers to sleep now: the caller is about to run another library's threads
/// (OpenBLAS) on the same cores, which a spinning worker would slow down.
void sotto_pool_park(void);

/// Parts run so far by the pool's workers rather than by callers (for tests and diagnostics).
uint64_t sotto_pool_worker_parts(void);

#endif
