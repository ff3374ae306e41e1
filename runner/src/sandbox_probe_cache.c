/*
 * sandbox_probe_cache.c -- the facts sandbox_probe's answer depends on,
 * and the file that keeps a working answer between runs of lab (see
 * sandbox_probe_cache.h for what is kept and why only "it works").
 *
 * Reading the facts costs a few stat(2) calls and small reads of /proc:
 * tens of microseconds, against the 15 ms of the trial they stand for.
 */
#include "sandbox_probe_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"

/* Bumped when the trial itself changes meaning. */
#define FACTS_VERSION "tglab-sandbox-probe 1"

/* The facts being written, and whether they all fit. */
typedef struct facts_buf {
    char *s;
    size_t len, cap;
    bool ok;
} facts_buf;

static void add(facts_buf *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add(facts_buf *f, const char *fmt, ...)
{
    if (!f->ok)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(f->s + f->len, f->cap - f->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= f->cap - f->len)
        f->ok = false;
    else
        f->len += (size_t)n;
}

/* A binary's identity: an upgrade, a rebuild or a chmod changes it. */
static void add_file(facts_buf *f, const char *what, const char *path)
{
    struct stat st;
    if (!path[0] || stat(path, &st) != 0) {
        f->ok = false;
        return;
    }
    add(f,
        "%s %s dev=%llu ino=%llu size=%lld mode=%o owner=%u:%u "
        "mtime=%lld.%09ld ctime=%lld.%09ld\n",
        what, path, (unsigned long long)st.st_dev,
        (unsigned long long)st.st_ino, (long long)st.st_size,
        (unsigned)st.st_mode, (unsigned)st.st_uid, (unsigned)st.st_gid,
        (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
        (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
}

/* The first line of a small file of /proc, or "-" when there is none. */
static void add_proc(facts_buf *f, const char *path)
{
    char buf[128] = "-";
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        buf[n > 0 ? n : 0] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
    }
    add(f, "%s %s\n", path, buf);
}

/* Which namespace we are in (a container, an unshare). */
static void add_ns(facts_buf *f, const char *path)
{
    char buf[64];
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    add(f, "%s %s\n", path, n > 0 ? buf : "-");
}

/* What we may do: a container that drops capabilities or filters system
 * calls can stop bubblewrap where it worked before. */
static void add_privileges(facts_buf *f)
{
    static const char *const keys[] = {"CapEff:", "CapBnd:", "NoNewPrivs:",
                                       "Seccomp:"};
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (n <= 0) {
        f->ok = false;
        return;
    }
    buf[n] = '\0';
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *line = strstr(buf, keys[i]);
        if (!line) {
            add(f, "%s -\n", keys[i]);
            continue;
        }
        size_t len = strcspn(line, "\n");
        add(f, "%.*s\n", (int)len, line);
    }
}

bool sandbox__probe_facts(const sandbox_caps *caps, char *out, size_t outlen)
{
    facts_buf f = {out, 0, outlen, outlen > 0};
    if (f.ok)
        out[0] = '\0';
    add(&f, "%s\n", FACTS_VERSION);
    add_file(&f, "bwrap", caps->bwrap);
    add_file(&f, "jail", caps->jail);
    add_file(&f, "lab", "/proc/self/exe");
    add(&f, "euid %u egid %u\n", (unsigned)geteuid(), (unsigned)getegid());
    add_privileges(&f);
    static const char *const proc[] = {
        "/proc/sys/kernel/random/boot_id",
        "/proc/sys/kernel/unprivileged_userns_clone",
        "/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
        "/proc/sys/user/max_user_namespaces",
        "/proc/sys/user/max_mnt_namespaces",
        "/proc/sys/user/max_pid_namespaces",
        "/proc/sys/user/max_net_namespaces",
        "/proc/sys/user/max_ipc_namespaces",
        "/proc/sys/user/max_uts_namespaces",
        "/proc/sys/user/max_cgroup_namespaces",
    };
    for (size_t i = 0; i < sizeof proc / sizeof proc[0]; i++)
        add_proc(&f, proc[i]);
    static const char *const ns[] = {"/proc/self/ns/user", "/proc/self/ns/mnt",
                                     "/proc/self/ns/pid", "/proc/self/ns/net"};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
        add_ns(&f, ns[i]);
    return f.ok;
}

bool sandbox__probe_cache_matches(const char *path, const char *facts)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    char buf[SANDBOX_PROBE_FACTS_MAX + 1];
    size_t want = strlen(facts), got = 0;
    bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
              (size_t)st.st_size == want && want < sizeof buf;
    while (ok && got < want) {
        ssize_t n = read(fd, buf + got, want - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            ok = false;
        else
            got += (size_t)n;
    }
    close(fd);
    return ok && memcmp(buf, facts, want) == 0;
}

void sandbox__probe_cache_store(const char *path, const char *facts)
{
    /* Readers compare the whole content: a torn file is a miss, not a
     * wrong answer, but the rename keeps them from even seeing one. */
    (void)write_file_atomic(path, facts, strlen(facts), false);
}
