/*
 * nulld: the load bench's null daemon, the baseline memlogd is compared with.
 *
 * Does the least a log daemon must: binds a Unix datagram socket, receives fds in SCM_RIGHTS
 * (as LinuxKit's init sends them), and reads every fd in one epoll loop, counting '\n' and
 * storing nothing. Each ready fd is read once per round, at most 16 KiB (memlogd's default
 * -read-chunk), level-triggered. A second (stream) socket answers every connection with one
 * line "<newlines> <bytes> <fds open> <fds received>\n" and closes it.
 *
 * Usage: nulld LOG_SOCKET STATS_SOCKET    (stop it with SIGTERM)
 * Built by the bench with: cc -O2 -o nulld nulld.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what) {
    perror(what);
    exit(1);
}

static int bound(const char *path, int type) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        fprintf(stderr, "nulld: path too long: %s\n", path);
        exit(1);
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) die(path);
    if (type == SOCK_STREAM && listen(fd, 16) < 0) die("listen");
    return fd;
}

static void watch(int ep, int fd) {
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: nulld LOG_SOCKET STATS_SOCKET\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int log = bound(argv[1], SOCK_DGRAM);
    int stats = bound(argv[2], SOCK_STREAM);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    watch(ep, log);
    watch(ep, stats);

    long long newlines = 0, bytes = 0;
    long open_fds = 0, received_fds = 0;
    static char buf[16 << 10];
    static char control[4096];
    struct epoll_event events[256];
    for (;;) {
        int n = epoll_wait(ep, events, 256, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == log) {
                /* One datagram per ready event; the name is ignored, every fd is read. */
                char name[512];
                struct iovec iov = {name, sizeof name};
                struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
                                     .msg_control = control, .msg_controllen = sizeof control};
                if (recvmsg(log, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) < 0) continue;
                for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
                    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
                    int count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                    for (int k = 0; k < count; k++) {
                        int got;
                        memcpy(&got, CMSG_DATA(c) + k * sizeof(int), sizeof got);
                        watch(ep, got);
                        open_fds++;
                        received_fds++;
                    }
                }
            } else if (fd == stats) {
                int client = accept4(stats, NULL, NULL, SOCK_CLOEXEC);
                if (client < 0) continue;
                dprintf(client, "%lld %lld %ld %ld\n", newlines, bytes, open_fds, received_fds);
                close(client);
            } else {
                ssize_t r = read(fd, buf, sizeof buf);
                if (r <= 0) {
                    if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
                    close(fd); /* also removes it from the epoll set */
                    open_fds--;
                    continue;
                }
                bytes += r;
                for (char *p = buf, *end = buf + r; (p = memchr(p, '\n', end - p)) != NULL; p++) newlines++;
            }
        }
    }
}
