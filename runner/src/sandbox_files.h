/*
 * sandbox_files.h -- the trusted side's handling of a directory that
 * untrusted code writes into.
 *
 * After a sandboxed run, /work may hold anything the code chose to leave:
 * symlinks to /etc/shadow, FIFOs that block a reader forever, files of any
 * size.  The trusted side reads results only through sandbox_read_file.
 */
#ifndef LAB_SANDBOX_FILES_H
#define LAB_SANDBOX_FILES_H

#include <stddef.h>

#include "sandbox.h"

/*
 * Makes spec->workdir writable by the sandbox: when we are root and the
 * workdir is bound read-write, gives the directory tree (never following
 * symlinks) to sandbox_uid(spec)/sandbox_gid(spec), since the jail runs as
 * them.  Does nothing otherwise.  Call it on a fresh copy of the
 * submission, before the run.
 *
 * Returns 0, or -1 with a "lab: error: ..." message in why.
 */
int sandbox_prepare_workdir(const sandbox_spec *spec, char *why, size_t whylen);

/*
 * Reads the regular file name (a single path component: no '/') of
 * directory dir, without following a symlink, without blocking on a FIFO
 * or device, and refusing more than cap bytes.  Sets *data (malloc'd,
 * NUL-terminated, the caller's) and *len.
 *
 * Returns 0, or -1 with a "lab: error: ..." message in why (missing, not a
 * regular file, a symlink, too big, unreadable).
 */
int sandbox_read_file(const char *dir, const char *name, size_t cap,
                      char **data, size_t *len, char *why, size_t whylen);

#endif
