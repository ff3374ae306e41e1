/*
 * gradebook_internal.h -- what gradebook.c and gradebook_read.c share:
 * the handle, statement helpers and ids by natural key.  Nothing here is
 * for callers outside runner/src/gradebook*.c and the gradebook's tests.
 */
#ifndef LAB_GRADEBOOK_INTERNAL_H
#define LAB_GRADEBOOK_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "gradebook.h"

struct gradebook {
    sqlite3 *db;
    char *path;  /* as opened, for messages */
    int version; /* the schema version after opening */
};

/* Writes "lab: error: ..." into why. */
void gradebook__say(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Says what failed and SQLite's message; returns -1. */
int gradebook__sql_error(gradebook *gb, char *why, size_t whylen,
                         const char *doing);
/* A prepared statement, or NULL. */
sqlite3_stmt *gradebook__prep(gradebook *gb, const char *sql);
/* Runs SQL without parameters (DDL, transactions); 0 or -1. */
int gradebook__exec(gradebook *gb, const char *sql);
/* The integer a one-row query gives, or dflt. */
long long gradebook__int(gradebook *gb, const char *sql, long long dflt);

/* Ids by natural key, or -1. */
long long gradebook__student_id(gradebook *gb, const char *name, bool create);
long long gradebook__exercise_id(gradebook *gb, const char *ex);

/* Opens path and migrates it up to schema target only (the tests use it
 * to make files of older versions). */
int gradebook__open_upto(const char *path, bool create, int target,
                         gradebook **out, char *why, size_t whylen);

#endif /* LAB_GRADEBOOK_INTERNAL_H */
