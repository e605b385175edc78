// The least any loader of a binary embedding file must do, with no parsing at all: map the file
// (page cache, like `cat`'s reads) and copy its bytes into fresh anonymous memory on 2 threads.
// tools/bench-io/floor.sh times it next to `cat` and `charvec info`: on a machine where fresh
// pages are expensive to fault in, this floor alone can exceed 3x `cat`.
//
//   cc -O2 -pthread minimal_loader.c -o minimal_loader && ./minimal_loader FILE [hugepages=1]
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char *src, *dst;
static size_t size;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *copy_half(void *arg) {
    size_t half = size / 2, start = arg ? half : 0, end = arg ? size : half;
    memcpy(dst + start, src + start, end - start);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s FILE [hugepages=1]\n", argv[0]); return 2; }
    int huge = argc > 2 ? atoi(argv[2]) : 1;
    double t0 = now();
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0) { perror(argv[1]); return 2; }
    size = (size_t)st.st_size;
    src = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    dst = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (src == MAP_FAILED || dst == MAP_FAILED) { perror("mmap"); return 2; }
    madvise(dst, size, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);  // what charvec's matrix asks for
    pthread_t other;
    pthread_create(&other, NULL, copy_half, (void *)1);
    copy_half(NULL);
    pthread_join(other, NULL);
    printf("%.3f\n", now() - t0);
    return dst[size - 1] == 0x7f;  // keep the copy observable
}
