/*
 * poison.h -- which memory checker watches this build, and how libtg tells
 * it that memory it keeps for reuse is off limits.  TG_ASAN is defined
 * under AddressSanitizer; POISON marks bytes that must not be touched
 * (ASan's poison, or valgrind's no-access), UNPOISON hands them out again
 * with undefined contents, and LINK_OPEN makes readable a link word that
 * was written before its block was poisoned.  Outside valgrind the
 * valgrind requests are a few instructions that do nothing.
 */
#ifndef TG_POISON_H
#define TG_POISON_H

#include <stdatomic.h>
#include <stddef.h>

#include <valgrind/memcheck.h>

#if defined(__SANITIZE_ADDRESS__)
#define TG_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TG_ASAN 1
#endif
#endif

#ifdef TG_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#define LINK_OPEN(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
/* A valgrind request is a dozen instructions and a stack frame for its
 * arguments even when valgrind is not there, and errors are made and
 * released by the thousand: ask once whether it is, and make the
 * requests out of line (poison.c). */
int tg__on_valgrind_slow(void);
extern _Atomic int tg__on_valgrind_cached; /* -1 until asked */
static inline int tg__on_valgrind(void)
{
    int on = atomic_load_explicit(&tg__on_valgrind_cached,
                                  memory_order_relaxed);
    return __builtin_expect(on < 0, 0) ? tg__on_valgrind_slow() : on;
}
void tg__valgrind_noaccess(const void *p, size_t n);
void tg__valgrind_undefined(const void *p, size_t n);
void tg__valgrind_defined(const void *p, size_t n);
#define POISON(p, n)                                                         \
    do {                                                                     \
        if (tg__on_valgrind())                                               \
            tg__valgrind_noaccess((p), (n));                                 \
    } while (0)
#define UNPOISON(p, n)                                                       \
    do {                                                                     \
        if (tg__on_valgrind())                                               \
            tg__valgrind_undefined((p), (n));                                \
    } while (0)
#define LINK_OPEN(p, n)                                                      \
    do {                                                                     \
        if (tg__on_valgrind())                                               \
            tg__valgrind_defined((p), (n));                                  \
    } while (0)
#endif

#endif /* TG_POISON_H */
