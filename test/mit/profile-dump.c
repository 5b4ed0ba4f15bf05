/*
 * profile-dump: dumps what MIT krb5's own profile library (libkrb5's profile API) makes of one
 * or more krb5.conf files, as JSON lines, for the differential test of src/formats/krb5conf.ts.
 *
 *   profile-dump FILE[:FILE...]
 *
 * Output, one JSON object a line:
 *   {"error":CODE,"message":"..."}          profile_init_path failed (syntax error, bad include)
 *   {"tree":"..."}                          profile_flush_to_buffer: the first file's node tree in
 *                                           MIT's own serialization (final markers included)
 *   {"path":[...],"children":[[n,v],...]}   profile_iterator with PROFILE_ITER_LIST_SECTION over
 *                                           the section at path, in order; v is null for a
 *                                           subsection (then its own "path" line follows)
 *   {"path":[...],"values":[...]}           profile_get_values for each relation name seen
 *   {"path":[...],"boolean":B|null}         profile_get_boolean for relations 2 or 3 deep
 *                                           (null: PROF_BAD_BOOLEAN)
 *
 *   profile-dump --eval    reads lines from stdin and answers each with one JSON line:
 *     deltat STRING          {"deltat":N} or {"error":CODE}       (krb5_string_to_deltat)
 *     enctype STRING         {"enctype":N} or {"error":CODE}      (krb5_string_to_enctype)
 *   profile-dump --context FILE HOST...   with KRB5_CONFIG=FILE, one JSON line:
 *     {"permitted":[...],"realms":{HOST:[...]},"default_realm":S|null}
 *     (krb5_get_permitted_enctypes, krb5_get_host_realm, krb5_get_default_realm)
 * The walk follows MIT's lookup rules (first matching subsection at each level, final flags,
 * later files), so the test compares our queries with MIT's, not only the parse.
 */
#include <krb5.h>
#include <profile.h>
#include <com_err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void json_str(const char *s) {
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') printf("\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f) printf("\\u%04x", *p);
        else putchar(*p);
    }
    putchar('"');
}

static void json_path(const char **names, int depth) {
    printf("\"path\":[");
    for (int i = 0; i < depth; i++) { if (i) putchar(','); json_str(names[i]); }
    putchar(']');
}

#define MAXDEPTH 16
#define MAXCHILD 4096

static int walk(profile_t prof, const char **names, int depth) {
    void *iter = NULL;
    char *cname[MAXCHILD], *cval[MAXCHILD];
    int n = 0;
    names[depth] = NULL;
    long r = profile_iterator_create(prof, names, PROFILE_ITER_LIST_SECTION, &iter);
    if (r) { fprintf(stderr, "iterator_create: %s\n", error_message(r)); return 1; }
    for (;;) {
        char *name = NULL, *value = NULL;
        r = profile_iterator(&iter, &name, &value);
        if (r) { fprintf(stderr, "iterator: %s\n", error_message(r)); return 1; }
        if (name == NULL) break;
        if (n == MAXCHILD) { fprintf(stderr, "too many children\n"); return 1; }
        cname[n] = name; cval[n] = value; n++;
    }
    profile_iterator_free(&iter);
    putchar('{'); json_path(names, depth); printf(",\"children\":[");
    for (int i = 0; i < n; i++) {
        if (i) putchar(',');
        putchar('['); json_str(cname[i]); putchar(',');
        if (cval[i]) json_str(cval[i]); else printf("null");
        putchar(']');
    }
    printf("]}\n");
    /* each distinct relation name once: its values through profile_get_values */
    for (int i = 0; i < n; i++) {
        if (!cval[i]) continue;
        int seen = 0;
        for (int j = 0; j < i; j++) if (cval[j] && !strcmp(cname[j], cname[i])) seen = 1;
        if (seen) continue;
        char **vals = NULL;
        names[depth] = cname[i]; names[depth + 1] = NULL;
        r = profile_get_values(prof, names, &vals);
        putchar('{'); json_path(names, depth + 1); printf(",\"values\":[");
        if (!r) for (int k = 0; vals[k]; k++) { if (k) putchar(','); json_str(vals[k]); }
        printf("]}\n");
        if (!r) profile_free_list(vals);
    }
    /* booleans, where profile_get_boolean can address the relation */
    for (int i = 0; i < n; i++) {
        if (!cval[i] || depth < 1 || depth > 2) continue;
        int seen = 0;
        for (int j = 0; j < i; j++) if (cval[j] && !strcmp(cname[j], cname[i])) seen = 1;
        if (seen) continue;
        int b = 0;
        names[depth] = cname[i]; names[depth + 1] = NULL;
        r = profile_get_boolean(prof, names[0], names[1], depth == 2 ? names[2] : NULL, 0, &b);
        putchar('{'); json_path(names, depth + 1);
        if (r) printf(",\"boolean\":null}\n"); else printf(",\"boolean\":%s}\n", b ? "true" : "false");
    }
    /* each distinct subsection name once */
    for (int i = 0; i < n; i++) {
        if (cval[i]) continue;
        int seen = 0;
        for (int j = 0; j < i; j++) if (!cval[j] && !strcmp(cname[j], cname[i])) seen = 1;
        if (seen || depth + 2 >= MAXDEPTH) continue;
        names[depth] = cname[i];
        if (walk(prof, names, depth + 1)) return 1;
    }
    for (int i = 0; i < n; i++) { profile_release_string(cname[i]); if (cval[i]) profile_release_string(cval[i]); }
    return 0;
}

static int eval_mode(void) {
    char line[4096];
    while (fgets(line, sizeof(line), stdin)) {
        size_t len = strlen(line);
        if (len && line[len - 1] == '\n') line[--len] = 0;
        if (!strncmp(line, "deltat ", 7)) {
            krb5_deltat d = 0;
            krb5_error_code r = krb5_string_to_deltat(line + 7, &d);
            if (r) printf("{\"error\":%ld}\n", (long)r); else printf("{\"deltat\":%ld}\n", (long)d);
        } else if (!strncmp(line, "enctype ", 8)) {
            krb5_enctype e = 0;
            krb5_error_code r = krb5_string_to_enctype(line + 8, &e);
            if (r) printf("{\"error\":%ld}\n", (long)r); else printf("{\"enctype\":%ld}\n", (long)e);
        } else {
            printf("{\"error\":-1}\n");
        }
        fflush(stdout);
    }
    return 0;
}

static int context_mode(int argc, char **argv) {
    krb5_context ctx;
    setenv("KRB5_CONFIG", argv[2], 1);
    krb5_error_code r = krb5_init_context(&ctx);
    if (r) { printf("{\"error\":%ld}\n", (long)r); return 0; }
    krb5_enctype *ets = NULL;
    printf("{\"permitted\":[");
    if (!krb5_get_permitted_enctypes(ctx, &ets)) {
        for (int i = 0; ets[i]; i++) printf("%s%d", i ? "," : "", ets[i]);
        krb5_free_enctypes(ctx, ets);
    }
    printf("],\"realms\":{");
    for (int i = 3; i < argc; i++) {
        char **realms = NULL;
        if (i > 3) putchar(',');
        json_str(argv[i]); printf(":[");
        if (!krb5_get_host_realm(ctx, argv[i], &realms)) {
            for (int k = 0; realms[k]; k++) { if (k) putchar(','); json_str(realms[k]); }
            krb5_free_host_realm(ctx, realms);
        }
        putchar(']');
    }
    char *def = NULL;
    printf("},\"default_realm\":");
    if (!krb5_get_default_realm(ctx, &def)) { json_str(def); krb5_free_default_realm(ctx, def); } else printf("null");
    printf("}\n");
    krb5_free_context(ctx);
    return 0;
}

int main(int argc, char **argv) {
    profile_t prof = NULL;
    if (argc == 2 && !strcmp(argv[1], "--eval")) return eval_mode();
    if (argc >= 3 && !strcmp(argv[1], "--context")) return context_mode(argc, argv);
    if (argc != 2) { fprintf(stderr, "usage: profile-dump FILE[:FILE...]\n"); return 2; }
    long r = profile_init_path(argv[1], &prof);
    if (r) {
        printf("{\"error\":%ld,\"message\":", r); json_str(error_message(r)); printf("}\n");
        return 0;
    }
    char *buf = NULL;
    r = profile_flush_to_buffer(prof, &buf);
    if (!r && buf) { printf("{\"tree\":"); json_str(buf); printf("}\n"); profile_free_buffer(prof, buf); }
    const char *names[MAXDEPTH + 1];
    int rc = walk(prof, names, 0);
    profile_release(prof);
    return rc;
}
