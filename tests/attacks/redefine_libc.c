/* attack: split_retryable
 * Redefines libc's free, write and _exit: free that never frees (hiding
 * leaks from the accounting), write that drops what the probe reports.
 * Stopped by: the symbol check refuses definitions of libc names. */
#include <stddef.h>
#include <sys/types.h>

#include "split_retryable.h"

void free(void *p)
{
    (void)p;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    (void)fd;
    (void)buf;
    return (ssize_t)n;
}

void split_retryable(tg_error *eg, tg_error **retry, tg_error **give_up)
{
    (void)eg;
    (void)retry;
    (void)give_up;
    __builtin_trap();
}
