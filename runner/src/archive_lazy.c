/*
 * archive_lazy.c -- the part of libarchive the lab uses (lab grade's
 * tar.gz packs), loaded on first use instead of at every start.
 *
 * Debian's libarchive brings libxml2, ICU and libstdc++ with it: linked
 * normally, the dynamic loader maps and relocates them at every start of
 * lab -- 5 ms of a 150 ms `lab check` that never opens an archive, and
 * every fork of lab then copies their mappings too.  So lab is not linked
 * with it; these definitions stand in for libarchive's own (same names,
 * same prototypes, checked against <archive.h>) and forward each call to
 * the library, which the first call loads with dlopen.  When it cannot be
 * loaded, the constructors (archive_*_new) return NULL, as they do when
 * out of memory, and say why on stderr once; the callers already handle
 * that.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* The library's file name; the Makefile passes the one it would have
 * linked. */
#ifndef LAB_LIBARCHIVE_SONAME
#define LAB_LIBARCHIVE_SONAME "libarchive.so.13"
#endif

/* The address of libarchive's name, or NULL when it cannot be loaded. */
static void *lookup(const char *name)
{
    static void *lib;
    static int failed;
    if (!lib && !failed) {
        lib = dlopen(LAB_LIBARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);
        if (!lib) {
            failed = 1;
            fprintf(stderr, "lab: error: cannot load %s: %s\n",
                    LAB_LIBARCHIVE_SONAME, dlerror());
        }
    }
    return lib ? dlsym(lib, name) : NULL;
}

/* Each function: its return type, name, parameters, the call's
 * arguments, and what it returns when the library is missing. */
#define VALUE_FUNCTIONS(X)                                                     \
    X(struct archive *, archive_read_new, (void), (), NULL)                    \
    X(struct archive *, archive_write_new, (void), (), NULL)                   \
    X(struct archive_entry *, archive_entry_new, (void), (), NULL)             \
    X(int, archive_read_free, (struct archive * a), (a), ARCHIVE_FATAL)        \
    X(int, archive_write_free, (struct archive * a), (a), ARCHIVE_FATAL)       \
    X(int, archive_write_close, (struct archive * a), (a), ARCHIVE_FATAL)      \
    X(const char *, archive_error_string, (struct archive * a), (a), NULL)     \
    X(int, archive_read_support_filter_gzip, (struct archive * a), (a),        \
      ARCHIVE_FATAL)                                                           \
    X(int, archive_read_support_filter_none, (struct archive * a), (a),        \
      ARCHIVE_FATAL)                                                           \
    X(int, archive_read_support_format_tar, (struct archive * a), (a),         \
      ARCHIVE_FATAL)                                                           \
    X(int, archive_read_support_format_gnutar, (struct archive * a), (a),      \
      ARCHIVE_FATAL)                                                           \
    X(int, archive_read_open_fd, (struct archive * a, int fd, size_t block),   \
      (a, fd, block), ARCHIVE_FATAL)                                           \
    X(int, archive_read_next_header,                                           \
      (struct archive * a, struct archive_entry * *e), (a, e), ARCHIVE_FATAL)  \
    X(la_ssize_t, archive_read_data,                                           \
      (struct archive * a, void *buf, size_t len), (a, buf, len), -1)          \
    X(int, archive_write_add_filter_gzip, (struct archive * a), (a),           \
      ARCHIVE_FATAL)                                                           \
    X(int, archive_write_set_format_pax_restricted, (struct archive * a), (a), \
      ARCHIVE_FATAL)                                                           \
    X(int, archive_write_open_filename, (struct archive * a, const char *f),   \
      (a, f), ARCHIVE_FATAL)                                                   \
    X(int, archive_write_header,                                               \
      (struct archive * a, struct archive_entry * e), (a, e), ARCHIVE_FATAL)   \
    X(la_ssize_t, archive_write_data,                                          \
      (struct archive * a, const void *buf, size_t len), (a, buf, len), -1)    \
    X(mode_t, archive_entry_filetype, (struct archive_entry * e), (e), 0)      \
    X(const char *, archive_entry_hardlink, (struct archive_entry * e), (e),   \
      NULL)                                                                    \
    X(const char *, archive_entry_pathname, (struct archive_entry * e), (e),   \
      NULL)                                                                    \
    X(const char *, archive_entry_symlink, (struct archive_entry * e), (e),    \
      NULL)                                                                    \
    X(la_int64_t, archive_entry_size, (struct archive_entry * e), (e), 0)      \
    X(int, archive_entry_size_is_set, (struct archive_entry * e), (e), 0)

#define VOID_FUNCTIONS(X)                                                      \
    X(archive_entry_free, (struct archive_entry * e), (e))                     \
    X(archive_entry_set_filetype, (struct archive_entry * e, unsigned t),      \
      (e, t))                                                                  \
    X(archive_entry_set_hardlink, (struct archive_entry * e, const char *s),   \
      (e, s))                                                                  \
    X(archive_entry_set_mtime, (struct archive_entry * e, time_t t, long ns),  \
      (e, t, ns))                                                              \
    X(archive_entry_set_pathname, (struct archive_entry * e, const char *s),   \
      (e, s))                                                                  \
    X(archive_entry_set_perm, (struct archive_entry * e, mode_t m), (e, m))    \
    X(archive_entry_set_size, (struct archive_entry * e, la_int64_t n),        \
      (e, n))                                                                  \
    X(archive_entry_set_symlink, (struct archive_entry * e, const char *s),    \
      (e, s))

/* dlsym gives an object pointer; memcpy makes it a function pointer
 * without the cast ISO C does not define. */
#define RESOLVE(NAME, FN)                                                      \
    do {                                                                       \
        if (!FN) {                                                             \
            void *sym = lookup(#NAME);                                         \
            memcpy(&FN, &sym, sizeof FN);                                      \
        }                                                                      \
    } while (0)

#define DEFINE_VALUE(RET, NAME, PARAMS, ARGS, FAIL)                            \
    RET NAME PARAMS                                                            \
    {                                                                          \
        static RET(*fn) PARAMS;                                                \
        RESOLVE(NAME, fn);                                                     \
        return fn ? fn ARGS : FAIL;                                            \
    }

#define DEFINE_VOID(NAME, PARAMS, ARGS)                                        \
    void NAME PARAMS                                                           \
    {                                                                          \
        static void(*fn) PARAMS;                                               \
        RESOLVE(NAME, fn);                                                     \
        if (fn)                                                                \
            fn ARGS;                                                           \
    }

VALUE_FUNCTIONS(DEFINE_VALUE)
VOID_FUNCTIONS(DEFINE_VOID)
