/*
 * fsutil.h -- what every file the lab writes goes through: writing a
 * whole buffer through short writes and signals, replacing a file
 * atomically, and making a directory with its parents.
 */
#ifndef LAB_FSUTIL_H
#define LAB_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Writes all len bytes of data to fd, retrying after EINTR and short
 * writes; false (errno set, or 0 when a write made no progress) when it
 * could not. */
bool write_all(int fd, const void *data, size_t len);

/* Replaces path with len bytes of data (mode 0644): written to a fresh
 * temporary file beside it, then renamed over it, so a reader sees the
 * old file or the new one, never a part.  durable also syncs the file and
 * the rename to disk (learner state; a cache need not be).  Returns 0, or
 * -1 with errno set and nothing left behind. */
int write_file_atomic(const char *path, const void *data, size_t len,
                      bool durable);

/* Makes path and every missing parent (mkdir -p), new ones with mode.
 * Returns 0, or -1 with errno set. */
int make_dirs(const char *path, mode_t mode);

#endif
