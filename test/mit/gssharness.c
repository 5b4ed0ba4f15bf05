/*
 * gssharness: MIT krb5's GSS-API (libgssapi_krb5) doing SPNEGO handshakes in one process, the
 * reference for tskrb5's handshake and acceptor benchmarks (bench/handshake.mjs). A line
 * protocol like krb5harness's: one request line on stdin, one answer line on stdout, "ERR ..."
 * on failure.
 *
 *   setup CCACHE KEYTAB [file|memory]  -> "ok PRINCIPAL ETYPE"
 *       Copies every credential of the ccache (e.g. FILE:/tmp/x, holding a TGT and the service
 *       ticket kvno fetched) into a MEMORY ccache, and the keytab's entries into a MEMORY keytab
 *       ("memory", the default) or uses the keytab file as it is ("file": MIT reads the file on
 *       every accept, as a real server does). Acquires the initiator credential (the MEMORY
 *       ccache) and the acceptor credential (the keytab, any principal in it) once. PRINCIPAL is
 *       the service ticket's server, which the handshakes target; ETYPE its session key's.
 *       The replay cache is MIT's default unless KRB5RCACHETYPE=none is in the environment.
 *   hs MINMS                 -> ITERS NS_PER_OP CPU_NS_PER_OP
 *       Full SPNEGO handshakes until MINMS ms have passed: gss_init_sec_context (the SPNEGO
 *       NegTokenInit with the optimistic AP-REQ; flags mutual, replay, sequence), then
 *       gss_accept_sec_context on a fresh context (the NegTokenResp with the AP-REP), then the
 *       initiator's second call that verifies it (GSS_S_COMPLETE required); both contexts deleted.
 *   gen N                    -> N
 *       Makes N initial tokens (each from a fresh initiator context, deleted) and keeps them.
 *   tokens PATH              -> N
 *       Writes the kept tokens to PATH: each as a 4-byte big-endian length, then the bytes.
 *   accept PASSES            -> ITERS NS_PER_OP CPU_NS_PER_OP
 *       gss_accept_sec_context on a fresh context for each kept token, PASSES times over the set
 *       (more than one pass only without a replay cache: a replay is refused).
 *   (NS_PER_OP: wall-clock time; CPU_NS_PER_OP: the process's CPU time, less disturbed by other
 *   load on a shared machine.)
 *   version                  -> the protocol version
 *   quit
 *
 * Build: gcc -O2 -o gssharness gssharness.c -lgssapi_krb5 -lkrb5 -lk5crypto -lcom_err
 * (test/mit/gss-setup.mjs, through c-build.mjs). KRB5_CONFIG must name the realm's krb5.conf.
 */
#define _POSIX_C_SOURCE 200809L
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static krb5_context kctx;
static krb5_ccache mem_cc;
static krb5_keytab mem_kt;
static gss_cred_id_t icred = GSS_C_NO_CREDENTIAL, acred = GSS_C_NO_CREDENTIAL;
static gss_name_t target = GSS_C_NO_NAME;
static gss_OID_desc spnego_oid = { 6, "\x2b\x06\x01\x05\x05\x02" };
static const OM_uint32 FLAGS = GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG;

static gss_buffer_desc *kept;
static size_t nkept;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* CPU time of the whole process (every thread), for the third figure of a timed answer. */
static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void put_krb_err(krb5_error_code code, const char *what)
{
    const char *msg = krb5_get_error_message(kctx, code);
    printf("ERR %ld %s: %s\n", (long)code, what, msg ? msg : "");
    if (msg) krb5_free_error_message(kctx, msg);
}

static void put_gss_err(OM_uint32 major, OM_uint32 minor, const char *what)
{
    OM_uint32 m, ctx = 0;
    gss_buffer_desc b;
    printf("ERR %u %s:", major, what);
    gss_display_status(&m, major, GSS_C_GSS_CODE, GSS_C_NO_OID, &ctx, &b);
    printf(" %.*s", (int)b.length, (char *)b.value);
    gss_release_buffer(&m, &b);
    ctx = 0;
    gss_display_status(&m, minor, GSS_C_MECH_CODE, GSS_C_NO_OID, &ctx, &b);
    printf(" (%.*s)\n", (int)b.length, (char *)b.value);
    gss_release_buffer(&m, &b);
}

/* The initiator's first token, from a fresh context (deleted unless ctx_out). */
static OM_uint32 init_token(gss_ctx_id_t *ctx, gss_buffer_t out, OM_uint32 *minor)
{
    *ctx = GSS_C_NO_CONTEXT;
    OM_uint32 major = gss_init_sec_context(minor, icred, ctx, target, &spnego_oid, FLAGS, 0, GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER, NULL, out,
                                           NULL, NULL);
    return major == GSS_S_CONTINUE_NEEDED ? GSS_S_COMPLETE : (major == GSS_S_COMPLETE ? GSS_S_FAILURE : major);
}

static void op_setup(char **t, int nt)
{
    krb5_error_code ret;
    krb5_ccache src = NULL;
    krb5_keytab ktsrc = NULL;
    krb5_principal me = NULL;
    krb5_cc_cursor cur;
    krb5_creds creds;
    int memory_kt = nt < 4 || strcmp(t[3], "file") != 0;
    char *sname = NULL;
    krb5_enctype etype = 0;
    OM_uint32 major, minor;

    if (nt < 3) {
        printf("ERR 0 usage: setup CCACHE KEYTAB [file|memory]\n");
        return;
    }
    if ((ret = krb5_cc_resolve(kctx, t[1], &src)) || (ret = krb5_cc_get_principal(kctx, src, &me))) {
        put_krb_err(ret, "reading the ccache");
        goto done;
    }
    if ((ret = krb5_cc_new_unique(kctx, "MEMORY", NULL, &mem_cc)) || (ret = krb5_cc_initialize(kctx, mem_cc, me)) ||
        (ret = krb5_cc_copy_creds(kctx, src, mem_cc))) {
        put_krb_err(ret, "copying the ccache to memory");
        goto done;
    }
    /* The service ticket: the first credential whose server is not krbtgt. */
    if ((ret = krb5_cc_start_seq_get(kctx, mem_cc, &cur))) {
        put_krb_err(ret, "listing the ccache");
        goto done;
    }
    while (!sname && krb5_cc_next_cred(kctx, mem_cc, &cur, &creds) == 0) {
        if (creds.server->length >= 1 && !(creds.server->data[0].length == 6 && memcmp(creds.server->data[0].data, "krbtgt", 6) == 0) &&
            !krb5_is_config_principal(kctx, creds.server)) {
            krb5_unparse_name(kctx, creds.server, &sname);
            etype = creds.keyblock.enctype;
        }
        krb5_free_cred_contents(kctx, &creds);
    }
    krb5_cc_end_seq_get(kctx, mem_cc, &cur);
    if (!sname) {
        printf("ERR 0 no service ticket in %s\n", t[1]);
        goto done;
    }
    if (memory_kt) {
        krb5_kt_cursor kc;
        krb5_keytab_entry e;
        if ((ret = krb5_kt_resolve(kctx, "MEMORY:gssharness", &mem_kt)) || (ret = krb5_kt_resolve(kctx, t[2], &ktsrc)) ||
            (ret = krb5_kt_start_seq_get(kctx, ktsrc, &kc))) {
            put_krb_err(ret, "reading the keytab");
            goto done;
        }
        while (krb5_kt_next_entry(kctx, ktsrc, &e, &kc) == 0) {
            ret = krb5_kt_add_entry(kctx, mem_kt, &e);
            krb5_free_keytab_entry_contents(kctx, &e);
            if (ret) break;
        }
        krb5_kt_end_seq_get(kctx, ktsrc, &kc);
        if (ret) {
            put_krb_err(ret, "copying the keytab to memory");
            goto done;
        }
    }
    {
        char ccname[256];
        snprintf(ccname, sizeof(ccname), "MEMORY:%s", krb5_cc_get_name(kctx, mem_cc));
        gss_key_value_element_desc ie = { "ccache", ccname }, ae = { "keytab", memory_kt ? "MEMORY:gssharness" : t[2] };
        gss_key_value_set_desc is = { 1, &ie }, as = { 1, &ae };
        gss_buffer_desc nb = { strlen(sname), sname };
        major = gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, GSS_C_NO_OID_SET, GSS_C_INITIATE, &is, &icred, NULL, NULL);
        if (GSS_ERROR(major)) {
            put_gss_err(major, minor, "gss_acquire_cred_from (initiator)");
            goto done;
        }
        major = gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, GSS_C_NO_OID_SET, GSS_C_ACCEPT, &as, &acred, NULL, NULL);
        if (GSS_ERROR(major)) {
            put_gss_err(major, minor, "gss_acquire_cred_from (acceptor)");
            goto done;
        }
        major = gss_import_name(&minor, &nb, GSS_KRB5_NT_PRINCIPAL_NAME, &target);
        if (GSS_ERROR(major)) {
            put_gss_err(major, minor, "gss_import_name");
            goto done;
        }
    }
    printf("ok %s %d\n", sname, (int)etype);
done:
    free(sname);
    if (me) krb5_free_principal(kctx, me);
    if (src) krb5_cc_close(kctx, src);
    if (ktsrc) krb5_kt_close(kctx, ktsrc);
}

static void op_hs(char **t, int nt)
{
    long minms = nt == 2 ? atol(t[1]) : -1;
    uint64_t iters = 0, t0, t1, c0, deadline;
    if (minms < 0 || icred == GSS_C_NO_CREDENTIAL) {
        printf("ERR 0 usage: hs MINMS (after setup)\n");
        return;
    }
    c0 = cpu_ns();
    t0 = now_ns();
    deadline = t0 + (uint64_t)minms * 1000000u;
    do {
        OM_uint32 major, minor, m2;
        gss_ctx_id_t ictx, actx = GSS_C_NO_CONTEXT;
        gss_buffer_desc tok = GSS_C_EMPTY_BUFFER, rep = GSS_C_EMPTY_BUFFER, last = GSS_C_EMPTY_BUFFER;
        major = init_token(&ictx, &tok, &minor);
        if (major != GSS_S_COMPLETE) {
            put_gss_err(major, minor, "gss_init_sec_context");
            return;
        }
        major = gss_accept_sec_context(&minor, &actx, acred, &tok, GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, &rep, NULL, NULL, NULL);
        if (major != GSS_S_COMPLETE) {
            put_gss_err(major, minor, "gss_accept_sec_context");
            return;
        }
        major = gss_init_sec_context(&minor, icred, &ictx, target, &spnego_oid, FLAGS, 0, GSS_C_NO_CHANNEL_BINDINGS, &rep, NULL, &last, NULL, NULL);
        if (major != GSS_S_COMPLETE) {
            put_gss_err(major, minor, "gss_init_sec_context (the reply)");
            return;
        }
        gss_release_buffer(&m2, &tok);
        gss_release_buffer(&m2, &rep);
        gss_release_buffer(&m2, &last);
        gss_delete_sec_context(&m2, &ictx, GSS_C_NO_BUFFER);
        gss_delete_sec_context(&m2, &actx, GSS_C_NO_BUFFER);
        iters++;
        t1 = now_ns();
    } while (t1 < deadline);
    printf("%llu %.1f %.1f\n", (unsigned long long)iters, (double)(t1 - t0) / (double)iters, (double)(cpu_ns() - c0) / (double)iters);
}

static void drop_kept(void)
{
    OM_uint32 m;
    for (size_t i = 0; i < nkept; i++) gss_release_buffer(&m, &kept[i]);
    free(kept);
    kept = NULL;
    nkept = 0;
}

static void op_gen(char **t, int nt)
{
    long n = nt == 2 ? atol(t[1]) : 0;
    if (n <= 0 || icred == GSS_C_NO_CREDENTIAL) {
        printf("ERR 0 usage: gen N (after setup)\n");
        return;
    }
    drop_kept();
    kept = calloc((size_t)n, sizeof(*kept));
    for (long i = 0; i < n; i++) {
        OM_uint32 major, minor, m2;
        gss_ctx_id_t ictx;
        major = init_token(&ictx, &kept[i], &minor);
        gss_delete_sec_context(&m2, &ictx, GSS_C_NO_BUFFER);
        if (major != GSS_S_COMPLETE) {
            nkept = (size_t)i;
            put_gss_err(major, minor, "gss_init_sec_context");
            return;
        }
        nkept = (size_t)i + 1;
    }
    printf("%zu\n", nkept);
}

static void op_tokens(char **t, int nt)
{
    FILE *f = nt == 2 ? fopen(t[1], "wb") : NULL;
    if (!f) {
        printf("ERR 0 usage: tokens PATH (a writable file)\n");
        return;
    }
    for (size_t i = 0; i < nkept; i++) {
        unsigned char len[4] = { (unsigned char)(kept[i].length >> 24), (unsigned char)(kept[i].length >> 16), (unsigned char)(kept[i].length >> 8),
                                 (unsigned char)kept[i].length };
        fwrite(len, 1, 4, f);
        fwrite(kept[i].value, 1, kept[i].length, f);
    }
    fclose(f);
    printf("%zu\n", nkept);
}

static void op_accept(char **t, int nt)
{
    long passes = nt == 2 ? atol(t[1]) : 0;
    uint64_t iters = 0, t0, t1, c0;
    if (passes <= 0 || nkept == 0) {
        printf("ERR 0 usage: accept PASSES (after gen)\n");
        return;
    }
    c0 = cpu_ns();
    t0 = now_ns();
    for (long p = 0; p < passes; p++) {
        for (size_t i = 0; i < nkept; i++) {
            OM_uint32 major, minor, m2;
            gss_ctx_id_t actx = GSS_C_NO_CONTEXT;
            gss_buffer_desc rep = GSS_C_EMPTY_BUFFER;
            major = gss_accept_sec_context(&minor, &actx, acred, &kept[i], GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, &rep, NULL, NULL, NULL);
            if (major != GSS_S_COMPLETE) {
                put_gss_err(major, minor, "gss_accept_sec_context");
                return;
            }
            gss_release_buffer(&m2, &rep);
            gss_delete_sec_context(&m2, &actx, GSS_C_NO_BUFFER);
            iters++;
        }
    }
    t1 = now_ns();
    printf("%llu %.1f %.1f\n", (unsigned long long)iters, (double)(t1 - t0) / (double)iters, (double)(cpu_ns() - c0) / (double)iters);
}

int main(void)
{
    char line[8192];
    krb5_error_code ret = krb5_init_context(&kctx);
    if (ret) {
        fprintf(stderr, "krb5_init_context failed: %ld\n", (long)ret);
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (fgets(line, sizeof(line), stdin)) {
        char *t[8];
        int nt = 0;
        for (char *p = strtok(line, " \t\r\n"); p && nt < 8; p = strtok(NULL, " \t\r\n")) t[nt++] = p;
        if (nt == 0) continue;
        if (strcmp(t[0], "quit") == 0) break;
        if (strcmp(t[0], "version") == 0)
            printf("gssharness 1\n");
        else if (strcmp(t[0], "setup") == 0)
            op_setup(t, nt);
        else if (strcmp(t[0], "hs") == 0)
            op_hs(t, nt);
        else if (strcmp(t[0], "gen") == 0)
            op_gen(t, nt);
        else if (strcmp(t[0], "tokens") == 0)
            op_tokens(t, nt);
        else if (strcmp(t[0], "accept") == 0)
            op_accept(t, nt);
        else
            printf("ERR 0 unknown request %s\n", t[0]);
    }
    drop_kept();
    return 0;
}
