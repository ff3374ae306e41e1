/*
 * sandbox_probe_cache.h -- sandbox_probe's "it works" kept in a file
 * between runs of lab, so that a check does not pay for a trial sandbox
 * (about 15 ms of a 150 ms `lab check`) every time.
 *
 * The file holds, as text, the facts the answer depends on: which
 * bubblewrap and lab-jail (path, device, inode, size, times, mode), which
 * lab program, who we are (euid, egid, capabilities, no_new_privs,
 * seccomp), which namespaces we live in, the kernel's boot id and its
 * user-namespace sysctls.  A reader trusts the file only when it holds
 * exactly the facts it sees now; anything else (other facts, a truncated
 * or corrupt file, a symlink) is a miss, and the sandbox is tried again.
 *
 * Only a working answer is ever written.  A stored "bubblewrap does not
 * work" would let learner mode run without filesystem isolation on a
 * machine where it would work, so that answer is always found out again.
 * A wrong "it works" can only make sandboxes fail to start -- never run
 * untrusted code outside one -- and the pipeline then forgets the file
 * (sandbox_probe_forget) and tries again.
 */
#ifndef LAB_SANDBOX_PROBE_CACHE_H
#define LAB_SANDBOX_PROBE_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "sandbox.h"

/* The facts are a few hundred bytes; a bigger file is not ours. */
#define SANDBOX_PROBE_FACTS_MAX 4096

/*
 * Writes the facts for caps->bwrap and caps->jail (both found) into out.
 * Returns false when one cannot be established (a binary that cannot be
 * stat'ed, no room): the answer is then not cached at all.
 */
bool sandbox__probe_facts(const sandbox_caps *caps, char *out, size_t outlen);

/* True when the regular file at path (not a symlink) holds exactly facts. */
bool sandbox__probe_cache_matches(const char *path, const char *facts);

/* Writes facts to path atomically (a temporary file in the same directory,
 * then rename).  Silently does nothing when that fails. */
void sandbox__probe_cache_store(const char *path, const char *facts);

#endif
