/* attack: split_retryable
 * Memory balloon: allocates and touches memory until refused (8 GiB
 * wanted), through malloc and through mmap.  Stopped by: the sandbox's
 * memory limit (RLIMIT_AS, or RLIMIT_DATA and the allocator's limits under
 * sanitizers); the host never feels it. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "split_retryable.h"

void split_retryable(tg_error *eg, tg_error **retry, tg_error **give_up)
{
    (void)eg;
    (void)retry;
    (void)give_up;
    for (int i = 0; i < 8192; i++) {
        char *p = malloc(1 << 20);
        if (!p)
            break;
        memset(p, i, 1 << 20);
    }
    for (int i = 0; i < 64; i++) {
        char *p = mmap(NULL, 128u << 20, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            break;
        memset(p, 1, 128u << 20);
    }
    __builtin_trap();
}
