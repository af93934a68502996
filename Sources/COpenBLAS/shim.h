// OpenBLAS's own cblas.h (found through pkg-config "openblas"), not the update-alternatives
// /usr/include/.../cblas.h, which may be netlib's and lacks openblas_set_num_threads and friends.
#include <cblas.h>

// Exported by OpenBLAS's pthread server but declared in no public header: they let a program
// restart the worker threads after changing OPENBLAS_* settings in its own environment.
void openblas_read_env(void);
int blas_thread_init(void);
int blas_thread_shutdown_(void);
