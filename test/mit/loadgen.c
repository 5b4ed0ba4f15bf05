/*
 * loadgen: an HTTP Negotiate load generator over MIT's libgssapi_krb5, for bench/load.mjs.
 *
 *   loadgen HOST PORT PATH SERVICE CONCURRENCY SECONDS
 *
 * CONCURRENCY keep-alive connections, each sending GET PATH over and over, every request with a
 * fresh SPNEGO initial token (a new gss_init_sec_context: a fresh AP-REQ with its own
 * authenticator and subkey, from the service ticket in the ccache — copied at start into a
 * MEMORY ccache, as a long-running client keeps its tickets in memory) and the server's mutual
 * token verified (the context's second gss_init_sec_context must return GSS_S_COMPLETE). One
 * thread, epoll. SERVICE is the target principal (e.g. HTTP/localhost@REALM).
 * KRB5CCNAME names the ccache holding a ticket for it; KRB5_CONFIG the realm's krb5.conf.
 *
 * Latency is from the request's first byte written to its response's last byte read (the
 * client's own token work is not in it). Prints one JSON line:
 *   {"requests":N,"errors":N,"seconds":S,"rps":R,"p50_us":..,"p90_us":..,"p99_us":..,"max_us":..,
 *    "client_cpu_us_per_request":C,"client_cpu_share":F,"statuses":{"200":N,...},"first_error":"..."}
 * client_cpu_share is the client's CPU time over the run's wall time (1.0 = one core busy): well
 * below 1 means the client was waiting for the server, not the other way round.
 *
 * Build: gcc -O2 -o loadgen loadgen.c -lgssapi_krb5 -lkrb5 -lk5crypto -lcom_err
 * (test/mit/loadgen-setup.mjs, through c-build.mjs).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF 65536

struct conn {
    int fd;
    int connected;
    gss_ctx_id_t ctx;
    char out[BUF];
    size_t outlen, outpos;
    char in[BUF];
    size_t inlen;
    uint64_t sent_at;
    int done;
};

static struct sockaddr_in addr;
static const char *host, *path;
static gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
static gss_name_t target = GSS_C_NO_NAME;
static gss_OID_desc spnego_oid = { 6, "\x2b\x06\x01\x05\x05\x02" };
static uint64_t *lat;
static size_t nlat, caplat;
static long errors, statuses[600], reconnects, resends;
static char first_error[256];
static uint64_t deadline;
static int epfd;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void error_once(const char *fmt, const char *a)
{
    errors++;
    if (!first_error[0]) snprintf(first_error, sizeof(first_error), fmt, a);
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64enc(const unsigned char *p, size_t n, char *out)
{
    size_t o = 0, i = 0;
    for (; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        out[o++] = B64[v >> 18];
        out[o++] = B64[(v >> 12) & 63];
        out[o++] = B64[(v >> 6) & 63];
        out[o++] = B64[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
        out[o++] = B64[v >> 18];
        out[o++] = B64[(v >> 12) & 63];
        out[o++] = i + 1 < n ? B64[(v >> 6) & 63] : '=';
        out[o++] = '=';
    }
    return o;
}

static int b64val(int c)
{
    const char *p = c ? strchr(B64, c) : NULL;
    return p ? (int)(p - B64) : -1;
}

static size_t b64dec(const char *s, size_t n, unsigned char *out)
{
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64val((unsigned char)s[i]);
        if (v < 0) continue;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    return o;
}

static int open_conn(struct conn *c)
{
    int one = 1;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0) return -1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->connected = 0;
    c->inlen = 0;
    if (connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 && errno != EINPROGRESS) return -1;
    struct epoll_event ev = { .events = EPOLLOUT | EPOLLIN, .data.ptr = c };
    return epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);
}

/* A fresh token and the request with it. */
static int make_request(struct conn *c)
{
    OM_uint32 major, minor, m2;
    gss_buffer_desc tok = GSS_C_EMPTY_BUFFER;
    if (c->ctx != GSS_C_NO_CONTEXT) gss_delete_sec_context(&m2, &c->ctx, GSS_C_NO_BUFFER);
    major = gss_init_sec_context(&minor, cred, &c->ctx, target, &spnego_oid, GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG, 0,
                                 GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER, NULL, &tok, NULL, NULL);
    if (major != GSS_S_CONTINUE_NEEDED) {
        error_once("gss_init_sec_context failed (%s)", "first token");
        return -1;
    }
    int n = snprintf(c->out, sizeof(c->out), "GET %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Negotiate ", path, host);
    n += (int)b64enc(tok.value, tok.length, c->out + n);
    n += snprintf(c->out + n, sizeof(c->out) - (size_t)n, "\r\n\r\n");
    gss_release_buffer(&m2, &tok);
    c->outlen = (size_t)n;
    c->outpos = 0;
    c->inlen = 0;
    c->sent_at = 0;
    return 0;
}

/* Whether a whole response is in c->in; fills *status, *keepalive and the mutual token. */
static int parse_response(struct conn *c, int *status, int *keepalive, unsigned char *mutual, size_t *mlen)
{
    char *end = memmem(c->in, c->inlen, "\r\n\r\n", 4);
    if (!end) return 0;
    size_t head = (size_t)(end - c->in) + 4;
    long clen = 0;
    *status = 0;
    *keepalive = 1;
    *mlen = 0;
    if (sscanf(c->in, "HTTP/1.%*d %d", status) != 1) return -1;
    for (char *line = strstr(c->in, "\r\n") + 2; line < end; line = strstr(line, "\r\n") + 2) {
        if (strncasecmp(line, "Content-Length:", 15) == 0) clen = strtol(line + 15, NULL, 10);
        else if (strncasecmp(line, "Connection:", 11) == 0 && strstr(line, "close") && strstr(line, "close") < strstr(line, "\r\n"))
            *keepalive = 0;
        else if (strncasecmp(line, "WWW-Authenticate:", 17) == 0) {
            char *v = line + 17;
            while (*v == ' ') v++;
            if (strncasecmp(v, "Negotiate ", 10) == 0) {
                v += 10;
                char *e = strstr(v, "\r\n");
                *mlen = b64dec(v, (size_t)(e - v), mutual);
            }
        }
    }
    if (c->inlen < head + (size_t)clen) return 0;
    return 1;
}

static void record(uint64_t ns)
{
    if (nlat == caplat) {
        caplat = caplat ? caplat * 2 : 65536;
        lat = realloc(lat, caplat * sizeof(*lat));
    }
    lat[nlat++] = ns;
}

static void start_next(struct conn *c)
{
    if (now_ns() >= deadline) {
        c->done = 1;
        epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        return;
    }
    if (make_request(c) < 0) {
        c->done = 1;
        return;
    }
    struct epoll_event ev = { .events = EPOLLOUT | EPOLLIN, .data.ptr = c };
    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static void reconnect(struct conn *c)
{
    reconnects++;
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    if (open_conn(c) < 0) {
        error_once("reconnect failed: %s", strerror(errno));
        c->done = 1;
    }
}

static void on_event(struct conn *c, uint32_t events)
{
    if (c->done) return;
    if (!c->connected && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
        int err = 0;
        socklen_t l = sizeof(err);
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
        if (err) {
            error_once("connect: %s", strerror(err));
            c->done = 1;
            return;
        }
        c->connected = 1;
    }
    if (c->outpos < c->outlen && (events & EPOLLOUT)) {
        if (c->sent_at == 0) c->sent_at = now_ns();
        ssize_t w = write(c->fd, c->out + c->outpos, c->outlen - c->outpos);
        if (w < 0 && errno != EAGAIN) {
            resends++;
            reconnect(c);
            if (!c->done && make_request(c) < 0) c->done = 1;
            return;
        }
        if (w > 0) c->outpos += (size_t)w;
        if (c->outpos == c->outlen) {
            struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
            epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
        }
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        for (;;) {
            if (c->inlen == sizeof(c->in)) {
                error_once("response too large%s", "");
                c->done = 1;
                return;
            }
            ssize_t r = read(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen - 1);
            if (r > 0) {
                c->inlen += (size_t)r;
                continue;
            }
            if (r == 0) {
                /* closed by the server before answering (Apache's event MPM closes keep-alive
                   connections when busy): a new connection and the request again, with a new
                   token, as a browser would make one for a new connection */
                resends++;
                reconnect(c);
                if (!c->done && make_request(c) < 0) c->done = 1;
                return;
            }
            if (errno == EAGAIN) break;
            reconnect(c);
            return;
        }
        c->in[c->inlen] = 0;
        int status, keepalive;
        unsigned char mutual[4096];
        size_t mlen;
        int got = parse_response(c, &status, &keepalive, mutual, &mlen);
        if (got == 0) return;
        uint64_t t = now_ns();
        if (got < 0) {
            error_once("malformed response%s", "");
            c->done = 1;
            return;
        }
        if (status > 0 && status < 600) statuses[status]++;
        if (status != 200) {
            char msg[64];
            snprintf(msg, sizeof(msg), "%d", status);
            error_once("HTTP status %s", msg);
        } else {
            OM_uint32 major, minor;
            gss_buffer_desc in = { mlen, mutual }, out = GSS_C_EMPTY_BUFFER;
            major = mlen ? gss_init_sec_context(&minor, cred, &c->ctx, target, &spnego_oid,
                                                GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG, 0, GSS_C_NO_CHANNEL_BINDINGS, &in,
                                                NULL, &out, NULL, NULL)
                         : GSS_S_FAILURE;
            gss_release_buffer(&minor, &out);
            if (major != GSS_S_COMPLETE)
                error_once("the server's mutual token does not verify%s", mlen ? "" : " (none sent)");
            else
                record(t - c->sent_at);
        }
        if (!keepalive) reconnect(c);
        if (!c->done) start_next(c);
    }
}

static int cmp64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: loadgen HOST PORT PATH SERVICE CONCURRENCY SECONDS\n");
        return 2;
    }
    host = argv[1];
    path = argv[3];
    int conc = atoi(argv[5]);
    double secs = atof(argv[6]);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)atoi(argv[2]));
    inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host, &addr.sin_addr);

    /* The ccache into memory, then the initiator credential over it. */
    krb5_context kctx;
    krb5_ccache src, mem;
    krb5_principal me;
    if (krb5_init_context(&kctx) || krb5_cc_default(kctx, &src) || krb5_cc_get_principal(kctx, src, &me) ||
        krb5_cc_new_unique(kctx, "MEMORY", NULL, &mem) || krb5_cc_initialize(kctx, mem, me) || krb5_cc_copy_creds(kctx, src, mem)) {
        fprintf(stderr, "loadgen: cannot copy the ccache (KRB5CCNAME) to memory\n");
        return 1;
    }
    char ccname[256];
    snprintf(ccname, sizeof(ccname), "MEMORY:%s", krb5_cc_get_name(kctx, mem));
    gss_key_value_element_desc el = { "ccache", ccname };
    gss_key_value_set_desc store = { 1, &el };
    OM_uint32 major, minor;
    major = gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, GSS_C_NO_OID_SET, GSS_C_INITIATE, &store, &cred, NULL, NULL);
    gss_buffer_desc nb = { strlen(argv[4]), argv[4] };
    if (GSS_ERROR(major) || GSS_ERROR(gss_import_name(&minor, &nb, GSS_KRB5_NT_PRINCIPAL_NAME, &target))) {
        fprintf(stderr, "loadgen: cannot acquire the initiator credential or import %s\n", argv[4]);
        return 1;
    }

    epfd = epoll_create1(0);
    struct conn *conns = calloc((size_t)conc, sizeof(*conns));
    double cpu0 = cpu_s();
    uint64_t t0 = now_ns();
    deadline = t0 + (uint64_t)(secs * 1e9);
    for (int i = 0; i < conc; i++) {
        conns[i].ctx = GSS_C_NO_CONTEXT;
        if (open_conn(&conns[i]) < 0 || make_request(&conns[i]) < 0) {
            fprintf(stderr, "loadgen: cannot connect to %s:%s\n", argv[1], argv[2]);
            return 1;
        }
    }
    struct epoll_event evs[256];
    for (;;) {
        int live = 0;
        for (int i = 0; i < conc; i++) live += !conns[i].done;
        if (!live) break;
        int n = epoll_wait(epfd, evs, 256, 1000);
        for (int i = 0; i < n; i++) on_event(evs[i].data.ptr, evs[i].events);
        if (n == 0 && now_ns() > deadline + 10000000000ull) {
            error_once("timed out waiting for responses%s", "");
            break;
        }
    }
    uint64_t t1 = now_ns();
    double cpu1 = cpu_s();
    double wall = (double)(t1 - t0) / 1e9;
    qsort(lat, nlat, sizeof(*lat), cmp64);
#define PCT(p) (nlat ? (double)lat[(size_t)((double)(nlat - 1) * (p))] / 1e3 : 0.0)
    printf("{\"requests\":%zu,\"errors\":%ld,\"seconds\":%.3f,\"rps\":%.1f,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f,"
           "\"client_cpu_us_per_request\":%.1f,\"client_cpu_share\":%.3f,\"reconnects\":%ld,\"resends\":%ld,\"statuses\":{",
           nlat, errors, wall, (double)nlat / wall, PCT(0.5), PCT(0.9), PCT(0.99), PCT(1.0), nlat ? (cpu1 - cpu0) * 1e6 / (double)nlat : 0.0,
           (cpu1 - cpu0) / wall, reconnects, resends);
    int first = 1;
    for (int s = 0; s < 600; s++)
        if (statuses[s]) printf("%s\"%d\":%ld", first ? "" : ",", s, statuses[s]), first = 0;
    printf("},\"first_error\":\"");
    for (const char *p = first_error; *p; p++) putchar(*p == '"' ? '\'' : *p);
    printf("\"}\n");
    return 0;
}
