/* verify_source: the analysed text a file's findings share (reference counted), parsed again
 * with the modules of its project on the first run of the script's own code (verify_exec.c). */
#include <stdlib.h>

#include "exec.h"

VerifySource *verify_source_new(const char *path, const char *text, size_t len, const void *key) {
    VerifySource *s = calloc(1, sizeof *s);
    char *buf = malloc(len + 1);
    if (!s || !buf) {
        free(s);
        free(buf);
        return NULL;
    }
    memcpy(buf, text, len);
    if (source_from_buffer(&s->src, path, buf, len) != SOURCE_OK) {
        source_free(&s->src);
        free(s);
        return NULL;
    }
    atomic_init(&s->refs, 1);
    s->key = key;
    return s;
}

const void *verify_source_key(const VerifySource *s) {
    return s->key;
}

const ExecModules *verify_source_modules(const VerifySource *s) {
    return s->parse_ok ? &s->mods : NULL;
}

const char *verify_source_text(const VerifySource *s, size_t *len) {
    *len = s->src.len;
    return s->src.text;
}

VerifySource *verify_source_ref(VerifySource *s) {
    if (s) atomic_fetch_add(&s->refs, 1);
    return s;
}

void verify_source_trim(VerifySource *s) {
    if (!s || !s->parse_tried) return;
    if (s->parse_ok) exec_modules_free(&s->mods);
    if (s->parse_ok) parse_free(&s->parsed);
    s->parse_tried = s->parse_ok = false;
}

void verify_source_unref(VerifySource *s) {
    if (!s || atomic_fetch_sub(&s->refs, 1) != 1) return;
    verify_source_trim(s);
    source_free(&s->src);
    free(s);
}

bool verify_source_parse(VerifySource *s) {
    if (!s->parse_tried) {
        s->parse_tried = true;
        s->parse_ok = parse_python(&s->parsed, &s->src) == PARSE_OK;
        if (s->parse_ok) exec_modules_init(&s->mods, &s->src, s->parsed.root);
    }
    return s->parse_ok;
}
