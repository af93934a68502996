// OpenBLAS's own cblas.h (found through pkg-config "openblas"), not the update-alternatives
// /usr/include/.../cblas.h, which may be netlib's and lacks openblas_set_num_threads and friends.
#include <cblas.h>
