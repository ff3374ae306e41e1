/*
 * checker.h -- what an exercise's checks (checks/<id>.checks.c) are written
 * against.  See docs/grading.md, section 3.
 *
 * The checker is trusted: it never sees the learner's code, only the
 * frames the probe wrote.  Each check is a function of one run's
 * observations; checker.c runs every check once per seed of its scenario
 * as a cmocka test, and prints a JSON array of verdicts.
 *
 *   static void all_sends_finish(const checker_obs *o)
 *   {
 *       CHECK_VALUE_EQ(o, obs_calls_count(o, "calls", "send_email", NULL,
 *                                         "cancelled"), 0,
 *                      "{actual} sends were cancelled; ...");
 *   }
 *   const checker_check CHECKER_CHECKS[] = {
 *       {"all_sends_finish", "two_bounce", all_sends_finish},
 *       {NULL, NULL, NULL},
 *   };
 *
 * Paths.  Observations are read by path: "jobs.3.error.type" walks
 * objects by key and arrays by index.  checker_path() formats one.
 *
 * Messages.  Every CHECK_* takes a printf-style message written for the
 * learner: what was expected, what happened, where to look.  After
 * printf, "{actual}" and "{expected}" in it are replaced by the two values
 * in words (a string in quotes, NULL, an error as "Type: message", an
 * error tree as an indented outline).  A message without "{actual}" gets
 * "(expected ..., got ...)" appended, unless there is nothing to add (CHECK,
 * CHECK_FAIL, CHECK_NOT_NULL).  The first CHECK_* that fails ends
 * the check; its message is the verdict's.
 *
 * A run that crashed, timed out or sent no readable report fails every
 * check of that run, with a message saying which (signal, timeout) and the
 * end of its output; the check function is not called.
 */
#ifndef CHECKER_H
#define CHECKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define CHECKER_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define CHECKER_PRINTF(fmt, args)
#endif

/* One run's observations (opaque). */
typedef struct checker_obs checker_obs;

typedef void (*checker_fn)(const checker_obs *o);

typedef struct checker_check {
    const char *name;     /* as in the manifest */
    const char *scenario; /* the probe scenario it reads */
    checker_fn run;
} checker_check;

/* Defined by the exercise's checks source; ends with {NULL, NULL, NULL}. */
extern const checker_check CHECKER_CHECKS[];

/* ------------------------------------------------------------------------
 * Reading observations.  Strings returned are valid until the check ends.
 * A path that was not recorded fails the check with a message saying so
 * (a mismatch between probe and checks), except in obs_has and the *_or
 * forms.
 * ---------------------------------------------------------------------- */

/* printf into a string that lives until the check ends. */
const char *checker_path(const char *fmt, ...) CHECKER_PRINTF(1, 2);
#define checker_fmt checker_path

const char *obs_scenario(const checker_obs *o);
uint64_t obs_seed(const checker_obs *o);

bool obs_has(const checker_obs *o, const char *path);
bool obs_is_null(const checker_obs *o, const char *path);
long long obs_int(const checker_obs *o, const char *path);
long long obs_int_or(const checker_obs *o, const char *path, long long dflt);
bool obs_bool(const checker_obs *o, const char *path);
const char *obs_str(const checker_obs *o, const char *path); /* NULL: null */
size_t obs_len(const checker_obs *o, const char *path);      /* array/object */

/* The value at path in words, as messages show it. */
const char *obs_describe(const checker_obs *o, const char *path);

/* An error tree at path (probe_obs_error): its type name (NULL for a
 * NULL error), whether it is-a type, its id, its leaf count. */
const char *obs_error_type(const checker_obs *o, const char *path);
bool obs_error_is(const checker_obs *o, const char *path, const char *type);
long long obs_error_id(const checker_obs *o, const char *path); /* 0: NULL */
size_t obs_error_leaf_count(const checker_obs *o, const char *path);

/* The path of the first error in the tree at path -- the error itself,
 * then its members depth first -- that is-a type and, unless message is
 * NULL, has that message ("returned.members.0"); NULL when none does. */
const char *obs_error_find(const checker_obs *o, const char *path,
                           const char *type, const char *message);

/*
 * The outline of the error tree at path, one line per error, members
 * indented under their group, notes in parentheses:
 *
 *   ExceptionGroup: batch failed
 *   +-- BounceError: no such mailbox: a@example.com
 *   +-- ExceptionGroup: retry round
 *   |   (note: round 2)
 *   |   +-- ConnectionError: connection reset
 *   +-- TimeoutError: server did not answer
 *
 * "NULL" for a NULL error.  No trailing newline.
 */
const char *obs_outline(const checker_obs *o, const char *path);

/*
 * The call log at calls_path (probe_obs_calls).  service, input and
 * outcome ("ok", "error", "cancelled", "running") filter; NULL matches
 * anything.
 */
size_t obs_calls_count(const checker_obs *o, const char *calls_path,
                       const char *service, const char *input,
                       const char *outcome);
/* Index in items of the first matching call, or -1. */
long obs_calls_find(const checker_obs *o, const char *calls_path,
                    const char *service, const char *input,
                    const char *outcome);
/* The latest end time of the matching calls that ended; -1 when none. */
long long obs_calls_last_end(const checker_obs *o, const char *calls_path,
                             const char *service);

/* ------------------------------------------------------------------------
 * Checks
 * ---------------------------------------------------------------------- */

#define CHECK(o, cond, ...)                                                    \
    checker__check((o), (cond), __FILE__, __LINE__, __VA_ARGS__)

/* The integer at path equals expected. */
#define CHECK_INT_EQ(o, path, expected, ...)                                   \
    checker__int_eq((o), (path), (expected), __FILE__, __LINE__, __VA_ARGS__)

/* The integer at path is within [lo, hi]. */
#define CHECK_INT_RANGE(o, path, lo, hi, ...)                                  \
    checker__int_range((o), (path), (lo), (hi), __FILE__, __LINE__, __VA_ARGS__)

/* A value the check computed equals expected. */
#define CHECK_VALUE_EQ(o, actual, expected, ...)                               \
    checker__value_eq((o), (actual), (expected), __FILE__, __LINE__,           \
                      __VA_ARGS__)

#define CHECK_TRUE(o, path, ...)                                               \
    checker__bool_eq((o), (path), true, __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_FALSE(o, path, ...)                                              \
    checker__bool_eq((o), (path), false, __FILE__, __LINE__, __VA_ARGS__)

/* The string at path equals expected; expected NULL wants null. */
#define CHECK_STR_EQ(o, path, expected, ...)                                   \
    checker__str_eq((o), (path), (expected), __FILE__, __LINE__, __VA_ARGS__)

/* The value at path is null (a NULL pointer or no error), or is not. */
#define CHECK_NULL(o, path, ...)                                               \
    checker__null((o), (path), true, __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_NOT_NULL(o, path, ...)                                           \
    checker__null((o), (path), false, __FILE__, __LINE__, __VA_ARGS__)

/* The error at path is exactly of type (by name: "BounceError"). */
#define CHECK_ERROR_TYPE(o, path, type, ...)                                   \
    checker__error_type((o), (path), (type), false, __FILE__, __LINE__,        \
                        __VA_ARGS__)
/* The error at path is-a type (its type or one of its bases). */
#define CHECK_ERROR_IS(o, path, type, ...)                                     \
    checker__error_type((o), (path), (type), true, __FILE__, __LINE__,         \
                        __VA_ARGS__)

/* The error at path has this message. */
#define CHECK_ERROR_MESSAGE(o, path, message, ...)                             \
    checker__error_message((o), (path), (message), __FILE__, __LINE__,         \
                           __VA_ARGS__)

/* The error tree at path has this outline (see obs_outline); NULL wants a
 * NULL error.  Trailing newlines do not matter. */
#define CHECK_TREE(o, path, outline, ...)                                      \
    checker__tree((o), (path), (outline), __FILE__, __LINE__, __VA_ARGS__)

/* The errors at the two paths are the very same object. */
#define CHECK_SAME_ERROR(o, path_a, path_b, ...)                               \
    checker__same_error((o), (path_a), (path_b), __FILE__, __LINE__,           \
                        __VA_ARGS__)

/* probe_run's leak record is all zero; what names the learner's function
 * in the messages ("send_all"). */
#define CHECK_NO_LEAKS(o, what)                                                \
    checker__no_leaks((o), (what), __FILE__, __LINE__)

/* Fails the check with this message, unconditionally. */
#define CHECK_FAIL(o, ...)                                                     \
    checker__check((o), false, __FILE__, __LINE__, __VA_ARGS__)

/* ---- behind the macros ---- */

void checker__check(const checker_obs *o, bool cond, const char *file, int line,
                    const char *fmt, ...) CHECKER_PRINTF(5, 6);
void checker__int_eq(const checker_obs *o, const char *path, long long expected,
                     const char *file, int line, const char *fmt, ...)
    CHECKER_PRINTF(6, 7);
void checker__int_range(const checker_obs *o, const char *path, long long lo,
                        long long hi, const char *file, int line,
                        const char *fmt, ...) CHECKER_PRINTF(7, 8);
void checker__value_eq(const checker_obs *o, long long actual,
                       long long expected, const char *file, int line,
                       const char *fmt, ...) CHECKER_PRINTF(6, 7);
void checker__bool_eq(const checker_obs *o, const char *path, bool expected,
                      const char *file, int line, const char *fmt, ...)
    CHECKER_PRINTF(6, 7);
void checker__str_eq(const checker_obs *o, const char *path,
                     const char *expected, const char *file, int line,
                     const char *fmt, ...) CHECKER_PRINTF(6, 7);
void checker__null(const checker_obs *o, const char *path, bool want_null,
                   const char *file, int line, const char *fmt, ...)
    CHECKER_PRINTF(6, 7);
void checker__error_type(const checker_obs *o, const char *path,
                         const char *type, bool is_a, const char *file,
                         int line, const char *fmt, ...) CHECKER_PRINTF(7, 8);
void checker__error_message(const checker_obs *o, const char *path,
                            const char *message, const char *file, int line,
                            const char *fmt, ...) CHECKER_PRINTF(6, 7);
void checker__tree(const checker_obs *o, const char *path, const char *outline,
                   const char *file, int line, const char *fmt, ...)
    CHECKER_PRINTF(6, 7);
void checker__same_error(const checker_obs *o, const char *path_a,
                         const char *path_b, const char *file, int line,
                         const char *fmt, ...) CHECKER_PRINTF(6, 7);
void checker__no_leaks(const checker_obs *o, const char *what, const char *file,
                       int line);

#endif /* CHECKER_H */
