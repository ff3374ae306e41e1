/*
 * policy.c -- the seccomp filter of lab-jail (learner and grade policies).
 *
 * The filter allows by default and denies, with EPERM, the calls an
 * exercise never needs and an attack does: network, tracing and other
 * processes' memory, kernel keyrings, io_uring (it bypasses seccomp for the
 * operations it queues), bpf and perf, userfaultfd, namespaces and mounts,
 * inotify/fanotify (file-change side channels into other submissions),
 * module and kexec loading, ASLR switch-off, terminal input injection.
 * EPERM rather than a kill: the learner then sees an ordinary error from
 * the call ("Operation not permitted") at the line that made it, instead of
 * a bare SIGSYS.  Only syscalls from a foreign ABI (i386 int 0x80, x32) kill
 * the process: no C exercise makes them, and they would bypass every
 * native-ABI rule.  Names are resolved through libseccomp for the native
 * architecture; a name the architecture lacks (inotify_init on aarch64) is
 * skipped.  The filter is exported to BPF before any limit is set, so that
 * loading it is one syscall and no allocation.
 */
#include "jail.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel refuses programs longer than BPF_MAXINSNS instructions. */
static struct sock_filter bpf_insns[BPF_MAXINSNS];
static unsigned short bpf_len;

/* Denied in both modes, whatever the arguments. */
static const char *const denied_always[] = {
    /* network: the sandbox has its own empty network namespace, and
     * connect is refused even to AF_UNIX paths, so nothing outside can be
     * reached whatever socket was obtained */
    "connect",
    /* other processes' memory */
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "pidfd_getfd",
    "process_madvise",
    /* kernel keyrings, io_uring, bpf, perf, userfaultfd */
    "keyctl",
    "add_key",
    "request_key",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    /* mounts and namespaces, old and new mount API */
    "mount",
    "umount",
    "umount2",
    "pivot_root",
    "chroot",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "move_mount",
    "open_tree",
    "mount_setattr",
    "unshare",
    "setns",
    /* watching files other submissions write */
    "inotify_init",
    "inotify_init1",
    "inotify_add_watch",
    "fanotify_init",
    "fanotify_mark",
    /* the kernel itself */
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "create_module",
    "query_module",
    "get_kernel_syms",
    "open_by_handle_at",
    "name_to_handle_at",
    "lookup_dcookie",
    "acct",
    "swapon",
    "swapoff",
    "reboot",
    "syslog",
    "quotactl",
    "quotactl_fd",
    "nfsservctl",
    "uselib",
    "_sysctl",
    "sysfs",
    "ustat",
    "vhangup",
    "iopl",
    "ioperm",
    "vm86",
    "vm86old",
    "migrate_pages",
    "move_pages",
    "sethostname",
    "setdomainname",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
};

/* The ptrace requests LeakSanitizer's StopTheWorld makes on the threads of
 * its own process: attach, read registers, detach (ascending order). Everything
 * else (TRACEME, POKE*, SETREGS, SEIZE...) stays denied. */
static const uint64_t lsan_ptrace_requests[] = {
#if defined(__x86_64__)
    PTRACE_GETREGS, /* aarch64 has only GETREGSET */
#endif
    PTRACE_ATTACH,
    PTRACE_DETACH,
    PTRACE_GETREGSET,
};

static int resolve(const char *name)
{
    /* Negative: a libseccomp pseudo number for a call this architecture
     * does not have, or an unknown name. */
    return seccomp_syscall_resolve_name_arch(SCMP_ARCH_NATIVE, name);
}

static void add_rule(scmp_filter_ctx ctx, uint32_t action, const char *name,
                     unsigned n, const struct scmp_arg_cmp *cmp)
{
    int nr = resolve(name);
    if (nr < 0)
        return;
    int rc = seccomp_rule_add_exact_array(ctx, action, nr, n, cmp);
    if (rc < 0)
        jail_die(-rc, "cannot add the seccomp rule for %s", name);
}

static void deny(scmp_filter_ctx ctx, const char *name)
{
    add_rule(ctx, SCMP_ACT_ERRNO(EPERM), name, 0, NULL);
}

/* Denies name when argument arg has any bit of mask set: one rule per bit,
 * since a rule may compare an argument only once. */
static void deny_any_bit(scmp_filter_ctx ctx, const char *name, unsigned arg,
                         uint64_t mask)
{
    for (unsigned b = 0; b < 64; b++) {
        uint64_t bit = (uint64_t)1 << b;
        if (!(mask & bit))
            continue;
        struct scmp_arg_cmp c = {arg, SCMP_CMP_MASKED_EQ, bit, bit};
        add_rule(ctx, SCMP_ACT_ERRNO(EPERM), name, 1, &c);
    }
}

/* Denies name when argument arg lies in [lo, hi], as a union of aligned
 * power-of-two blocks, each one MASKED_EQ comparison (the way a range of
 * addresses becomes CIDR prefixes).  At most 128 rules. */
static void deny_range(scmp_filter_ctx ctx, const char *name, unsigned arg,
                       uint64_t lo, uint64_t hi)
{
    while (lo <= hi) {
        /* The largest block that starts at lo, is aligned, and fits. */
        unsigned k = 0;
        while (k < 63) {
            uint64_t size = (uint64_t)1 << (k + 1);
            if ((lo & (size - 1)) != 0 || hi - lo < size - 1)
                break;
            k++;
        }
        uint64_t size = (uint64_t)1 << k;
        struct scmp_arg_cmp c = {arg, SCMP_CMP_MASKED_EQ, ~(size - 1), lo};
        add_rule(ctx, SCMP_ACT_ERRNO(EPERM), name, 1, &c);
        if (hi - lo < size) /* this block reached hi (and maybe 2^64-1) */
            break;
        lo += size;
    }
}

/* Denies name unless argument arg is one of allowed[0..n-1] (ascending). */
static void deny_except(scmp_filter_ctx ctx, const char *name, unsigned arg,
                        const uint64_t *allowed, size_t n)
{
    uint64_t lo = 0;
    for (size_t i = 0; i < n; i++) {
        if (allowed[i] > lo)
            deny_range(ctx, name, arg, lo, allowed[i] - 1);
        lo = allowed[i] + 1;
    }
    if (n == 0 || allowed[n - 1] != UINT64_MAX)
        deny_range(ctx, name, arg, lo, UINT64_MAX);
}

static void add_socket_rules(scmp_filter_ctx ctx, jail_mode mode)
{
    if (mode == JAIL_MODE_GRADE) {
        deny(ctx, "socket");
        deny(ctx, "socketpair");
        return;
    }
    /* Learner mode: a local socketpair is a legitimate exercise tool. */
    struct scmp_arg_cmp not_unix = {0, SCMP_CMP_NE, AF_UNIX, 0};
    add_rule(ctx, SCMP_ACT_ERRNO(EPERM), "socket", 1, &not_unix);
    add_rule(ctx, SCMP_ACT_ERRNO(EPERM), "socketpair", 1, &not_unix);
}

static void add_process_rules(scmp_filter_ctx ctx, const jail_opts *opts)
{
    /* clone: arg 0 holds the flags on x86-64 and aarch64 alike.  New
     * namespaces are what unshare would give; deny them here too. */
    deny_any_bit(ctx, "clone", 0,
                 CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET |
                     CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP);
    /* clone3 passes its flags in memory seccomp cannot read: ENOSYS makes
     * glibc (2.34+) fall back to clone, whose flags we do check. */
    add_rule(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL);

    if (opts->allow_lsan)
        deny_except(ctx, "ptrace", 0, lsan_ptrace_requests,
                    sizeof lsan_ptrace_requests /
                        sizeof lsan_ptrace_requests[0]);
    else
        deny(ctx, "ptrace");

    /* personality(2) takes an unsigned int: only the low 32 bits count.
     * Deny ADDR_NO_RANDOMIZE, but keep the query 0xffffffff working (the
     * C library and sanitizers ask): a value is denied when it has the bit
     * and at least one other low bit clear. */
    for (unsigned b = 0; b < 32; b++) {
        uint64_t bit = (uint64_t)1 << b;
        if (bit == ADDR_NO_RANDOMIZE)
            continue;
        struct scmp_arg_cmp c = {0, SCMP_CMP_MASKED_EQ, ADDR_NO_RANDOMIZE | bit,
                                 ADDR_NO_RANDOMIZE};
        add_rule(ctx, SCMP_ACT_ERRNO(EPERM), "personality", 1, &c);
    }

    /* Terminal input injection (TIOCSTI) and console control; the request
     * is an unsigned int, so compare the low 32 bits only. */
    static const uint64_t bad_ioctls[] = {TIOCSTI, TIOCLINUX};
    for (size_t i = 0; i < sizeof bad_ioctls / sizeof bad_ioctls[0]; i++) {
        struct scmp_arg_cmp c = {1, SCMP_CMP_MASKED_EQ, 0xffffffffu,
                                 bad_ioctls[i]};
        add_rule(ctx, SCMP_ACT_ERRNO(EPERM), "ioctl", 1, &c);
    }
}

void jail_policy_prepare(const jail_opts *opts)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx)
        jail_die(0, "cannot create the seccomp filter (libseccomp)");
    /* A foreign ABI gets killed: see the file comment.  KILL_PROCESS needs
     * API level 3 (Linux 4.14); older kernels kill the thread. */
    uint32_t badarch =
        seccomp_api_get() >= 3 ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_KILL;
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, badarch);
    if (rc < 0)
        jail_die(-rc, "cannot set the seccomp bad-architecture action");

    for (size_t i = 0; i < sizeof denied_always / sizeof denied_always[0]; i++)
        deny(ctx, denied_always[i]);
    add_socket_rules(ctx, opts->mode);
    add_process_rules(ctx, opts);

    /* Export through a pipe: the program is at most 32 KiB, the pipe
     * holds 64 KiB, so the write cannot block. */
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        jail_die(errno, "cannot create a pipe for the seccomp filter");
    rc = seccomp_export_bpf(ctx, p[1]);
    seccomp_release(ctx);
    close(p[1]);
    if (rc < 0)
        jail_die(-rc, "cannot export the seccomp filter");
    size_t got = 0;
    char *dst = (char *)bpf_insns;
    for (;;) {
        ssize_t r = read(p[0], dst + got, sizeof bpf_insns - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            jail_die(errno, "cannot read the exported seccomp filter");
        if (r == 0)
            break;
        got += (size_t)r;
        if (got == sizeof bpf_insns)
            jail_die(0, "the seccomp filter is too long");
    }
    close(p[0]);
    if (got == 0 || got % sizeof bpf_insns[0] != 0)
        jail_die(0, "the exported seccomp filter is malformed (%zu bytes)",
                 got);
    bpf_len = (unsigned short)(got / sizeof bpf_insns[0]);
}

void jail_policy_load(void)
{
    struct sock_fprog prog = {.len = bpf_len, .filter = bpf_insns};
    if (bpf_len == 0)
        jail_die(0, "no seccomp filter was prepared");
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
        return;
    if (errno == ENOSYS &&
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0)
        return;
    jail_die(errno, "cannot load the seccomp filter");
}
