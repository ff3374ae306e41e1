/*
 * files.h -- learner files: reading them, keeping a pristine copy of each
 * starter, backing up before anything is overwritten, and restoring.
 * Learner work is never lost: every overwrite is preceded by a backup.
 */
#ifndef LAB_FILES_H
#define LAB_FILES_H

#include <stddef.h>

#include "cli.h"

/* Reads a whole file (up to max bytes; 0 for no limit).  Returns a
 * NUL-terminated buffer the caller frees, or NULL with errno set (EFBIG
 * when larger than max). */
char *files_read(const char *path, size_t max, size_t *len);

/* Makes every directory of path's parent (mkdir -p).  0 or -1/errno. */
int files_mkdirs_for(const char *path);

/* Copies the starter of ex into .lab/pristine/ unless a copy exists. */
void files_snapshot_starter(lab_ctx *ctx, const manifest_exercise *ex);

/* The original starter's text (from .lab/pristine, else from git's HEAD).
 * NULL with a printed error when neither has it. */
char *files_pristine(lab_ctx *ctx, const manifest_exercise *ex, size_t *len);

/* Copies the learner's file of ex to .lab/backups/<topic>/<name>-<time>.c
 * and returns that path (caller frees), or NULL with a printed error. */
char *files_backup(lab_ctx *ctx, const manifest_exercise *ex);

#endif /* LAB_FILES_H */
