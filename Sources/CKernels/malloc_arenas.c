#include <malloc.h>

#include "CKernels.h"

// Swift cannot see mallopt's option names (malloc.h is not in its Glibc module).
void sotto_use_one_malloc_arena(void) { mallopt(M_ARENA_MAX, 1); }
