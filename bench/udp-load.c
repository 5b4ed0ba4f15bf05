/*
 * udp-load: a KDC load generator over raw UDP, for bench/kdc-server.mjs. The same program drives
 * MIT's krb5kdc and ours.
 *
 *   udp-load HOST PORT FILE INFLIGHT SECONDS
 *
 * FILE holds prepared requests: records of [u32 BE length][u32 BE nonce offset or 0xffffffff]
 * [request bytes]. A record with a nonce offset (an AS-REQ) is sent again and again, its 4-byte
 * nonce replaced each time by a counter (so that no two requests are alike: MIT's KDC answers a
 * repeated request from its lookaside cache); a record without one (a TGS-REQ, whose body the
 * authenticator's checksum covers) is sent once. Keeps INFLIGHT requests outstanding for at most
 * SECONDS (or until every one-shot request is answered), then prints one JSON line:
 *   {"sent":N,"replies":N,"ok":N,"errors":N,"lost":N,"pending":N,"seconds":S,"rps":R,"exhausted":B}
 * (pending: still in flight when the time was up)
 * ok counts AS-REP/TGS-REP replies, errors KRB-ERRORs; rps is ok per second. A request without
 * an answer after 500 ms counts as lost and frees its slot.
 *
 * Build: gcc -O2 -o udp-load udp-load.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct rec {
    uint8_t *buf;
    uint32_t len;
    uint32_t nonce;
};

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint32_t be32(const uint8_t *p) { return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]; }

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: udp-load HOST PORT FILE INFLIGHT SECONDS\n");
        return 2;
    }
    FILE *f = fopen(argv[3], "rb");
    if (!f) {
        perror(argv[3]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *all = malloc(size > 0 ? size : 1);
    if (!all || fread(all, 1, size, f) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", argv[3]);
        return 1;
    }
    fclose(f);
    size_t cap = 1024, n = 0;
    struct rec *recs = malloc(cap * sizeof *recs);
    for (long at = 0; at + 8 <= size;) {
        uint32_t len = be32(all + at), nonce = be32(all + at + 4);
        if (at + 8 + (long)len > size || (nonce != 0xffffffffu && nonce + 4 > len)) {
            fprintf(stderr, "bad record at %ld\n", at);
            return 1;
        }
        if (n == cap) recs = realloc(recs, (cap *= 2) * sizeof *recs);
        recs[n++] = (struct rec){all + at + 8, len, nonce};
        at += 8 + len;
    }
    if (n == 0) {
        fprintf(stderr, "no requests in %s\n", argv[3]);
        return 1;
    }
    int inflight_max = atoi(argv[4]);
    double seconds = atof(argv[5]);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(atoi(argv[2]));
    inet_pton(AF_INET, argv[1], &sa.sin_addr);
    int rcv = 8 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        perror("connect");
        return 1;
    }
    fcntl(fd, F_SETFL, O_NONBLOCK);

    uint64_t sent = 0, replies = 0, ok = 0, errors = 0, lost = 0;
    size_t next = 0;
    uint32_t counter = 0x01000000u;
    int inflight = 0, exhausted = 0;
    double t0 = now(), deadline = t0 + seconds, last_reply = t0;
    uint8_t in[65536];
    uint8_t *scratch = malloc(65536);
    for (;;) {
        double t = now();
        if (t >= deadline) break;
        while (inflight < inflight_max) {
            struct rec *r = &recs[next % n];
            if (r->nonce == 0xffffffffu && next >= n) {
                exhausted = 1;
                break;
            }
            const uint8_t *out = r->buf;
            if (r->nonce != 0xffffffffu) {
                memcpy(scratch, r->buf, r->len);
                if (++counter > 0x7fffffffu) counter = 0x01000000u;
                scratch[r->nonce] = counter >> 24;
                scratch[r->nonce + 1] = counter >> 16;
                scratch[r->nonce + 2] = counter >> 8;
                scratch[r->nonce + 3] = counter;
                out = scratch;
            }
            ssize_t w = send(fd, out, r->len, 0);
            if (w < 0) {
                if (errno == EAGAIN || errno == ENOBUFS) break;
                perror("send");
                return 1;
            }
            sent++;
            inflight++;
            next++;
        }
        if (exhausted && inflight == 0) break;
        struct pollfd p = {fd, POLLIN, 0};
        poll(&p, 1, 5);
        for (;;) {
            ssize_t got = recv(fd, in, sizeof in, 0);
            if (got < 0) break;
            replies++;
            if (inflight > 0) inflight--;
            last_reply = now();
            if (got > 0 && (in[0] == 0x6b || in[0] == 0x6d)) ok++;
            else errors++;
        }
        if (inflight > 0 && now() - last_reply > 0.5) {
            lost += inflight;
            inflight = 0;
            last_reply = now();
        }
    }
    double elapsed = now() - t0;
    printf("{\"sent\":%llu,\"replies\":%llu,\"ok\":%llu,\"errors\":%llu,\"lost\":%llu,\"pending\":%d,\"seconds\":%.3f,\"rps\":%.1f,\"exhausted\":%s}\n",
           (unsigned long long)sent, (unsigned long long)replies, (unsigned long long)ok, (unsigned long long)errors,
           (unsigned long long)lost, inflight, elapsed, ok / elapsed, exhausted ? "true" : "false");
    return 0;
}
