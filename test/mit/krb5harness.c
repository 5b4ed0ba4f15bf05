/*
 * krb5harness: a long-running line-protocol front end to MIT krb5's crypto (libk5crypto),
 * used by tskrb5's differential tests (test/crypto/mit.test.ts) and benchmarks (bench/).
 *
 * One request line on stdin -> one response line on stdout. Hex everywhere; "-" stands for an
 * empty hex field in a request; an empty result is answered with an empty line. Any failure is
 * answered "ERR <code> <message>" (code = the krb5_error_code, or 0 for a protocol error).
 *
 *   s2k ETYPE HEXPASS HEXSALT HEXPARAMS|-           -> hex key
 *   enc ETYPE HEXKEY USAGE HEXDATA                  -> hex ciphertext   (krb5_c_encrypt)
 *   dec ETYPE HEXKEY USAGE HEXCIPHER                -> hex plaintext    (krb5_c_decrypt)
 *   cksum CKSUMTYPE ETYPE HEXKEY USAGE HEXDATA      -> hex checksum     (krb5_c_make_checksum)
 *   verify CKSUMTYPE ETYPE HEXKEY USAGE HEXDATA HEXCKSUM -> 1 | 0       (krb5_c_verify_checksum)
 *   prf ETYPE HEXKEY HEXINPUT                       -> hex              (krb5_c_prf)
 *   r2k ETYPE HEXBYTES                              -> hex key          (krb5_c_random_to_key)
 *   cf2 ETYPE1 HEXKEY1 HEXPEPPER1 ETYPE2 HEXKEY2 HEXPEPPER2 -> ETYPE hex key (krb5_c_fx_cf2_simple)
 *   info ETYPE                                      -> KEYBYTES KEYLENGTH PRFLEN
 *   bench OP ETYPE SIZE MINMS [ITER]                -> ITERS NS_PER_OP
 *       OP = enc | dec | cksum: krb5_k_* over one krb5_key (derived keys cached in it, as MIT's
 *       GSS mechanism uses it), SIZE bytes of data, usage 1024 (arbitrary, fixed);
 *       OP = s2k: krb5_c_string_to_key_with_params with ITER iterations (default: the
 *       enctype's own default and MIT's minimum, 4096 for 17/18 and 32768 for 19/20; MIT refuses
 *       fewer), SIZE = password length, salt "EXAMPLE.COMuser" (the default salt form
 *       realm+principal).
 *   benchc OP ETYPE SIZE MINMS                      -> ITERS NS_PER_OP
 *       OP = enc | dec | cksum via krb5_c_* (keys re-derived on every call), for reference.
 *   defrealm HEXREALM|-                             -> "ok"  (krb5_set_default_realm; "-": none)
 *   parse FLAGS HEXTEXT                             -> TYPE HEXREALM COMPS (krb5_parse_name_flags)
 *   unparse FLAGS TYPE HEXREALM COMPS               -> hex text         (krb5_unparse_name_flags)
 *       COMPS: the components' hex joined by ',' ("" for an empty component, "~" for none);
 *       HEXREALM "-" is the empty realm. A text with a NUL is cut there by MIT's C string.
 *   aname2lname HEXKRB5CONF TYPE HEXREALM COMPS     -> hex local name   (krb5_aname_to_localname)
 *       HEXKRB5CONF is written to a temp file and named by KRB5_CONFIG for a fresh context (kept
 *       while the next request names the same text); the principal as for unparse. An empty
 *       local name is an empty line; no translation is "ERR -1765328208 …" (KRB5_LNAME_NOTRANS).
 *   pacverify HEXPAC AUTHTIME HEXPRINC|- SETYPE HEXSKEY|- KETYPE HEXKKEY|- WITHREALM -> "ok"
 *       krb5_pac_parse, then krb5_pac_verify_ext(authtime, principal (krb5_parse_name of the
 *       text; "-": none), server key ("-": none), KDC key ("-": none), with_realm 0|1). Errors
 *       are "ERR <code> <where>" with where = krb5_pac_parse or krb5_pac_verify_ext.
 *   pacbench HEXPAC AUTHTIME HEXPRINC SETYPE HEXSKEY KETYPE HEXKKEY|- MINMS -> ITERS NS_PER_OP
 *       krb5_pac_parse + krb5_pac_verify + krb5_pac_free, repeated for at least MINMS ms.
 *   kdcsign HEXENCTKT HEXPAC HEXSERVER HEXCLIENT SETYPE HEXSKEY KETYPE HEXKKEY WITHREALM -> hex
 *       decode_krb5_enc_tkt_part (a ticket part without a PAC), krb5_pac_parse, then
 *       krb5_kdc_sign_ticket (server and client by krb5_parse_name of the texts, the server key,
 *       the KDC key, with_realm 0|1) and encode_krb5_enc_tkt_part of the signed part.
 *   kdcverify HEXENCTKT HEXSERVER SETYPE HEXSKEY KETYPE HEXKKEY|- -> "ok" N T1,T2,...
 *       decode_krb5_enc_tkt_part, then krb5_kdc_verify_ticket (KDC key "-": none); on success
 *       the PAC's buffer count and types (krb5_pac_get_types). Errors are
 *       "ERR <code> krb5_kdc_verify_ticket".
 *   version                                         -> the harness protocol version
 *   quit                                            -> exits
 *
 * Build: gcc -O2 -o krb5harness krb5harness.c -lkrb5 -lk5crypto -lcom_err
 * (test/mit/setup.mjs does this). Run with KRB5_CONFIG=/dev/null to keep the host's config out.
 */
#define _POSIX_C_SOURCE 200809L
#include <krb5.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static krb5_context ctx;

/* ---------- output helpers ---------- */

static void put_hex(const unsigned char *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char buf[4096];
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        buf[o++] = digits[p[i] >> 4];
        buf[o++] = digits[p[i] & 15];
        if (o == sizeof(buf)) {
            fwrite(buf, 1, o, stdout);
            o = 0;
        }
    }
    if (o) fwrite(buf, 1, o, stdout);
    fputc('\n', stdout);
}

static void put_err(krb5_error_code code, const char *what)
{
    const char *msg = code ? krb5_get_error_message(ctx, code) : what;
    /* Keep the answer on one line. */
    printf("ERR %ld %s", (long)code, what);
    if (code && msg) {
        printf(": ");
        for (const char *c = msg; *c; c++) fputc(*c == '\n' || *c == '\r' ? ' ' : *c, stdout);
    }
    fputc('\n', stdout);
    if (code && msg) krb5_free_error_message(ctx, msg);
}

/* ---------- input helpers ---------- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes a hex token ("-" = empty) into freshly allocated bytes. Returns 0 on success. */
static int parse_hex(const char *tok, krb5_data *out)
{
    out->magic = KV5M_DATA;
    out->length = 0;
    out->data = NULL;
    if (tok == NULL) return -1;
    size_t n = strlen(tok);
    if (strcmp(tok, "-") == 0) n = 0;
    if (n % 2) return -1;
    out->data = malloc(n / 2 + 1); /* never NULL-for-empty: some krb5 paths dislike NULL data */
    if (out->data == NULL) return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval((unsigned char)tok[2 * i]), lo = hexval((unsigned char)tok[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(out->data);
            out->data = NULL;
            return -1;
        }
        out->data[i] = (char)(hi << 4 | lo);
    }
    out->length = (unsigned int)(n / 2);
    return 0;
}

static int parse_int(const char *tok, long *out)
{
    char *end;
    if (tok == NULL || *tok == '\0') return -1;
    *out = strtol(tok, &end, 10);
    return *end == '\0' ? 0 : -1;
}

static void keyblock_from(krb5_keyblock *kb, long etype, krb5_data *bytes)
{
    memset(kb, 0, sizeof(*kb));
    kb->magic = KV5M_KEYBLOCK;
    kb->enctype = (krb5_enctype)etype;
    kb->length = bytes->length;
    kb->contents = (krb5_octet *)bytes->data;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#define MAXTOK 12

/* ---------- operations ---------- */

static void put_hex_field(const char *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    if (n == 0) { fputc('-', stdout); return; }
    for (size_t i = 0; i < n; i++) {
        fputc(digits[(unsigned char)p[i] >> 4], stdout);
        fputc(digits[(unsigned char)p[i] & 15], stdout);
    }
}

static void op_defrealm(char **t, int nt)
{
    krb5_data r;
    krb5_error_code ret;
    if (nt != 2 || parse_hex(t[1], &r)) { put_err(0, "usage: defrealm HEXREALM|-"); return; }
    r.data[r.length] = '\0';
    ret = krb5_set_default_realm(ctx, strcmp(t[1], "-") == 0 ? NULL : r.data);
    free(r.data);
    if (ret) put_err(ret, "krb5_set_default_realm");
    else printf("ok\n");
}

static void op_parse(char **t, int nt)
{
    long flags;
    krb5_data text;
    krb5_principal p = NULL;
    krb5_error_code ret;
    if (nt != 3 || parse_int(t[1], &flags) || parse_hex(t[2], &text)) { put_err(0, "usage: parse FLAGS HEXTEXT"); return; }
    text.data[text.length] = '\0';
    ret = krb5_parse_name_flags(ctx, text.data, (int)flags, &p);
    free(text.data);
    if (ret) { put_err(ret, "krb5_parse_name_flags"); return; }
    printf("%ld ", (long)p->type);
    put_hex_field(p->realm.data, p->realm.length);
    fputc(' ', stdout);
    if (p->length == 0) fputc('~', stdout);
    for (krb5_int32 i = 0; i < p->length; i++) {
        if (i) fputc(',', stdout);
        if (p->data[i].length) put_hex_field(p->data[i].data, p->data[i].length);
    }
    fputc('\n', stdout);
    krb5_free_principal(ctx, p);
}

static void op_unparse(char **t, int nt)
{
    long flags, type;
    krb5_data realm;
    krb5_principal_data p;
    krb5_data comps[64];
    char *name = NULL;
    krb5_error_code ret;
    int n = 0;
    if (nt != 5 || parse_int(t[1], &flags) || parse_int(t[2], &type) || parse_hex(t[3], &realm)) { put_err(0, "usage: unparse FLAGS TYPE HEXREALM COMPS"); return; }
    if (strcmp(t[4], "~") != 0) {
        char *s = t[4];
        for (;;) {
            char *comma = strchr(s, ',');
            if (comma) *comma = '\0';
            if (n == 64 || parse_hex(*s ? s : "-", &comps[n])) { put_err(0, "bad component"); goto out; }
            n++;
            if (!comma) break;
            s = comma + 1;
        }
    }
    memset(&p, 0, sizeof(p));
    p.magic = KV5M_PRINCIPAL;
    p.realm = realm;
    p.data = comps;
    p.length = n;
    p.type = (krb5_int32)type;
    ret = krb5_unparse_name_flags(ctx, &p, (int)flags, &name);
    if (ret) put_err(ret, "krb5_unparse_name_flags");
    else {
        put_hex((const unsigned char *)name, strlen(name));
        krb5_free_unparsed_name(ctx, name);
    }
out:
    for (int i = 0; i < n; i++) free(comps[i].data);
    free(realm.data);
}

static void op_s2k(char **t, int nt)
{
    long etype;
    krb5_data pass, salt, params;
    krb5_keyblock key;
    krb5_error_code ret;
    if (nt != 5 || parse_int(t[1], &etype) || parse_hex(t[2], &pass)) {
        put_err(0, "usage: s2k ETYPE HEXPASS HEXSALT HEXPARAMS|-");
        return;
    }
    if (parse_hex(t[3], &salt)) {
        free(pass.data);
        put_err(0, "bad salt hex");
        return;
    }
    if (parse_hex(t[4], &params)) {
        free(pass.data);
        free(salt.data);
        put_err(0, "bad params hex");
        return;
    }
    memset(&key, 0, sizeof(key));
    ret = krb5_c_string_to_key_with_params(ctx, (krb5_enctype)etype, &pass, &salt,
                                           strcmp(t[4], "-") == 0 ? NULL : &params, &key);
    if (ret)
        put_err(ret, "krb5_c_string_to_key_with_params");
    else
        put_hex(key.contents, key.length);
    krb5_free_keyblock_contents(ctx, &key);
    free(pass.data);
    free(salt.data);
    free(params.data);
}

static void op_enc(char **t, int nt)
{
    long etype, usage;
    krb5_data kbytes, plain;
    krb5_keyblock kb;
    krb5_enc_data out;
    size_t len;
    krb5_error_code ret;
    if (nt != 5 || parse_int(t[1], &etype) || parse_int(t[3], &usage) || parse_hex(t[2], &kbytes)) {
        put_err(0, "usage: enc ETYPE HEXKEY USAGE HEXDATA");
        return;
    }
    if (parse_hex(t[4], &plain)) {
        free(kbytes.data);
        put_err(0, "bad data hex");
        return;
    }
    keyblock_from(&kb, etype, &kbytes);
    memset(&out, 0, sizeof(out));
    ret = krb5_c_encrypt_length(ctx, (krb5_enctype)etype, plain.length, &len);
    if (ret) {
        put_err(ret, "krb5_c_encrypt_length");
    } else {
        out.ciphertext.length = (unsigned int)len;
        out.ciphertext.data = malloc(len + 1);
        ret = krb5_c_encrypt(ctx, &kb, (krb5_keyusage)usage, NULL, &plain, &out);
        if (ret)
            put_err(ret, "krb5_c_encrypt");
        else
            put_hex((unsigned char *)out.ciphertext.data, out.ciphertext.length);
        free(out.ciphertext.data);
    }
    free(kbytes.data);
    free(plain.data);
}

static void op_dec(char **t, int nt)
{
    long etype, usage;
    krb5_data kbytes, cipher, plain;
    krb5_keyblock kb;
    krb5_enc_data in;
    krb5_error_code ret;
    if (nt != 5 || parse_int(t[1], &etype) || parse_int(t[3], &usage) || parse_hex(t[2], &kbytes)) {
        put_err(0, "usage: dec ETYPE HEXKEY USAGE HEXCIPHER");
        return;
    }
    if (parse_hex(t[4], &cipher)) {
        free(kbytes.data);
        put_err(0, "bad cipher hex");
        return;
    }
    keyblock_from(&kb, etype, &kbytes);
    memset(&in, 0, sizeof(in));
    in.magic = KV5M_ENC_DATA;
    in.enctype = (krb5_enctype)etype;
    in.ciphertext = cipher;
    plain.magic = KV5M_DATA;
    plain.length = cipher.length;
    plain.data = malloc(cipher.length + 1);
    ret = krb5_c_decrypt(ctx, &kb, (krb5_keyusage)usage, NULL, &in, &plain);
    if (ret)
        put_err(ret, "krb5_c_decrypt");
    else
        put_hex((unsigned char *)plain.data, plain.length);
    free(plain.data);
    free(kbytes.data);
    free(cipher.data);
}

static void op_cksum(char **t, int nt)
{
    long ctype, etype, usage;
    krb5_data kbytes, data;
    krb5_keyblock kb;
    krb5_checksum ck;
    krb5_error_code ret;
    if (nt != 6 || parse_int(t[1], &ctype) || parse_int(t[2], &etype) || parse_int(t[4], &usage) ||
        parse_hex(t[3], &kbytes)) {
        put_err(0, "usage: cksum CKSUMTYPE ETYPE HEXKEY USAGE HEXDATA");
        return;
    }
    if (parse_hex(t[5], &data)) {
        free(kbytes.data);
        put_err(0, "bad data hex");
        return;
    }
    keyblock_from(&kb, etype, &kbytes);
    memset(&ck, 0, sizeof(ck));
    ret = krb5_c_make_checksum(ctx, (krb5_cksumtype)ctype, &kb, (krb5_keyusage)usage, &data, &ck);
    if (ret)
        put_err(ret, "krb5_c_make_checksum");
    else
        put_hex(ck.contents, ck.length);
    krb5_free_checksum_contents(ctx, &ck);
    free(kbytes.data);
    free(data.data);
}

static void op_verify(char **t, int nt)
{
    long ctype, etype, usage;
    krb5_data kbytes, data, ckbytes;
    krb5_keyblock kb;
    krb5_checksum ck;
    krb5_boolean valid = 0;
    krb5_error_code ret;
    if (nt != 7 || parse_int(t[1], &ctype) || parse_int(t[2], &etype) || parse_int(t[4], &usage) ||
        parse_hex(t[3], &kbytes)) {
        put_err(0, "usage: verify CKSUMTYPE ETYPE HEXKEY USAGE HEXDATA HEXCKSUM");
        return;
    }
    if (parse_hex(t[5], &data)) {
        free(kbytes.data);
        put_err(0, "bad data hex");
        return;
    }
    if (parse_hex(t[6], &ckbytes)) {
        free(kbytes.data);
        free(data.data);
        put_err(0, "bad checksum hex");
        return;
    }
    keyblock_from(&kb, etype, &kbytes);
    memset(&ck, 0, sizeof(ck));
    ck.magic = KV5M_CHECKSUM;
    ck.checksum_type = (krb5_cksumtype)ctype;
    ck.length = ckbytes.length;
    ck.contents = (krb5_octet *)ckbytes.data;
    ret = krb5_c_verify_checksum(ctx, &kb, (krb5_keyusage)usage, &data, &ck, &valid);
    if (ret == KRB5KRB_AP_ERR_BAD_INTEGRITY || ret == KRB5_BAD_MSIZE)
        printf("0\n"); /* a wrong-length checksum is a failed verification, not a usage error */
    else if (ret)
        put_err(ret, "krb5_c_verify_checksum");
    else
        printf("%d\n", valid ? 1 : 0);
    free(kbytes.data);
    free(data.data);
    free(ckbytes.data);
}

static void op_prf(char **t, int nt)
{
    long etype;
    krb5_data kbytes, input, out;
    krb5_keyblock kb;
    size_t len;
    krb5_error_code ret;
    if (nt != 4 || parse_int(t[1], &etype) || parse_hex(t[2], &kbytes)) {
        put_err(0, "usage: prf ETYPE HEXKEY HEXINPUT");
        return;
    }
    if (parse_hex(t[3], &input)) {
        free(kbytes.data);
        put_err(0, "bad input hex");
        return;
    }
    keyblock_from(&kb, etype, &kbytes);
    ret = krb5_c_prf_length(ctx, (krb5_enctype)etype, &len);
    if (ret) {
        put_err(ret, "krb5_c_prf_length");
    } else {
        out.magic = KV5M_DATA;
        out.length = (unsigned int)len;
        out.data = malloc(len + 1);
        ret = krb5_c_prf(ctx, &kb, &input, &out);
        if (ret)
            put_err(ret, "krb5_c_prf");
        else
            put_hex((unsigned char *)out.data, out.length);
        free(out.data);
    }
    free(kbytes.data);
    free(input.data);
}

static void op_cf2(char **t, int nt)
{
    long e1, e2;
    krb5_data k1b, k2b, p1, p2;
    krb5_keyblock kb1, kb2, *out = NULL;
    char *s1, *s2;
    krb5_error_code ret;
    if (nt != 7 || parse_int(t[1], &e1) || parse_int(t[4], &e2)) {
        put_err(0, "usage: cf2 ETYPE1 HEXKEY1 HEXPEPPER1 ETYPE2 HEXKEY2 HEXPEPPER2");
        return;
    }
    if (parse_hex(t[2], &k1b)) {
        put_err(0, "bad key1 hex");
        return;
    }
    if (parse_hex(t[5], &k2b)) {
        free(k1b.data);
        put_err(0, "bad key2 hex");
        return;
    }
    if (parse_hex(t[3], &p1)) {
        free(k1b.data);
        free(k2b.data);
        put_err(0, "bad pepper1 hex");
        return;
    }
    if (parse_hex(t[6], &p2)) {
        free(k1b.data);
        free(k2b.data);
        free(p1.data);
        put_err(0, "bad pepper2 hex");
        return;
    }
    /* krb5_c_fx_cf2_simple takes C strings: the peppers end at their first NUL. */
    s1 = calloc(1, p1.length + 1);
    s2 = calloc(1, p2.length + 1);
    if (s1 && p1.length) memcpy(s1, p1.data, p1.length);
    if (s2 && p2.length) memcpy(s2, p2.data, p2.length);
    keyblock_from(&kb1, e1, &k1b);
    keyblock_from(&kb2, e2, &k2b);
    ret = krb5_c_fx_cf2_simple(ctx, &kb1, s1, &kb2, s2, &out);
    if (ret) {
        put_err(ret, "krb5_c_fx_cf2_simple");
    } else {
        printf("%d ", (int)out->enctype);
        put_hex(out->contents, out->length);
        krb5_free_keyblock(ctx, out);
    }
    free(s1);
    free(s2);
    free(k1b.data);
    free(k2b.data);
    free(p1.data);
    free(p2.data);
}

static void op_r2k(char **t, int nt)
{
    long etype;
    krb5_data bytes;
    krb5_keyblock kb;
    size_t keybytes, keylength;
    krb5_error_code ret;
    if (nt != 3 || parse_int(t[1], &etype) || parse_hex(t[2], &bytes)) {
        put_err(0, "usage: r2k ETYPE HEXBYTES");
        return;
    }
    ret = krb5_c_keylengths(ctx, (krb5_enctype)etype, &keybytes, &keylength);
    if (ret) {
        put_err(ret, "krb5_c_keylengths");
    } else {
        memset(&kb, 0, sizeof(kb));
        kb.magic = KV5M_KEYBLOCK;
        kb.enctype = (krb5_enctype)etype;
        kb.length = (unsigned int)keylength;
        kb.contents = calloc(1, keylength + 1);
        ret = krb5_c_random_to_key(ctx, (krb5_enctype)etype, &bytes, &kb);
        if (ret)
            put_err(ret, "krb5_c_random_to_key");
        else
            put_hex(kb.contents, kb.length);
        free(kb.contents);
    }
    free(bytes.data);
}

static void op_info(char **t, int nt)
{
    long etype;
    size_t keybytes, keylength, prflen = 0;
    krb5_error_code ret;
    if (nt != 2 || parse_int(t[1], &etype)) {
        put_err(0, "usage: info ETYPE");
        return;
    }
    ret = krb5_c_keylengths(ctx, (krb5_enctype)etype, &keybytes, &keylength);
    if (!ret) ret = krb5_c_prf_length(ctx, (krb5_enctype)etype, &prflen);
    if (ret)
        put_err(ret, "krb5_c_keylengths");
    else
        printf("%zu %zu %zu\n", keybytes, keylength, prflen);
}

/* ---------- benchmarks ---------- */

static void op_bench(char **t, int nt, int cached)
{
    long etype, size, minms, iter = 0;
    const char *op;
    krb5_keyblock kb;
    krb5_key k = NULL;
    krb5_data plain, dec;
    krb5_enc_data ed;
    size_t clen;
    uint64_t iters = 0, t0, t1, deadline;
    krb5_error_code ret = 0;
    const krb5_keyusage usage = 1024;

    if ((nt != 5 && nt != 6) || parse_int(t[2], &etype) || parse_int(t[3], &size) ||
        parse_int(t[4], &minms) || size < 0 || minms < 0 || (nt == 6 && parse_int(t[5], &iter))) {
        put_err(0, "usage: bench|benchc OP ETYPE SIZE MINMS [ITER]");
        return;
    }
    op = t[1];
    if (iter == 0) iter = (etype == 19 || etype == 20) ? 32768 : 4096;
    memset(&kb, 0, sizeof(kb));
    memset(&ed, 0, sizeof(ed));
    plain.magic = dec.magic = KV5M_DATA;
    plain.length = (unsigned int)size;
    plain.data = malloc((size_t)size + 1);
    dec.data = NULL;
    for (long i = 0; i < size; i++) plain.data[i] = (char)(i * 31 + 7);

    if (strcmp(op, "s2k") == 0) {
        unsigned char pbuf[4] = { (unsigned char)(iter >> 24), (unsigned char)(iter >> 16),
                                  (unsigned char)(iter >> 8), (unsigned char)iter };
        krb5_data salt = { KV5M_DATA, 15, "EXAMPLE.COMuser" };
        krb5_data params = { KV5M_DATA, 4, (char *)pbuf };
        for (long i = 0; i < size; i++) plain.data[i] = (char)('a' + i % 26);
        t0 = now_ns();
        deadline = t0 + (uint64_t)minms * 1000000u;
        do {
            krb5_keyblock out;
            memset(&out, 0, sizeof(out));
            ret = krb5_c_string_to_key_with_params(ctx, (krb5_enctype)etype, &plain, &salt,
                                                   etype == 23 ? NULL : &params, &out);
            krb5_free_keyblock_contents(ctx, &out);
            iters++;
            t1 = now_ns();
        } while (!ret && t1 < deadline);
        if (ret)
            put_err(ret, "bench s2k");
        else
            printf("%llu %.1f\n", (unsigned long long)iters, (double)(t1 - t0) / (double)iters);
        free(plain.data);
        return;
    }

    ret = krb5_c_make_random_key(ctx, (krb5_enctype)etype, &kb);
    if (!ret) ret = krb5_k_create_key(ctx, &kb, &k);
    if (!ret) ret = krb5_c_encrypt_length(ctx, (krb5_enctype)etype, plain.length, &clen);
    if (ret) {
        put_err(ret, "bench setup");
        goto done;
    }
    ed.magic = KV5M_ENC_DATA;
    ed.enctype = (krb5_enctype)etype;
    ed.ciphertext.length = (unsigned int)clen;
    ed.ciphertext.data = malloc(clen + 1);
    dec.length = (unsigned int)clen;
    dec.data = malloc(clen + 1);

    if (strcmp(op, "enc") == 0) {
        t0 = now_ns();
        deadline = t0 + (uint64_t)minms * 1000000u;
        do {
            ed.ciphertext.length = (unsigned int)clen;
            ret = cached ? krb5_k_encrypt(ctx, k, usage, NULL, &plain, &ed)
                         : krb5_c_encrypt(ctx, &kb, usage, NULL, &plain, &ed);
            iters++;
            t1 = now_ns();
        } while (!ret && t1 < deadline);
    } else if (strcmp(op, "dec") == 0) {
        ret = krb5_k_encrypt(ctx, k, usage, NULL, &plain, &ed);
        t0 = now_ns();
        deadline = t0 + (uint64_t)minms * 1000000u;
        while (!ret) {
            dec.length = (unsigned int)clen;
            ret = cached ? krb5_k_decrypt(ctx, k, usage, NULL, &ed, &dec)
                         : krb5_c_decrypt(ctx, &kb, usage, NULL, &ed, &dec);
            iters++;
            t1 = now_ns();
            if (t1 >= deadline) break;
        }
        if (!ret && (dec.length != plain.length || memcmp(dec.data, plain.data, plain.length) != 0)) {
            put_err(0, "bench dec: round trip mismatch");
            goto done;
        }
    } else if (strcmp(op, "cksum") == 0) {
        t0 = now_ns();
        deadline = t0 + (uint64_t)minms * 1000000u;
        do {
            krb5_checksum ck;
            memset(&ck, 0, sizeof(ck));
            ret = cached ? krb5_k_make_checksum(ctx, 0, k, usage, &plain, &ck)
                         : krb5_c_make_checksum(ctx, 0, &kb, usage, &plain, &ck);
            krb5_free_checksum_contents(ctx, &ck);
            iters++;
            t1 = now_ns();
        } while (!ret && t1 < deadline);
    } else {
        put_err(0, "bench: OP must be enc, dec, cksum or s2k");
        goto done;
    }
    if (ret)
        put_err(ret, "bench");
    else
        printf("%llu %.1f\n", (unsigned long long)iters, (double)(t1 - t0) / (double)iters);
done:
    krb5_k_free_key(ctx, k);
    krb5_free_keyblock_contents(ctx, &kb);
    free(ed.ciphertext.data);
    free(dec.data);
    free(plain.data);
}

/* ---------- krb5_aname_to_localname over a given krb5.conf ---------- */

static char *a2l_conf_hex = NULL;
static char a2l_path[64] = "";
static krb5_context a2l_ctx = NULL;

static void op_aname2lname(char **t, int nt)
{
    long type;
    krb5_data conf, realm;
    krb5_principal_data p;
    krb5_data comps[64];
    char lname[4096];
    krb5_error_code ret;
    int n = 0;
    if (nt != 5 || parse_int(t[2], &type) || parse_hex(t[3], &realm)) { put_err(0, "usage: aname2lname HEXKRB5CONF TYPE HEXREALM COMPS"); return; }
    if (a2l_conf_hex == NULL || strcmp(a2l_conf_hex, t[1]) != 0) {
        FILE *f;
        int fd;
        if (parse_hex(t[1], &conf)) { put_err(0, "bad krb5.conf hex"); free(realm.data); return; }
        if (a2l_ctx) krb5_free_context(a2l_ctx);
        a2l_ctx = NULL;
        if (a2l_path[0]) unlink(a2l_path);
        strcpy(a2l_path, "/tmp/krb5harness-a2l-XXXXXX");
        fd = mkstemp(a2l_path);
        if (fd < 0 || (f = fdopen(fd, "w")) == NULL) { put_err(0, "mkstemp"); free(conf.data); free(realm.data); a2l_path[0] = 0; return; }
        fwrite(conf.data, 1, conf.length, f);
        fclose(f);
        free(conf.data);
        setenv("KRB5_CONFIG", a2l_path, 1);
        ret = krb5_init_context(&a2l_ctx);
        if (ret) { a2l_ctx = NULL; put_err(ret, "krb5_init_context"); free(realm.data); return; }
        free(a2l_conf_hex);
        a2l_conf_hex = strdup(t[1]);
    }
    if (strcmp(t[4], "~") != 0) {
        char *s = t[4];
        for (;;) {
            char *comma = strchr(s, ',');
            if (comma) *comma = '\0';
            if (n == 64 || parse_hex(*s ? s : "-", &comps[n])) { put_err(0, "bad component"); goto out; }
            n++;
            if (!comma) break;
            s = comma + 1;
        }
    }
    memset(&p, 0, sizeof(p));
    p.magic = KV5M_PRINCIPAL;
    p.realm = realm;
    p.data = comps;
    p.length = n;
    p.type = (krb5_int32)type;
    ret = krb5_aname_to_localname(a2l_ctx, &p, sizeof(lname), lname);
    if (ret) put_err(ret, "krb5_aname_to_localname");
    else put_hex((const unsigned char *)lname, strlen(lname));
out:
    for (int i = 0; i < n; i++) free(comps[i].data);
    free(realm.data);
}

/* ---------- MS-PAC ---------- */

struct pacreq {
    krb5_data pac, sk, kk, ptext;
    krb5_keyblock skb, kkb;
    krb5_principal princ;
    long authtime, setype, ketype;
    int has_s, has_k;
};

static void pacreq_free(struct pacreq *r)
{
    free(r->pac.data);
    free(r->sk.data);
    free(r->kk.data);
    free(r->ptext.data);
    if (r->princ) krb5_free_principal(ctx, r->princ);
}

/* t[1..7] = HEXPAC AUTHTIME HEXPRINC SETYPE HEXSKEY KETYPE HEXKKEY; returns 0 or answers an error. */
static int pacreq_parse(char **t, struct pacreq *r)
{
    krb5_error_code ret;
    memset(r, 0, sizeof(*r));
    if (parse_hex(t[1], &r->pac) || parse_int(t[2], &r->authtime) || parse_hex(t[3], &r->ptext) ||
        parse_int(t[4], &r->setype) || parse_hex(t[5], &r->sk) || parse_int(t[6], &r->ketype) ||
        parse_hex(t[7], &r->kk)) {
        put_err(0, "bad pac request");
        pacreq_free(r);
        return -1;
    }
    r->has_s = strcmp(t[5], "-") != 0;
    r->has_k = strcmp(t[7], "-") != 0;
    keyblock_from(&r->skb, r->setype, &r->sk);
    keyblock_from(&r->kkb, r->ketype, &r->kk);
    if (strcmp(t[3], "-") != 0) {
        char *name = malloc(r->ptext.length + 1);
        memcpy(name, r->ptext.data, r->ptext.length);
        name[r->ptext.length] = 0;
        ret = krb5_parse_name(ctx, name, &r->princ);
        free(name);
        if (ret) {
            put_err(ret, "krb5_parse_name");
            pacreq_free(r);
            return -1;
        }
    }
    return 0;
}

static void op_pacverify(char **t, int nt)
{
    struct pacreq r;
    krb5_pac pac = NULL;
    krb5_error_code ret;
    long with_realm;
    if (nt != 9 || parse_int(t[8], &with_realm)) {
        put_err(0, "usage: pacverify HEXPAC AUTHTIME HEXPRINC|- SETYPE HEXSKEY|- KETYPE HEXKKEY|- WITHREALM");
        return;
    }
    if (pacreq_parse(t, &r)) return;
    ret = krb5_pac_parse(ctx, r.pac.data, r.pac.length, &pac);
    if (ret) {
        put_err(ret, "krb5_pac_parse");
    } else {
        ret = krb5_pac_verify_ext(ctx, pac, (krb5_timestamp)r.authtime, r.princ, r.has_s ? &r.skb : NULL,
                                  r.has_k ? &r.kkb : NULL, with_realm ? TRUE : FALSE);
        if (ret) put_err(ret, "krb5_pac_verify_ext");
        else printf("ok\n");
        krb5_pac_free(ctx, pac);
    }
    pacreq_free(&r);
}

static void op_pacbench(char **t, int nt)
{
    struct pacreq r;
    long minms;
    uint64_t iters = 0, t0, t1, deadline;
    krb5_error_code ret = 0;
    if (nt != 9 || parse_int(t[8], &minms)) {
        put_err(0, "usage: pacbench HEXPAC AUTHTIME HEXPRINC SETYPE HEXSKEY KETYPE HEXKKEY|- MINMS");
        return;
    }
    if (pacreq_parse(t, &r)) return;
    t0 = now_ns();
    deadline = t0 + (uint64_t)minms * 1000000u;
    do {
        for (int i = 0; i < 64 && !ret; i++, iters++) {
            krb5_pac pac;
            ret = krb5_pac_parse(ctx, r.pac.data, r.pac.length, &pac);
            if (!ret) {
                ret = krb5_pac_verify(ctx, pac, (krb5_timestamp)r.authtime, r.princ, r.has_s ? &r.skb : NULL,
                                      r.has_k ? &r.kkb : NULL);
                krb5_pac_free(ctx, pac);
            }
        }
        t1 = now_ns();
    } while (!ret && t1 < deadline);
    if (ret) put_err(ret, "krb5_pac_verify");
    else printf("%llu %.1f\n", (unsigned long long)iters, (double)(t1 - t0) / (double)iters);
    pacreq_free(&r);
}

/* ---------- KDC ticket signing (krb5_kdc_sign_ticket / krb5_kdc_verify_ticket) ---------- */

/* libkrb5 exports its ASN.1 codecs for the KDC; they are not in krb5.h. */
krb5_error_code decode_krb5_enc_tkt_part(const krb5_data *, krb5_enc_tkt_part **);
krb5_error_code encode_krb5_enc_tkt_part(const krb5_enc_tkt_part *, krb5_data **);

static krb5_error_code princ_from_hex(const char *tok, krb5_principal *out)
{
    krb5_data d;
    char *name;
    krb5_error_code ret;
    if (parse_hex(tok, &d)) return EINVAL;
    name = malloc(d.length + 1);
    memcpy(name, d.data, d.length);
    name[d.length] = 0;
    free(d.data);
    ret = krb5_parse_name(ctx, name, out);
    free(name);
    return ret;
}

static void op_kdcsign(char **t, int nt)
{
    krb5_data tkt, pacd, sk, kk, *out = NULL;
    long setype, ketype, with_realm;
    krb5_keyblock skb, kkb;
    krb5_enc_tkt_part *enc = NULL;
    krb5_principal sprinc = NULL, cprinc = NULL;
    krb5_pac pac = NULL;
    krb5_error_code ret;
    if (nt != 10 || parse_hex(t[1], &tkt) || parse_hex(t[2], &pacd) || parse_int(t[5], &setype) || parse_hex(t[6], &sk) ||
        parse_int(t[7], &ketype) || parse_hex(t[8], &kk) || parse_int(t[9], &with_realm)) {
        put_err(0, "usage: kdcsign HEXENCTKT HEXPAC HEXSERVER HEXCLIENT SETYPE HEXSKEY KETYPE HEXKKEY WITHREALM");
        return;
    }
    keyblock_from(&skb, setype, &sk);
    keyblock_from(&kkb, ketype, &kk);
    if ((ret = decode_krb5_enc_tkt_part(&tkt, &enc))) put_err(ret, "decode_krb5_enc_tkt_part");
    else if ((ret = krb5_pac_parse(ctx, pacd.data, pacd.length, &pac))) put_err(ret, "krb5_pac_parse");
    else if ((ret = princ_from_hex(t[3], &sprinc)) || (ret = princ_from_hex(t[4], &cprinc))) put_err(ret, "krb5_parse_name");
    else if ((ret = krb5_kdc_sign_ticket(ctx, enc, pac, sprinc, cprinc, &skb, &kkb, with_realm ? TRUE : FALSE))) put_err(ret, "krb5_kdc_sign_ticket");
    else if ((ret = encode_krb5_enc_tkt_part(enc, &out))) put_err(ret, "encode_krb5_enc_tkt_part");
    else {
        put_hex((const unsigned char *)out->data, out->length);
        printf("\n");
    }
    if (out) krb5_free_data(ctx, out);
    if (pac) krb5_pac_free(ctx, pac);
    if (enc) krb5_free_enc_tkt_part(ctx, enc);
    if (sprinc) krb5_free_principal(ctx, sprinc);
    if (cprinc) krb5_free_principal(ctx, cprinc);
    free(tkt.data);
    free(pacd.data);
    free(sk.data);
    free(kk.data);
}

static void op_kdcverify(char **t, int nt)
{
    krb5_data tkt, sk, kk;
    long setype, ketype;
    krb5_keyblock skb, kkb;
    krb5_enc_tkt_part *enc = NULL;
    krb5_principal sprinc = NULL;
    krb5_pac pac = NULL;
    krb5_error_code ret;
    if (nt != 7 || parse_hex(t[1], &tkt) || parse_int(t[3], &setype) || parse_hex(t[4], &sk) || parse_int(t[5], &ketype) ||
        parse_hex(t[6], &kk)) {
        put_err(0, "usage: kdcverify HEXENCTKT HEXSERVER SETYPE HEXSKEY KETYPE HEXKKEY|-");
        return;
    }
    keyblock_from(&skb, setype, &sk);
    keyblock_from(&kkb, ketype, &kk);
    if ((ret = decode_krb5_enc_tkt_part(&tkt, &enc))) put_err(ret, "decode_krb5_enc_tkt_part");
    else if ((ret = princ_from_hex(t[2], &sprinc))) put_err(ret, "krb5_parse_name");
    else if ((ret = krb5_kdc_verify_ticket(ctx, enc, sprinc, &skb, strcmp(t[6], "-") ? &kkb : NULL, &pac))) put_err(ret, "krb5_kdc_verify_ticket");
    else if (pac == NULL) printf("ok 0\n");
    else {
        size_t n = 0;
        krb5_ui_4 *types = NULL;
        if ((ret = krb5_pac_get_types(ctx, pac, &n, &types))) put_err(ret, "krb5_pac_get_types");
        else {
            printf("ok %zu ", n);
            for (size_t i = 0; i < n; i++) printf(i ? ",%u" : "%u", (unsigned)types[i]);
            printf("\n");
        }
        free(types);
    }
    if (pac) krb5_pac_free(ctx, pac);
    if (enc) krb5_free_enc_tkt_part(ctx, enc);
    if (sprinc) krb5_free_principal(ctx, sprinc);
    free(tkt.data);
    free(sk.data);
    free(kk.data);
}

/* ---------- main loop ---------- */

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    krb5_error_code ret;

    ret = krb5_init_context(&ctx);
    if (ret) {
        fprintf(stderr, "krb5harness: krb5_init_context failed: %ld\n", (long)ret);
        return 2;
    }
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        char *t[MAXTOK + 1];
        int nt = 0;
        char *save = NULL;
        for (char *p = strtok_r(line, " \t\r\n", &save); p; p = strtok_r(NULL, " \t\r\n", &save)) {
            if (nt > MAXTOK) break;
            t[nt++] = p;
        }
        if (nt == 0) {
            put_err(0, "empty request");
        } else if (nt > MAXTOK) {
            put_err(0, "too many fields");
        } else if (strcmp(t[0], "s2k") == 0) {
            op_s2k(t, nt);
        } else if (strcmp(t[0], "enc") == 0) {
            op_enc(t, nt);
        } else if (strcmp(t[0], "dec") == 0) {
            op_dec(t, nt);
        } else if (strcmp(t[0], "cksum") == 0) {
            op_cksum(t, nt);
        } else if (strcmp(t[0], "verify") == 0) {
            op_verify(t, nt);
        } else if (strcmp(t[0], "prf") == 0) {
            op_prf(t, nt);
        } else if (strcmp(t[0], "cf2") == 0) {
            op_cf2(t, nt);
        } else if (strcmp(t[0], "r2k") == 0) {
            op_r2k(t, nt);
        } else if (strcmp(t[0], "info") == 0) {
            op_info(t, nt);
        } else if (strcmp(t[0], "bench") == 0) {
            op_bench(t, nt, 1);
        } else if (strcmp(t[0], "benchc") == 0) {
            op_bench(t, nt, 0);
        } else if (strcmp(t[0], "defrealm") == 0) {
            op_defrealm(t, nt);
        } else if (strcmp(t[0], "parse") == 0) {
            op_parse(t, nt);
        } else if (strcmp(t[0], "unparse") == 0) {
            op_unparse(t, nt);
        } else if (strcmp(t[0], "aname2lname") == 0) {
            op_aname2lname(t, nt);
        } else if (strcmp(t[0], "pacverify") == 0) {
            op_pacverify(t, nt);
        } else if (strcmp(t[0], "pacbench") == 0) {
            op_pacbench(t, nt);
        } else if (strcmp(t[0], "kdcsign") == 0) {
            op_kdcsign(t, nt);
        } else if (strcmp(t[0], "kdcverify") == 0) {
            op_kdcverify(t, nt);
        } else if (strcmp(t[0], "version") == 0) {
            printf("krb5harness 1\n");
        } else if (strcmp(t[0], "quit") == 0) {
            break;
        } else {
            put_err(0, "unknown request");
        }
        fflush(stdout);
    }
    free(line);
    if (a2l_ctx) krb5_free_context(a2l_ctx);
    if (a2l_path[0]) unlink(a2l_path);
    free(a2l_conf_hex);
    krb5_free_context(ctx);
    return 0;
}
