/* exec_host: what a script reads of the process it would run in, which the code run has none
 * of. Its command line is empty: sys.argv is the script's name and placeholder words ("argv1"
 * .. "argv4", for the model name or path a script takes there), and an argparse parser
 * gives every argument its default (a flag its off value, an argument without a default None),
 * as when none is given. Its environment is empty: os.environ is an empty dict, os.getenv gives
 * its default. There is no GPU: torch.cuda.is_available() is False, and accelerate's
 * Accelerator (or Lightning's Fabric) is one process on the CPU. There are no files:
 * os.path.exists() is False (the path functions that only compute text, join, basename,
 * dirname, run as Python's). Each is a
 * stand-in the counterexample reports. */
#include <stdio.h>
#include <string.h>

#include "exec.h"

/* The attribute an argument is stored under: dest=, else its first long option ("--max-len":
 * max_len), else its first name ("model", "-k": k). NULL: no name given. */
static ExecValue *arg_dest(ExecRun *r, ExecArgs *a) {
    ExecValue *dest = exec_arg(a, -1, "dest");
    if (dest && dest->kind == XV_STR) return dest;
    const char *pick = NULL;
    int n = 0;
    for (int i = 0; i < a->npos; i++) {
        ExecValue *f = a->pos[i];
        if (f->kind != XV_STR || f->str.n == 0) continue;
        bool is_long = f->str.n > 2 && !strncmp(f->str.s, "--", 2);
        if (!pick || is_long) pick = f->str.s, n = f->str.n;
        if (is_long) break;
    }
    if (!pick) return NULL;
    while (n > 0 && *pick == '-')
        pick++, n--;
    char buf[128];
    if (n <= 0 || n >= (int)sizeof buf) return NULL;
    for (int i = 0; i < n; i++)
        buf[i] = pick[i] == '-' ? '_' : pick[i];
    return exec_str(r, buf, n);
}

/* parser.add_argument(...): the argument's default stored under its name. */
static ExecValue *add_argument(ExecRun *r, ExecValue *parser, ExecArgs *a) {
    ExecValue *name = arg_dest(r, a);
    if (!name) return r->failed ? NULL : exec_fail_at(r, a->at, "add_argument() without a name");
    ExecValue *dflt = exec_arg(a, -1, "default"), *type = exec_arg(a, -1, "type"), *action = exec_arg(a, -1, "action");
    a->used = ~0u; /* help=, choices=, required=, nargs=, metavar=: nothing a default depends on */
    if (!dflt && action && action->kind == XV_STR) {
        if (!strcmp(action->str.s, "store_true")) dflt = exec_bool(false);
        else if (!strcmp(action->str.s, "store_false")) dflt = exec_bool(true);
    }
    if (!dflt) dflt = exec_none();
    /* argparse converts a string default with type=, as it would the command line's text */
    if (dflt->kind == XV_STR && type && !(dflt = exec_call_value(r, type, &dflt, 1, NULL, NULL, 0, a->at))) return NULL;
    if (exec_dict_get(&parser->obj.fields, name)) return exec_none(); /* the first one given wins */
    return exec_dict_set(r, &parser->obj.fields, name, dflt) ? exec_none() : NULL;
}

/* parser.parse_args(): a namespace of every argument's default. */
static ExecValue *parse_args(ExecRun *r, ExecValue *parser, ExecArgs *a) {
    a->used = ~0u;
    if (!exec_stand_in(r, a->at, "argparse", "every argument its default (the run has no command line)")) return NULL;
    ExecValue *ns = exec_object(r, "namespace");
    for (int i = 0; ns && i < parser->obj.fields.n; i++)
        if (!exec_dict_set(r, &ns->obj.fields, parser->obj.fields.keys[i], parser->obj.fields.vals[i])) return NULL;
    return ns;
}

ExecValue *exec_host_method(ExecRun *r, ExecValue *parser, const char *m, ExecArgs *a) {
    if (!strcmp(m, "add_argument")) return add_argument(r, parser, a);
    if (!strcmp(m, "add_argument_group") || !strcmp(m, "add_mutually_exclusive_group")) {
        a->used = ~0u;
        return parser; /* a group's arguments are the parser's */
    }
    if (!strcmp(m, "set_defaults")) {
        for (int k = 0; k < a->nkw; k++)
            if (!exec_dict_set_str(r, &parser->obj.fields, a->kw[k], a->kwv[k])) return NULL;
        a->used = ~0u;
        return exec_none();
    }
    if (!strcmp(m, "parse_args")) return parse_args(r, parser, a);
    if (!strcmp(m, "parse_known_args")) { /* (namespace, the arguments it did not know: none) */
        ExecValue *pair = exec_new(r, XV_TUPLE), *ns = parse_args(r, parser, a);
        return pair && ns && exec_seq_push(r, &pair->seq, ns) && exec_seq_push(r, &pair->seq, exec_new(r, XV_LIST))
                   ? pair
                   : NULL;
    }
    return NULL;
}

/* os.path.join / basename / dirname of texts, as posixpath computes them (NULL: not one). */
static ExecValue *path_text(ExecRun *r, const char *q, ExecArgs *a) {
    bool join = !strcmp(q, "os.path.join"), base = !strcmp(q, "os.path.basename"), dir = !strcmp(q, "os.path.dirname");
    if (!join && !base && !dir) return NULL;
    for (int i = 0; i < a->npos; i++)
        if (a->pos[i]->kind != XV_STR) return exec_fail_at(r, a->at, "%s() of a %s", q, exec_kind_name(a->pos[i]));
    if (a->npos < 1 || (!join && a->npos != 1)) return exec_fail_at(r, a->at, "%s() of %d texts", q, a->npos);
    if (!join) {
        const char *s = a->pos[0]->str.s;
        int n = a->pos[0]->str.n, cut = n;
        while (cut > 0 && s[cut - 1] != '/')
            cut--;
        if (base) return exec_str(r, s + cut, n - cut);
        int end = cut; /* the head without its trailing slashes, unless it is all slashes */
        while (end > 1 && s[end - 1] == '/')
            end--;
        return exec_str(r, s, end);
    }
    ExecBuf b = {0};
    for (int i = 0; i < a->npos; i++) {
        const ExecValue *p = a->pos[i];
        if (p->str.n && p->str.s[0] == '/') b.n = 0; /* an absolute part restarts the path */
        else if (b.n && b.s[b.n - 1] != '/' && !exec_buf_add(r, &b, "/", 1)) return NULL;
        if (!exec_buf_add(r, &b, p->str.s, p->str.n)) return NULL;
    }
    return exec_str(r, b.s ? b.s : "", b.n);
}

ExecValue *exec_host_call(ExecRun *r, const char *q, ExecArgs *a) {
    ExecValue *path = path_text(r, q, a);
    if (path || r->failed) return path;
    if (!strcmp(q, "os.path.exists") || !strcmp(q, "os.path.isfile") || !strcmp(q, "os.path.isdir")) {
        if (!exec_arg(a, 0, "path")) return exec_fail_at(r, a->at, "%s() of nothing", q);
        return exec_stand_in(r, a->at, q, "False (the run has no files)") ? exec_bool(false) : NULL;
    }
    if (!strcmp(q, "torch.device")) { /* torch.device("cuda", 0): a device is its name to the run */
        ExecValue *type = exec_arg(a, 0, "type");
        (void)exec_arg(a, 1, "index");
        if (!type || type->kind != XV_STR) return exec_fail_at(r, a->at, "torch.device() of other than a name");
        return type;
    }
    if (!strcmp(q, "torch.load") || !strcmp(q, "safetensors.torch.load_file") ||
        !strcmp(q, "flax.training.checkpoints.restore_checkpoint")) {
        /* weights the run cannot read: an opaque checkpoint, which only a model's load_state_dict
         * takes (any other use of it ends the run) */
        a->used = ~0u;
        return exec_stand_in(r, a->at, q, "a checkpoint the run cannot read (the toy LM's weights stand for it)")
                   ? exec_object(r, "checkpoint")
                   : NULL;
    }
    if (!strcmp(q, "accelerate.Accelerator") || !strcmp(q, "lightning.Fabric") || !strcmp(q, "lightning.fabric.Fabric") ||
        !strcmp(q, "lightning_fabric.Fabric")) { /* Lightning's Fabric: the same one process */
        a->used = ~0u; /* mixed_precision=, gradient_accumulation_steps=: nothing one process's score reads */
        return exec_host_accelerator(r, strstr(q, "Fabric") ? "Fabric" : "Accelerator");
    }
    if (!strcmp(q, "argparse.ArgumentParser")) {
        a->used = ~0u; /* description=, formatter_class=: nothing a default depends on */
        return exec_object(r, "argparser");
    }
    if (!strcmp(q, "torch.cuda.is_available") || !strcmp(q, "torch.backends.mps.is_available") ||
        !strcmp(q, "torch.cuda.device_count")) {
        if (!exec_stand_in(r, a->at, q, "%s (the run has no GPU)", q[strlen(q) - 1] == 't' ? "0" : "False")) return NULL;
        return q[strlen(q) - 1] == 't' ? exec_int(r, 0) : exec_bool(false);
    }
    if (!strcmp(q, "accelerate.utils.gather_object") || !strcmp(q, "accelerate.utils.gather") ||
        !strcmp(q, "accelerate.utils.reduce") || !strcmp(q, "accelerate.utils.pad_across_processes") ||
        !strcmp(q, "accelerate.utils.broadcast")) { /* across processes, of one process: the value itself */
        a->used = ~0u; /* reduction=, dim=, pad_index=, from_process=: one process's value either way */
        ExecValue *x = exec_arg(a, 0, "tensor");
        if (!x) x = exec_arg(a, 0, "object");
        if (!x) return exec_fail_at(r, a->at, "%s() of nothing", q);
        return exec_stand_in(r, a->at, q, "the identity (the run is one process)") ? x : NULL;
    }
    if (!strcmp(q, "jax.lax.psum") || !strcmp(q, "jax.lax.pmean") || !strcmp(q, "jax.lax.pmax") ||
        !strcmp(q, "jax.lax.pmin")) { /* a reduction across devices, of one device: the value itself */
        a->used = ~0u; /* axis_name= */
        ExecValue *x = exec_arg(a, 0, "x");
        if (!x) return exec_fail_at(r, a->at, "%s() of nothing", q);
        return exec_stand_in(r, a->at, q, "the identity (the run has one device)") ? x : NULL;
    }
    if (!strcmp(q, "os.getenv")) {
        ExecValue *dflt = exec_arg(a, 1, "default");
        if (!exec_arg(a, 0, "key")) return exec_fail_at(r, a->at, "%s() without a name", q);
        if (!exec_stand_in(r, a->at, "os.environ", "empty (the run has no environment)")) return NULL;
        return dflt ? dflt : exec_none();
    }
    return NULL;
}

ExecValue *exec_host_value(ExecRun *r, const char *q, TSNode at) {
    if (!strcmp(q, "os.environ")) {
        if (!exec_stand_in(r, at, "os.environ", "empty (the run has no environment)")) return NULL;
        return exec_new(r, XV_DICT);
    }
    if (!strcmp(q, "__file__")) { /* the script's own path, as its name only */
        const char *path = r->src->path, *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        return exec_stand_in(r, at, "__file__", "\"%s\" (the run has no files)", base) ? exec_str(r, base, (int)strlen(base)) : NULL;
    }
    if (!strcmp(q, "sys.argv")) {
        const char *path = r->src->path, *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        if (!exec_stand_in(r, at, "sys.argv", "[\"%s\", \"argv1\", .., \"argv4\"] (the run has no command line)", base))
            return NULL;
        ExecValue *argv = exec_new(r, XV_LIST), *prog = exec_str(r, base, (int)strlen(base));
        if (!argv || !prog || !exec_seq_push(r, &argv->seq, prog)) return NULL;
        for (int i = 1; i <= 4; i++) {
            char w[8];
            snprintf(w, sizeof w, "argv%d", i);
            if (!exec_seq_push(r, &argv->seq, exec_str(r, w, 5))) return NULL;
        }
        return argv;
    }
    static const char *const strings[][2] = {{"string.ascii_uppercase", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
                                             {"string.ascii_lowercase", "abcdefghijklmnopqrstuvwxyz"},
                                             {"string.ascii_letters", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"},
                                             {"string.digits", "0123456789"},
                                             {"string.punctuation", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"},
                                             {"string.whitespace", " \t\n\r\x0b\x0c"}};
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
        if (!strcmp(q, strings[i][0])) return exec_str(r, strings[i][1], (int)strlen(strings[i][1]));
    return NULL;
}

/* Methods whose value is their argument(s) on one process, and those that do nothing there. */
static const char *const accel_identity[] = {"unwrap_model", "prepare", "prepare_model", "gather", "gather_for_metrics",
                                             "reduce", "pad_across_processes", "prepare_data_loader",
                                             /* Lightning Fabric's */
                                             "setup", "setup_module", "setup_dataloaders", "to_device", "all_gather",
                                             "all_reduce"};
static const char *const accel_inert[] = {"wait_for_everyone", "print", "log", "backward", "end_training",
                                          "free_memory", "init_trackers", "barrier", "log_dict", "seed_everything",
                                          /* files the run never reads back */
                                          "save_model", "save_state", "save"};
/* Methods that give a context the block runs in unchanged on one process (gradient accumulation,
 * mixed precision, the main process first). */
static const char *const accel_context[] = {"accumulate", "autocast", "no_sync", "main_process_first",
                                            "local_main_process_first"};

/* Is m a method Lightning's Fabric has and accelerate's Accelerator has not? */
bool exec_host_fabric_method(const char *m) {
    static const char *const own[] = {"setup", "setup_module", "setup_dataloaders", "to_device", "all_gather",
                                      "all_reduce", "barrier", "print", "log_dict", "seed_everything"};
    for (size_t i = 0; i < sizeof own / sizeof *own; i++)
        if (!strcmp(m, own[i])) return true;
    return false;
}

bool exec_host_accelerator_method(const char *m) {
    /* only the Accelerator's own names: gather, reduce, log or backward may be a tensor's */
    static const char *const own[] = {"unwrap_model", "prepare", "prepare_model", "gather_for_metrics",
                                      "pad_across_processes", "prepare_data_loader", "wait_for_everyone",
                                      "end_training", "free_memory", "init_trackers",
                                      /* Lightning Fabric's (fabric.print("...") first: no tensor prints) */
                                      "setup_module", "setup_dataloaders", "barrier", "print"};
    for (size_t i = 0; i < sizeof own / sizeof *own; i++)
        if (!strcmp(m, own[i])) return true;
    return false;
}

ExecValue *exec_host_accelerator(ExecRun *r, const char *what) {
    if (!exec_stand_in(r, (TSNode){0}, what, "one process on the CPU")) return NULL;
    ExecValue *acc = exec_object(r, "accelerator");
    if (!acc || !exec_dict_set_str(r, &acc->obj.fields, "device", exec_str(r, "cpu", 3)) ||
        !exec_dict_set_str(r, &acc->obj.fields, "is_main_process", exec_bool(true)) ||
        !exec_dict_set_str(r, &acc->obj.fields, "is_local_main_process", exec_bool(true)) ||
        !exec_dict_set_str(r, &acc->obj.fields, "num_processes", exec_int(r, 1)) ||
        !exec_dict_set_str(r, &acc->obj.fields, "process_index", exec_int(r, 0)))
        return NULL;
    return acc;
}

ExecValue *exec_host_accelerator_call(ExecRun *r, const char *m, ExecArgs *a) {
    for (size_t i = 0; i < sizeof accel_inert / sizeof *accel_inert; i++)
        if (!strcmp(m, accel_inert[i])) {
            a->used = ~0u;
            return exec_none();
        }
    for (size_t i = 0; i < sizeof accel_context / sizeof *accel_context; i++)
        if (!strcmp(m, accel_context[i])) {
            a->used = ~0u;
            return exec_object(r, "context");
        }
    bool identity = false;
    for (size_t i = 0; i < sizeof accel_identity / sizeof *accel_identity; i++)
        identity |= !strcmp(m, accel_identity[i]);
    if (!identity) return NULL;
    a->used = ~0u; /* dim=, pad_index=, device_placement=: one process has nothing to gather or pad */
    if (a->npos == 1) return a->pos[0];
    ExecValue *all = exec_new(r, XV_TUPLE); /* prepare(model, optimizer, loader): each as it was */
    for (int i = 0; all && i < a->npos; i++)
        if (!exec_seq_push(r, &all->seq, a->pos[i])) return NULL;
    return all;
}
