/* attack: send_all
 * Tampering with the probe driver: ptrace-attach to it, write into its
 * memory with process_vm_writev, then kill it and everything else it can
 * see.  Stopped by: seccomp denies ptrace and process_vm_*; a killed
 * driver writes no frames, so every run fails; the kill reaches only the
 * sandbox's own pid namespace. */
#include <signal.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#include "send_all.h"

tg_error *send_all(struct send_job *jobs, size_t n)
{
    (void)jobs;
    (void)n;
    pid_t parent = getppid();
    if (ptrace(PTRACE_ATTACH, parent, 0, 0) == 0)
        fputs("PTRACE-OK\n", stderr);
    char buf[16] = "PWNED";
    struct iovec local = {buf, sizeof buf}, remote = {(void *)0x400000, 16};
    if (process_vm_writev(parent, &local, 1, &remote, 1, 0) > 0)
        fputs("VMWRITE-OK\n", stderr);
    kill(parent, SIGKILL);
    kill(-1, SIGKILL);
    __builtin_trap();
}
