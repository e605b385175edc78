#define _GNU_SOURCE
#include <sys/mman.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "CSupport.h"

void *charvec_mremap(void *old_address, size_t old_size, size_t new_size) {
    void *p = mremap(old_address, old_size, new_size, MREMAP_MAYMOVE);
    return p == MAP_FAILED ? NULL : p;
}

#define CHARVEC_TEMPORARY_SLOTS 64
static char *_Atomic temporaries[CHARVEC_TEMPORARY_SLOTS];

int charvec_remember_temporary(const char *path) {
    char *copy = strdup(path);
    if (!copy) return -1;
    for (int i = 0; i < CHARVEC_TEMPORARY_SLOTS; i++) {
        char *expected = NULL;
        if (atomic_compare_exchange_strong(&temporaries[i], &expected, copy)) return i;
    }
    free(copy);
    return -1;
}

void charvec_forget_temporary(int slot) {
    if (slot < 0 || slot >= CHARVEC_TEMPORARY_SLOTS) return;
    free(atomic_exchange(&temporaries[slot], NULL));
}

/* Only async-signal-safe calls here: unlink, signal, raise. */
static void remove_temporaries(int sig) {
    for (int i = 0; i < CHARVEC_TEMPORARY_SLOTS; i++) {
        char *path = atomic_load(&temporaries[i]);
        if (path) unlink(path);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void charvec_remove_temporaries_on_interrupt(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = remove_temporaries;
    sigemptyset(&action.sa_mask);
    int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (int i = 0; i < 3; i++) {
        struct sigaction old;
        /* Leave ignored signals ignored (nohup, background jobs). */
        if (sigaction(signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        sigaction(signals[i], &action, NULL);
    }
}
