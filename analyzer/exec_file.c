/* exec_file: the script's data files and data sets, which the run never reads or writes. open()
 * (or datasets.load_dataset) gives a file
 * whose records (a JSON list, a JSON-lines file iterated line by line) are bound by their use,
 * as a record parameter's fields are: `row["prompt"]` is the prompt, `row["candidates"]` the
 * candidates, so an evaluation loop that loads its prompts and candidates runs on the table
 * (one record, a stand-in said so). Its path is never looked at; what the script writes (a
 * results file, json.dump) goes nowhere. */
#include <ctype.h>
#include <string.h>

#include "exec.h"

/* The records of a file: one record of the table, its fields bound by use ("file[].prompt"). */
static ExecValue *file_record(ExecRun *r, const char *prefix) {
    ExecValue *f = exec_stand_record(r, prefix);
    if (f) f->obj.type = "file";
    return f;
}

ExecValue *exec_file_open(ExecRun *r, ExecArgs *a) {
    a->used = ~0u; /* the path, the mode, encoding=: nothing is opened */
    r->opened = true;
    if (!exec_stand_in(r, a->at, "open", "the run reads and writes no file: the records it loads are bound by "
                                         "their use (the table's prompt and candidates)"))
        return NULL;
    return file_record(r, "file");
}

/* datasets.load_dataset(...): a data set the run never loads, its examples bound by use as a
 * file's records are. */
static ExecValue *file_dataset(ExecRun *r, const char *q, ExecArgs *a) {
    a->used = ~0u; /* the name, the configuration, split=: nothing is loaded */
    r->opened = true;
    if (!exec_stand_in(r, a->at, q, "the run loads no data set: its examples are bound by their use (the "
                                             "table's prompt and candidates)"))
        return NULL;
    return file_record(r, "data");
}

bool exec_file_split(const ExecValue *v, const ExecValue *key) {
    static const char *const splits[] = {"train", "validation", "valid", "test", "dev", "eval"};
    if (!exec_file_is(v) || strstr(v->obj.lazy, "[]") || key->kind != XV_STR) return false;
    for (size_t i = 0; i < sizeof splits / sizeof *splits; i++) {
        size_t n = strlen(splits[i]);
        if ((size_t)key->str.n >= n && !strncmp(key->str.s, splits[i], n) &&
            ((size_t)key->str.n == n || !isalpha((unsigned char)key->str.s[n])))
            return true; /* "test", "validation_matched" */
    }
    return false;
}

bool exec_file_is(const ExecValue *v) {
    return v && v->kind == XV_OBJECT && !strcmp(v->obj.type, "file");
}

/* What reading a file gives: the file itself, its lines (or its text split into them) iterated
 * as one record; a data set's subsets and reorderings are the same records too, and so are its
 * examples mapped by a function (raw.map(lambda ex: {...})): the fields the mapped records are
 * read by are bound by that use, as the loaded ones are. */
static bool file_reader(const char *m) {
    static const char *const readers[] = {"read",  "readlines", "readline", "strip",   "rstrip", "lstrip",
                                          "splitlines", "split", "decode", "select", "shuffle", "take",
                                          "map", "filter"};
    for (size_t i = 0; i < sizeof readers / sizeof *readers; i++)
        if (!strcmp(m, readers[i])) return true;
    return false;
}

bool exec_file_has_method(const ExecValue *file, const char *m) {
    return exec_file_is(file) && (file_reader(m) || !strcmp(m, "write") || !strcmp(m, "writelines") ||
                                  !strcmp(m, "close") || !strcmp(m, "flush"));
}

ExecValue *exec_file_method(ExecValue *file, const char *m, ExecArgs *a) {
    a->used = ~0u; /* a separator, a size: the records are bound by use whatever they are */
    return file_reader(m) ? file : exec_none();
}

/* json.load(f), json.loads(line), csv.DictReader(f), ...: the records of a file, as they are
 * (a literal's text is not parsed: NULL; delimiter=, fieldnames=: the records are bound by use
 * whatever they are); json.dump to a file: nothing; a data set loaded: its records. */
ExecValue *exec_file_call(ExecRun *r, const char *q, ExecArgs *a) {
    static const char *const loaders[] = {"json.load", "json.loads", "ujson.load", "ujson.loads", "orjson.loads",
                                          "yaml.safe_load", "yaml.load", "ast.literal_eval", "csv.DictReader"};
    static const char *const writers[] = {"json.dump", "yaml.dump", "yaml.safe_dump"};
    if (!strcmp(q, "datasets.load_dataset") || !strcmp(q, "datasets.load_from_disk")) return file_dataset(r, q, a);
    for (size_t i = 0; i < sizeof writers / sizeof *writers; i++)
        if (!strcmp(q, writers[i]) && exec_file_is(exec_arg(a, 1, "fp"))) {
            a->used = ~0u; /* indent=, ensure_ascii=: nothing is written */
            return exec_none();
        }
    for (size_t i = 0; i < sizeof loaders / sizeof *loaders; i++)
        if (!strcmp(q, loaders[i]) && exec_file_is(exec_arg(a, 0, NULL))) {
            a->used = ~0u;
            return exec_arg(a, 0, NULL);
        }
    return NULL;
}

/* A file iterated (its lines, or the items of the JSON list it holds): one record. */
ExecValue *exec_file_iterate(ExecRun *r, ExecValue *file) {
    char *prefix = exec_alloc(r, strlen(file->obj.lazy) + 3);
    ExecValue *l = exec_new(r, XV_LIST), *rec = prefix ? file_record(r, prefix) : NULL;
    if (!l || !rec) return NULL;
    strcpy(prefix, file->obj.lazy);
    if (!strstr(prefix, "[]")) strcat(prefix, "[]");
    rec->obj.lazy_cand = file->obj.lazy_cand;
    return exec_seq_push(r, &l->seq, rec) ? l : NULL;
}
