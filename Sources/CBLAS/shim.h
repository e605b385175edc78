#include <cblas.h>
/* OpenBLAS extension: set the number of threads its pthread pool uses. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
