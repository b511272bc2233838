// SPDX-License-Identifier: BSL-1.0
// Raw epoll WebSocket echo for bench/websocket: the floor a WebSocket server on this machine can
// reach. Single thread, level-triggered epoll, non-blocking sockets. It answers the upgrade
// (RFC 6455 §4.2.2: SHA-1 of the key and the GUID, base64), then echoes every complete frame in
// a read with one write: each message costs one read and one write, nothing more. Not a
// conformant server: no fragmentation, no UTF-8 checks, no extensions. A close frame is echoed
// and the connection closed; so is one that sends what this cannot parse.
// Usage: raw_ws_echo [--port P] (0 = any); prints "listening on 127.0.0.1:PORT".
#define _GNU_SOURCE // memmem, accept4, strcasestr
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { BUF = 65536 };
struct conn {
    int fd, open;           // open: the upgrade is done
    size_t len, olen, ooff; // bytes in in[]; pending output (a short write) in out[olen], sent ooff
    char in[BUF];
    char* out;
};
static char obuf[BUF + BUF / 2]; // unmasked frames are never longer than masked ones

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

// The 101 answer to a complete upgrade request in[0..end), or -1.
static int upgrade(int ep, struct conn* c, const char* end)
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    *(char*)end = '\0';
    const char* key = strcasestr(c->in, "\r\nSec-WebSocket-Key:");
    if (!key)
        return -1;
    key += 20;
    while (*key == ' ')
        key++;
    size_t klen = strcspn(key, " \r");
    char joined[128];
    if (klen + sizeof guid > sizeof joined)
        return -1;
    memcpy(joined, key, klen);
    memcpy(joined + klen, guid, sizeof guid - 1);
    unsigned char digest[SHA_DIGEST_LENGTH], accept[32];
    SHA1((const unsigned char*)joined, klen + sizeof guid - 1, digest);
    EVP_EncodeBlock(accept, digest, sizeof digest);
    int n = snprintf(obuf, sizeof obuf,
                     "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n",
                     (const char*)accept);
    size_t used = end + 4 - c->in;
    memmove(c->in, c->in + used, c->len -= used);
    c->open = 1;
    return send_all(ep, c, obuf, n);
}

// Echoes the complete frames in in[] with one write; returns -1 to close (after echoing a
// close frame, as RFC 6455 §5.5.1 asks).
static int echo(int ep, struct conn* c)
{
    size_t start = 0, n = 0;
    int closing = 0;
    while (!closing) {
        const unsigned char* f = (const unsigned char*)c->in + start;
        size_t avail = c->len - start;
        if (avail < 2)
            break;
        int opcode = f[0] & 0x0f;
        if (!(f[1] & 0x80) || !(f[0] & 0x80) || opcode == 0x0)
            return -1; // unmasked, or fragmented
        uint64_t plen = f[1] & 0x7f;
        size_t head = 2;
        if (plen == 126) {
            if (avail < 4)
                break;
            plen = (uint64_t)f[2] << 8 | f[3], head = 4;
        } else if (plen == 127) {
            return -1; // larger than this reference handles
        }
        if (plen > BUF / 2)
            return -1;
        if (avail < head + 4 + plen)
            break;
        start += head + 4 + plen;
        if (opcode == 0xA)
            continue; // a pong needs no answer
        closing = opcode == 0x8;
        const unsigned char* mask = f + head;
        const unsigned char* payload = mask + 4;
        unsigned char* o = (unsigned char*)obuf + n;
        *o++ = (unsigned char)(0x80 | (opcode == 0x9 ? 0xA : opcode)); // ping → pong
        if (plen < 126) {
            *o++ = (unsigned char)plen;
        } else {
            *o++ = 126, *o++ = (unsigned char)(plen >> 8), *o++ = (unsigned char)plen;
        }
        for (uint64_t i = 0; i < plen; i++)
            o[i] = payload[i] ^ mask[i & 3];
        n = (size_t)(o + plen - (unsigned char*)obuf);
    }
    memmove(c->in, c->in + start, c->len -= start);
    int sent = n ? send_all(ep, c, obuf, n) : 0;
    return closing ? -1 : sent;
}

static int on_readable(int ep, struct conn* c)
{
    ssize_t r = read(c->fd, c->in + c->len, BUF - c->len);
    if (r <= 0)
        return -1;
    c->len += r;
    if (c->open)
        return echo(ep, c);
    const char* end = memmem(c->in, c->len, "\r\n\r\n", 4);
    if (!end)
        return c->len == BUF ? -1 : 0;
    return upgrade(ep, c, end) != 0 ? -1 : c->len && !c->out ? echo(ep, c) : 0;
}

static int on_writable(int ep, struct conn* c)
{
    ssize_t w = write(c->fd, c->out + c->ooff, c->olen - c->ooff);
    if (w < 0)
        return errno == EAGAIN ? 0 : -1;
    if ((c->ooff += w) < c->olen)
        return 0;
    free(c->out), c->out = NULL;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) != 0)
        return -1;
    // Frames that came behind the upgrade request while its answer was still going out.
    return c->open && c->len ? echo(ep, c) : 0;
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
        return perror("raw_ws_echo: bind/listen"), 1;
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
                    c->fd = fd, c->open = 0, c->len = 0, c->out = NULL;
                    ev = (struct epoll_event){.events = EPOLLIN, .data.ptr = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
                }
            } else if ((c->out ? on_writable(ep, c) : on_readable(ep, c)) != 0) {
                drop(ep, c);
            }
        }
    }
}
