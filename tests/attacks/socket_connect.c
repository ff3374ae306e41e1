/* attack: split_retryable
 * Network: TCP to the host's loopback and to the outside, UDP, a local
 * socket, a netlink socket.  Stopped by: the grade-mode seccomp filter
 * refuses socket() outright, and the sandbox has its own empty network
 * namespace besides.  Prints NET-OK only if a connection worked. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "split_retryable.h"

static void try_tcp(const char *ip, int port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) {
        fprintf(stderr, "socket: %s\n", strerror(errno));
        return;
    }
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, ip, &a.sin_addr);
    if (connect(s, (struct sockaddr *)&a, sizeof a) == 0)
        fprintf(stderr, "NET-OK %s:%d\n", ip, port);
    close(s);
}

void split_retryable(tg_error *eg, tg_error **retry, tg_error **give_up)
{
    (void)eg;
    (void)retry;
    (void)give_up;
    try_tcp("127.0.0.1", 22);
    try_tcp("127.0.0.1", 80);
    try_tcp("1.1.1.1", 53);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    if (u >= 0)
        fprintf(stderr, "NET-OK udp socket\n");
    int x = socket(AF_UNIX, SOCK_STREAM, 0);
    if (x >= 0) {
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        strcpy(a.sun_path, "/run/systemd/private");
        if (connect(x, (struct sockaddr *)&a, sizeof a) == 0)
            fprintf(stderr, "NET-OK unix\n");
    }
    int nl = socket(AF_NETLINK, SOCK_RAW, 0);
    if (nl >= 0)
        fprintf(stderr, "NET-OK netlink\n");
    __builtin_trap();
}
