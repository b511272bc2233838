// SPDX-License-Identifier: BSL-1.0
// Raw epoll HTTP/1.1 client for bench/client: the floor a load-generating client on this machine
// can reach. Single thread, level-triggered epoll, C connections kept alive, each
// sending "GET PATH" and reading the answer before sending the next: one write and one read per
// request, nothing more. Not an HTTP client: it knows an answer is complete by its
// Content-Length header only (no chunked bodies), and any error ends the run.
// Usage: raw_client HOST_IP PORT PATH REQUESTS CONNECTIONS; prints requests and seconds.
#define _GNU_SOURCE // memmem
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { BUF = 16384 };
struct conn {
    int fd;
    size_t len; // bytes of the current answer in in[]
    char in[BUF];
};

static long sent, done, total;
static char request[512];
static size_t request_len;

// The length of the complete answer at the start of in[0..len), or 0 if more must come.
static size_t answer_length(const char* in, size_t len)
{
    const char* end = memmem(in, len, "\r\n\r\n", 4);
    if (!end)
        return 0;
    size_t head = (size_t)(end + 4 - in), body = 0;
    for (const char* p = in; p < end; p++) {
        if (*p == '\n' && strncasecmp(p + 1, "content-length:", 15) == 0) {
            body = strtoul(p + 16, NULL, 10);
            break;
        }
    }
    return head + body <= len ? head + body : 0;
}

static int send_request(struct conn* c)
{
    if (sent == total)
        return 0;
    sent++;
    return write(c->fd, request, request_len) == (ssize_t)request_len ? 0 : -1;
}

int main(int argc, char** argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: raw_client HOST_IP PORT PATH REQUESTS CONNECTIONS\n");
        return 2;
    }
    total = atol(argv[4]);
    int connections = atoi(argv[5]), one = 1;
    request_len =
        (size_t)snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: %s:%s\r\n\r\n", argv[3],
                         argv[1], argv[2]);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &a.sin_addr) != 1 || total <= 0 || connections <= 0)
        return fprintf(stderr, "raw_client: bad arguments\n"), 2;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int ep = epoll_create1(0);
    for (int i = 0; i < connections; i++) {
        struct conn* c = malloc(sizeof *c);
        if (!c || (c->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
            connect(c->fd, (struct sockaddr*)&a, sizeof a) != 0)
            return perror("raw_client: connect"), 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        c->len = 0;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
        if (send_request(c) != 0)
            return perror("raw_client: write"), 1;
    }
    struct epoll_event evs[256];
    while (done < total) {
        int n = epoll_wait(ep, evs, 256, 10000);
        if (n <= 0)
            return fprintf(stderr, "raw_client: no answer for 10 s\n"), 1;
        for (int i = 0; i < n; i++) {
            struct conn* c = evs[i].data.ptr;
            ssize_t r = read(c->fd, c->in + c->len, BUF - c->len);
            if (r <= 0)
                return fprintf(stderr, "raw_client: connection closed\n"), 1;
            c->len += (size_t)r;
            size_t answer;
            while ((answer = answer_length(c->in, c->len)) != 0) {
                done++;
                memmove(c->in, c->in + answer, c->len -= answer);
                if (send_request(c) != 0)
                    return perror("raw_client: write"), 1;
            }
            if (c->len == BUF)
                return fprintf(stderr, "raw_client: answer too large\n"), 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%ld requests in %.3f s\n", done,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}
