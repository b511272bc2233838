// SPDX-License-Identifier: BSL-1.0
// Raw epoll reference server for bench/load: the floor a server on this machine can reach.
// Single thread, level-triggered epoll, non-blocking sockets, canned responses. It counts the
// complete requests (GET, no body, "\r\n\r\n"-terminated) in each read and answers all of them
// with one write, so pipelined batches cost one syscall. Not an HTTP server: anything that is not
// a GET closes the connection. Usage: raw_epoll [--port P] (0 = any); prints "listening on ...".
#define _GNU_SOURCE // memmem, accept4
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { BUF = 4096, MAXREQ = BUF / 18 }; // 18 = strlen("GET / HTTP/1.0\r\n\r\n")
static const char TEXT[] = "HTTP/1.1 200 OK\r\nServer: raw\r\nContent-Type: text/plain\r\n"
                           "Content-Length: 13\r\n\r\nHello, World!";
static const char JSON[] = "HTTP/1.1 200 OK\r\nServer: raw\r\nContent-Type: application/json\r\n"
                           "Content-Length: 27\r\n\r\n{\"message\":\"Hello, World!\"}";
struct conn {
    int fd;
    size_t len, olen, ooff; // bytes in in[]; pending output (a short write) in out[olen], sent ooff
    char in[BUF];
    char* out;
};
static char obuf[MAXREQ * sizeof JSON];

static void drop(int ep, struct conn* c)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->out);
    free(c);
}

// Writes out[0..n) or keeps the rest for EPOLLOUT; returns -1 if the connection is dead.
static int send_all(int ep, struct conn* c, const char* out, size_t n)
{
    ssize_t w = write(c->fd, out, n);
    if (w < 0)
        w = 0; // EAGAIN, or an error that the next read reports
    if ((size_t)w == n)
        return 0;
    if (!(c->out = malloc(n - w)))
        return -1;
    memcpy(c->out, out + w, c->olen = n - w);
    c->ooff = 0;
    struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};
    return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static int on_readable(int ep, struct conn* c)
{
    ssize_t r = read(c->fd, c->in + c->len, BUF - c->len);
    if (r <= 0)
        return -1;
    c->len += r;
    size_t n = 0, start = 0;
    char* end;
    while ((end = memmem(c->in + start, c->len - start, "\r\n\r\n", 4))) {
        const char* req = c->in + start;
        if (memcmp(req, "GET ", 4) != 0)
            return -1;
        int json = end - req >= 10 && memcmp(req + 4, "/json ", 6) == 0;
        memcpy(obuf + n, json ? JSON : TEXT, json ? sizeof JSON - 1 : sizeof TEXT - 1);
        n += json ? sizeof JSON - 1 : sizeof TEXT - 1;
        start = end + 4 - c->in;
    }
    if (start == 0 && c->len == BUF)
        return -1; // a request larger than the buffer
    memmove(c->in, c->in + start, c->len -= start);
    return n ? send_all(ep, c, obuf, n) : 0;
}

static int on_writable(int ep, struct conn* c)
{
    ssize_t w = write(c->fd, c->out + c->ooff, c->olen - c->ooff);
    if (w < 0)
        return -1;
    if ((c->ooff += w) < c->olen)
        return 0;
    free(c->out), c->out = NULL;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

int main(int argc, char** argv)
{
    int port = argc == 3 && strcmp(argv[1], "--port") == 0 ? atoi(argv[2]) : 0, one = 1;
    signal(SIGPIPE, SIG_IGN);
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (bind(ls, (struct sockaddr*)&a, sizeof a) || listen(ls, 4096) ||
        getsockname(ls, (struct sockaddr*)&a, &alen))
        return perror("raw_epoll: bind/listen"), 1;
    printf("listening on 127.0.0.1:%d\n", ntohs(a.sin_port));
    fflush(stdout);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}, evs[256];
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    for (;;) {
        int n = epoll_wait(ep, evs, 256, -1);
        for (int i = 0; i < n; i++) {
            struct conn* c = evs[i].data.ptr;
            if (c == NULL) {
                int fd;
                while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    if (!(c = malloc(sizeof *c))) {
                        close(fd);
                        continue;
                    }
                    c->fd = fd, c->len = 0, c->out = NULL;
                    ev = (struct epoll_event){.events = EPOLLIN, .data.ptr = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
                }
            } else if ((c->out ? on_writable(ep, c) : on_readable(ep, c)) != 0) {
                drop(ep, c);
            }
        }
    }
}
