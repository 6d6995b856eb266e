/* The stand-ins of the script's own runs that the toy model cannot know from its table (a head's
 * weights on hidden states, a sampler's draw, lm-eval's loglikelihood answers, module globals,
 * closures): each counterexample says which it used (stand_ins, "stand-in:" lines), and its
 * numbers are recomputed here from the reported JSON alone. */
#define _DEFAULT_SOURCE /* mkstemp */
#include <jansson.h>

#include "test_verify_recompute.h"
#include "test_verify_util.h"

static json_t *check_cex(const char *file) {
    char path[512];
    snprintf(path, sizeof path, "%s/exec/%s", TEST_DATA_DIR, file);
    json_t *o = check_json(path);
    ck_assert_int_eq((int)json_array_size(o), 1);
    json_t *c = json_incref(json_object_get(json_array_get(o, 0), "counterexample"));
    json_decref(o);
    ck_assert(json_is_object(c));
    return c;
}

/* Does one of the counterexample's stand-in lines start with `what`? */
static bool has_stand_in(json_t *cex, const char *what) {
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(cex, "stand_ins"), i, s) if (!strncmp(json_string_value(s), what, strlen(what)))
        return true;
    return false;
}

/* The row the toy LM gives at the last position of the prompt + candidate. */
static json_t *last_row(json_t *table, json_t *toks) {
    json_t *seq = json_deep_copy(json_object_get(table, "prompt"));
    if (!seq) seq = json_array();
    json_array_extend(seq, toks);
    json_t *u = row_of(table, seq, json_array_size(seq));
    json_decref(seq);
    return u;
}

static double as_f32(double v) {
    return (double)(float)v;
}

/* LayerNorm (weight 1, bias 0, eps 1e-5) of the last row, then Linear with the identity weight:
 * the normalised first hidden unit. */
START_TEST(head_on_hidden_states_is_recomputable) {
    json_t *o = tv_verify_json("stand_head.py", 18);
    ck_assert_str_eq(json_string_value(json_object_get(o, "origin")), "script");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(o, "entry"), "function")), "ValueModel.forward");
    ck_assert(has_stand_in(o, "hidden states at line 17"));
    ck_assert(has_stand_in(o, "nn.LayerNorm at line 18: weight 1, bias 0"));
    ck_assert(has_stand_in(o, "nn.Linear at line 18: weight = identity (3 -> 1), bias 0"));
    ck_assert(has_stand_in(o, "nn.Dropout at line 18: the identity"));
    json_t *table = json_object_get(o, "table"), *c;
    size_t i;
    json_array_foreach(json_object_get(o, "candidates"), i, c) {
        json_t *u = last_row(table, json_object_get(c, "tokens"));
        size_t h = json_array_size(u);
        double mean = 0, var = 0;
        for (size_t k = 0; k < h; k++)
            mean += logit_at(u, (int)k) / (double)h;
        for (size_t k = 0; k < h; k++)
            var += pow(logit_at(u, (int)k) - mean, 2) / (double)h;
        double want = as_f32((logit_at(u, 0) - mean) / sqrt(var + 1e-5));
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), want, 1e-6);
    }
    json_decref(o);
}
END_TEST

/* AutoModelForSeq2SeqLM is the toy encoder-decoder: the source is the encoder's text (the prompt),
 * the decoder's logits at step t are the row of the prompt + the labels before t, and the
 * script's score is minus the summed NLL of its labels, padded to the longest with the pad id
 * (the pad a target too): recomputed here from the reported table alone. */
START_TEST(seq2seq_labels_are_scored_under_the_encoder_text) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/stand_seq2seq.py"), *cex = NULL, *f;
    size_t i;
    json_array_foreach(o, i, f) if (json_integer_value(json_object_get(json_object_get(f, "location"), "row")) == 19)
        cex = json_object_get(f, "counterexample");
    ck_assert(json_is_object(cex));
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    ck_assert(cex_has_stand_in(cex, "model at line 17: an encoder-decoder"));
    json_t *table = json_object_get(cex, "table"), *c;
    const char *pad = json_string_value(json_object_get(table, "pad"));
    ck_assert_ptr_nonnull(pad);
    size_t longest = 0;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) if (json_array_size(json_object_get(c, "tokens")) > longest)
        longest = json_array_size(json_object_get(c, "tokens"));
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        json_t *seq = json_deep_copy(json_object_get(table, "prompt"));
        if (!seq) seq = json_array();
        size_t plen = json_array_size(seq);
        json_array_extend(seq, json_object_get(c, "tokens"));
        while (json_array_size(seq) < plen + longest)
            json_array_append_new(seq, json_string(pad));
        double want = 0;
        for (size_t k = plen; k < json_array_size(seq); k++) {
            json_t *u = row_of(table, seq, k);
            want += logit_at(u, vocab_index(table, json_string_value(json_array_get(seq, k)))) - lse(u);
        }
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), want, 1e-5);
        json_decref(seq);
    }
    json_decref(o);
}
END_TEST

/* The same scorer with the pads written over by -100: its numbers are log Pr(y|x) itself. */
START_TEST(seq2seq_masked_labels_rank_as_log_pr) {
    json_t *o = tv_verify_json("stand_seq2seq.py", 28), *c;
    ck_assert_str_eq(json_string_value(json_object_get(o, "origin")), "script");
    ck_assert_str_eq(json_string_value(json_object_get(o, "harm")), "none");
    size_t i;
    json_array_foreach(json_object_get(o, "candidates"), i, c)
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")),
                                json_number_value(json_object_get(c, "log_prob")), 1e-6);
    json_decref(o);
}
END_TEST

/* A model the scorer is given, in a file whose only model class is an encoder-decoder's: the toy
 * encoder-decoder stands for it (the question its encoder's text, each answer its labels), and
 * each answer's value is the raw decoder logits of its tokens summed. In a file that loads a
 * causal LM, the same scorer is not run as an encoder-decoder's. */
START_TEST(given_model_of_a_seq2seq_file_is_the_encoder_decoder) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/s2s_given_model.py");
    json_t *cex = only_script_cex(o, "answer_scores");
    ck_assert(cex_has_stand_in(cex, "model at line 13: an encoder-decoder"));
    assert_raw_logit_sums(cex);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
    o = check_json(TEST_DATA_DIR "/exec/s2s_given_causal.py");
    for (size_t i = 0; i < json_array_size(o); i++) {
        json_t *c = json_object_get(json_array_get(o, i), "counterexample");
        ck_assert_str_eq(json_string_value(json_object_get(c, "origin")), "recipe");
    }
    json_decref(o);
}
END_TEST

/* sequence_nll(model, input_ids, vocab_size) reshapes the logits by its vocab_size parameter: the
 * toy LM's vocabulary size, so nll_loss on the raw logits runs, each candidate's value the negated
 * sum of its tokens' raw logits (a loss: lowest first). */
START_TEST(vocab_size_parameter_is_the_toy_vocabulary) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/vocab_size_param.py");
    json_t *cex = only_script_cex(o, "sequence_nll");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_order")), "lower-is-better");
    json_t *table = json_object_get(cex, "table"), *c;
    size_t i;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        double raw = raw_logit_sum(table, json_object_get(c, "tokens"));
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), -raw, 1e-4);
    }
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* tokenizer(source, text_target=hyp) encodes the hypothesis as the encoder-decoder's labels: each
 * candidate's value is its tokens' float32 log(softmax) in the rows of the prompt + the labels
 * before each, summed, -inf where a probability underflows. */
START_TEST(seq2seq_text_target_is_the_labels) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/s2s_text_target.py");
    json_t *cex = only_script_cex(o, "Seq2SeqScorer.score");
    ck_assert(cex_has_stand_in(cex, "model at line 16: an encoder-decoder"));
    json_t *table = json_object_get(cex, "table"), *c;
    size_t i;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        json_t *seq = json_deep_copy(json_object_get(table, "prompt"));
        if (!seq) seq = json_array();
        size_t plen = json_array_size(seq);
        json_array_extend(seq, json_object_get(c, "tokens"));
        double want = 0;
        for (size_t k = plen; k < json_array_size(seq); k++) {
            json_t *u = row_of(table, seq, k);
            double lp = logit_at(u, vocab_index(table, json_string_value(json_array_get(seq, k)))) - lse(u);
            want += (float)exp(lp) == 0 ? -INFINITY : lp;
        }
        json_t *got = json_object_get(c, "script_score");
        if (isinf(want)) ck_assert_str_eq(json_string_value(got), "-inf");
        else ck_assert_double_eq_tol(json_number_value(got), want, 1e-4);
        json_decref(seq);
    }
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* processor(images=, text=): the image is the caption's unscored start (the toy LM reads no
 * pixels, and the report says so); each candidate's value is the float32 product of its tokens'
 * probabilities, recomputed here from the reported table. */
START_TEST(processor_images_are_the_start) {
    json_t *o = check_json(TEST_DATA_DIR "/exec/processor_images.py");
    json_t *cex = only_script_cex(o, "CaptionRanker.caption_score");
    ck_assert(cex_has_stand_in(cex, "processor at line 14: the images are the texts' unscored start x"));
    json_t *table = json_object_get(cex, "table"), *c;
    size_t i;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        json_t *toks = json_object_get(c, "tokens");
        float want = 1;
        for (size_t k = 0; k < json_array_size(toks); k++) {
            json_t *u = row_of(table, toks, k);
            want *= (float)exp(logit_at(u, vocab_index(table, json_string_value(json_array_get(toks, k)))) - lse(u));
        }
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), want, 1e-6 * want + 1e-30);
    }
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(o);
}
END_TEST

/* The text report names the same stand-ins under the verdict. */
START_TEST(head_stand_ins_are_in_the_text_report) {
    TvRun r = tv_verify_at("stand_head.py", 18, false);
    ck_assert_int_eq(r.rc, 0);
    tv_assert_contains(r.out, "verdict: FLIPPED");
    tv_assert_contains(r.out, "stand-in: nn.Linear at line 18: weight = identity (3 -> 1), bias 0");
    tv_assert_contains(r.out, "stand-in: hidden states at line 17");
    tv_free(&r);
}
END_TEST

/* torch.multinomial draws the most probable token: log of its probability at the last row. */
START_TEST(sampler_draws_the_most_probable) {
    json_t *o = tv_verify_json("stand_head.py", 22);
    ck_assert_str_eq(json_string_value(json_object_get(o, "origin")), "script");
    ck_assert(has_stand_in(o, "torch.multinomial at line 23: draws the most probable index"));
    json_t *table = json_object_get(o, "table"), *c;
    size_t i;
    json_array_foreach(json_object_get(o, "candidates"), i, c) {
        json_t *u = last_row(table, json_object_get(c, "tokens"));
        double best = -INFINITY;
        for (size_t k = 0; k < json_array_size(u); k++)
            best = fmax(best, logit_at(u, (int)k));
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), as_f32(best - lse(u)), 1e-5);
    }
    json_decref(o);
}
END_TEST

/* Randomness without a stand-in (torch.rand) ends the run: the one-line reason, exit 2. */
START_TEST(unknown_randomness_falls_back) {
    TvRun r = tv_verify_at("stand_head.py", 29, false);
    ck_assert_int_eq(r.rc, 2);
    tv_assert_contains(r.err, "could not be run: unsupported call torch.rand at line 30");
    tv_free(&r);
}
END_TEST

/* process_results(doc, results): each answer's (log Pr, is_greedy); the flagged expression's
 * value per answer is exp(log Pr) normalised over the answers, and the label says the code after
 * it (reading the document's gold index) did not run. */
START_TEST(lm_eval_results_are_the_answers_log_prs) {
    json_t *cex = check_cex("stand_lm_eval.py");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(cex, "entry"), "function")),
                     "process_results_mc");
    tv_assert_contains(json_string_value(json_object_get(cex, "score_label")),
                       "the flagged value at line 9 (the code after it did not run)");
    json_t *table = json_object_get(cex, "table"), *cands = json_object_get(cex, "candidates");
    size_t n = json_array_size(cands);
    double z = 0, lp[16];
    ck_assert_int_ge(n, 2);
    for (size_t i = 0; i < n && i < 16; i++) {
        lp[i] = log_pr(table, json_object_get(json_array_get(cands, i), "tokens"));
        z += exp(lp[i]);
    }
    for (size_t i = 0; i < n && i < 16; i++)
        ck_assert_double_eq_tol(json_number_value(json_object_get(json_array_get(cands, i), "script_score")),
                                exp(lp[i]) / z, 1e-9);
    json_decref(cex);
}
END_TEST

/* Closures, each scoring the sum of the candidate's raw logits (recomputed here): globals bound
 * by a tuple under the main guard, read by a closure its enclosing function returns (that
 * function is run and its closure called); a closure whose enclosing main() cannot run
 * (argparse) runs itself, the main() locals it reads bound by use. */
static const struct {
    const char *file, *entry, *label;
} closures[] = {
    {"stand_globals.py", "build", "build()'s closure, called"},
    {"stand_closure_locals.py", "score", "score() value"},
};

START_TEST(closures_run) {
    json_t *cex = check_cex(closures[_i].file);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(cex, "entry"), "function")), closures[_i].entry);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_label")), closures[_i].label);
    assert_raw_logit_sums(cex);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(cex);
}
END_TEST

/* A divisor its callers supply is 1.0, said as a stand-in; the log of the float32 softmax is
 * -inf exactly where log Pr(y|x) is below float32's range, and log Pr elsewhere. */
START_TEST(divisor_parameter_is_a_unit_temperature) {
    json_t *cex = check_cex("stand_divisor.py");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    ck_assert(has_stand_in(cex, "parameter temperature: 1.0"));
    assert_float32_log_softmax_sums(cex);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(cex);
}
END_TEST

/* functools.partial(F.nll_loss, reduction="sum") over a loader of (ids, labels) batches whose
 * labels ignore the prompt: the raw logits of the candidate's tokens, negated, per token. */
START_TEST(partial_loss_over_a_loader_of_batches) {
    json_t *o = check_json(FIXTURES_DIR "/LL109/fire_partial_nll_loss.py");
    json_t *cex = json_object_get(json_array_get(o, 0), "counterexample");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(cex, "entry"), "function")), "corpus_nll");
    json_t *table = json_object_get(cex, "table"), *c;
    size_t i;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        json_t *toks = json_object_get(c, "tokens");
        double raw = 0;
        for (size_t k = 0; k < json_array_size(toks); k++)
            raw += logit_at(row_of(table, toks, k), vocab_index(table, json_string_value(json_array_get(toks, k))));
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")),
                                -raw / (double)json_array_size(toks), 1e-4);
    }
    json_decref(o);
}
END_TEST

/* One log-softmax per generated step, a list: read at the candidate's tokens it is log Pr. */
START_TEST(generated_step_distributions_are_read_at_the_tokens) {
    json_t *o = tv_verify_json("stand_steps.py", 3);
    ck_assert_str_eq(json_string_value(json_object_get(o, "origin")), "script");
    ck_assert_str_eq(json_string_value(json_object_get(o, "score_label")), "step_logprobs() read at the candidate's tokens");
    json_t *table = json_object_get(o, "table"), *c;
    size_t i;
    json_array_foreach(json_object_get(o, "candidates"), i, c) {
        double lp = log_pr(table, json_object_get(c, "tokens"));
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), lp, 1e-5);
    }
    ck_assert(json_is_false(json_object_get(o, "flipped")));
    json_decref(o);
}
END_TEST

/* rank(cands) iterates every candidate's ids ([1, L] tensors) and returns the index of the
 * largest raw-logit sum: its pick is the candidate with the largest raw sum in the table. */
START_TEST(a_list_of_id_tensors_is_every_candidate) {
    json_t *o = check_json(FIXTURES_DIR "/project/fire_logits_from_other_module/rank.py");
    json_t *cex = json_object_get(json_array_get(o, 0), "counterexample");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "score_label")), "1 if rank() picks it");
    json_t *table = json_object_get(cex, "table"), *cands = json_object_get(cex, "candidates");
    double raw[16];
    size_t n = json_array_size(cands);
    for (size_t i = 0; i < n && i < 16; i++) {
        json_t *toks = json_object_get(json_array_get(cands, i), "tokens");
        raw[i] = 0;
        for (size_t k = 0; k < json_array_size(toks); k++)
            raw[i] += logit_at(row_of(table, toks, k), vocab_index(table, json_string_value(json_array_get(toks, k))));
    }
    size_t best = argmax(raw, n);
    for (size_t i = 0; i < n && i < 16; i++)
        ck_assert_double_eq(json_number_value(json_object_get(json_array_get(cands, i), "script_score")), i == best);
    json_decref(o);
}
END_TEST

/* A trainer whose __init__ builds an optimizer from model.parameters() and takes a config
 * dataclass by annotation (built with its defaults: smoothing 0.1, a default_factory field): its
 * loss is the label-smoothed cross-entropy of the softmax probabilities over the toy vocabulary,
 * whose last class is the start token (probability 0), averaged over the candidate's tokens. */
START_TEST(config_dataclass_and_optimizer_in_init) {
    json_t *cex = check_cex("stand_config.py");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(cex, "entry"), "function")), "Trainer.loss");
    json_t *table = json_object_get(cex, "table"), *c;
    size_t i;
    const double eps = 0.1;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        json_t *toks = json_object_get(c, "tokens");
        size_t n = json_array_size(toks);
        double total = 0;
        for (size_t k = 0; k < n; k++) {
            json_t *u = row_of(table, toks, k);
            size_t V = json_array_size(u);
            double z = lse(u), p[64], zp = 1; /* the start class: probability 0, exp(0) = 1 */
            for (size_t j = 0; j < V && j < 64; j++)
                zp += exp(p[j] = as_f32(exp(logit_at(u, (int)j) - z)));
            double lz = log(zp), spread = lz / (double)(V + 1); /* the start class's -lp is log zp */
            for (size_t j = 0; j < V && j < 64; j++)
                spread += (lz - p[j]) / (double)(V + 1);
            int y = vocab_index(table, json_string_value(json_array_get(toks, k)));
            total += (1 - eps) * (lz - p[y]) + eps * spread;
        }
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), total / (double)n, 1e-5);
    }
    json_decref(cex);
}
END_TEST

/* A flagged expression evaluated once per answer (in a loop) has no per-answer scores to show:
 * the counterexample is the recipe's, said so, never "the script picks". */
START_TEST(flagged_value_in_a_loop_falls_back) {
    json_t *cex = check_cex("stand_loop.py");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "recipe");
    ck_assert_ptr_nonnull(json_string_value(json_object_get(cex, "fallback")));
    ck_assert_ptr_null(json_object_get(cex, "entry"));
    tv_assert_lacks(json_string_value(json_object_get(cex, "verdict")), "the script");
    json_decref(cex);
}
END_TEST

/* A softmax shifted by the row's minimum, in float64 (math.exp): the toy LM's start logit is near
 * enough to the row's others that exp(v - min) stays finite, so both findings are proven on the
 * script's own numbers, each candidate's the log Pr(y|x) of the reported table. */
START_TEST(minimum_shift_stays_finite) {
    char path[512];
    snprintf(path, sizeof path, "%s/exec/stand_min_shift.py", TEST_DATA_DIR);
    json_t *o = check_json(path), *d;
    size_t k;
    ck_assert_int_eq((int)json_array_size(o), 2);
    json_array_foreach(o, k, d) {
        json_t *cex = json_object_get(d, "counterexample"), *table = json_object_get(cex, "table"), *c;
        ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
        size_t i;
        json_array_foreach(json_object_get(cex, "candidates"), i, c) {
            json_t *s = json_object_get(c, "script_score");
            ck_assert(json_is_number(s));
            ck_assert_double_eq_tol(json_number_value(s), log_pr(table, json_object_get(c, "tokens")), 1e-9);
        }
    }
    json_decref(o);
}
END_TEST

/* The host a script reads is a stand-in, each said so: argparse's defaults (a string default
 * converted by type=), an empty os.environ, sys.argv of five words; the model is a global bound in
 * a top-level loop. Each candidate's score is its raw-logit sum + 0.5, recomputed here. */
START_TEST(host_stand_ins_are_reported) {
    json_t *cex = check_cex("stand_host.py");
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    ck_assert(has_stand_in(cex, "argparse at line 20: every argument its default"));
    ck_assert(has_stand_in(cex, "os.environ at line 14: empty"));
    ck_assert(has_stand_in(cex, "sys.argv at line 14"));
    assert_raw_logit_sums_plus(cex, 0.5);
    json_t *table = json_object_get(cex, "table"), *c;
    size_t i;
    json_array_foreach(json_object_get(cex, "candidates"), i, c)
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "log_prob")), log_pr(table, json_object_get(c, "tokens")), 1e-9);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(cex);
}
END_TEST

/* Stand-ins of the script's own runs whose scores are the raw-logit sums (+ a bonus the script
 * adds), each said so: an accelerate Accelerator bound by unwrap_model (one process) whose model
 * is called through __call__; a tokenizer's pad_token_id filling an id buffer (the run again
 * with the end of text as the pad token; for a batch of the candidates' texts, the tokenizer
 * still bound as the tokenizer); a causal LM class of the script's own built by the
 * scorer (the toy LM); a shuffle (the order kept), a backward pass (nothing) and a fill from a
 * one-element tensor (+ 0.5); a model output unpacked in two names ((logits, None)); a shuffling
 * DataLoader with the default collation (the order kept); paths computed as text, a file the run
 * cannot have (+ 18). */
static const struct {
    const char *file, *stand_in;
    double bonus;
} raw_sums[] = {
    {"stand_accelerate.py", "Accelerator: one process on the CPU", 0},
    {"stand_pad_fill.py", "tokenizer: its pad token is the end of text", 0},
    {"stand_pad_fill_batch.py", "tokenizer: its pad token is the end of text", 0},
    {"stand_token_model.py", "nn.Module at line 7: TinyLM is the toy LM", 0},
    {"stand_shuffle_backward.py", "torch.randperm at line 8: keeps the order", 0.5},
    {"stand_unpack_output.py", "model output at line 4: unpacked as (logits, None)", 0},
    {"stand_data_loader.py", "DataLoader at line 8: keeps the dataset's order", 0},
    {"stand_paths.py", "os.path.exists at line 8: False (the run has no files)", 18},
};

/* Library calls the run computes as the library does, no stand-in needed: a tokenizer wrapper's
 * encode(text, device=torch.device(...)) gives the ids as a 1-D tensor (+ 0); torch.triu / tril
 * and np.triu keep the elements on their side of the diagonal (+ 13); TensorFlow's argmax,
 * one_hot and rank and Python's str.count / rfind / find (+ 7). */
static const struct {
    const char *file;
    double bonus;
} computed[] = {
    {"stand_wrapper_encode.py", 0},
    {"stand_triu_mask.py", 13},
    {"batch_total_and_count.py", 0}, /* (totals, counts): the item the flagged values flow into */
    {"stand_tf_semantics.py", 7}, /* tf.argmax over axis 0, tf.one_hot outside, tf.rank, str.count / find */
    {"stand_normalize.py", 4},    /* F.normalize: L2 by default, p=1, a zero row clamped at eps */
};

START_TEST(library_calls_computed_as_the_library_does) {
    json_t *cex = check_cex(computed[_i].file);
    ck_assert_msg(!strcmp(json_string_value(json_object_get(cex, "origin")), "script"), "%s: %s", computed[_i].file,
                  json_string_value(json_object_get(cex, "fallback")));
    assert_raw_logit_sums_plus(cex, computed[_i].bonus);
    json_decref(cex);
}
END_TEST

START_TEST(stand_in_scores_are_raw_logit_sums) {
    json_t *cex = check_cex(raw_sums[_i].file);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    ck_assert_msg(has_stand_in(cex, raw_sums[_i].stand_in), "%s: no stand-in %s", raw_sums[_i].file, raw_sums[_i].stand_in);
    assert_raw_logit_sums_plus(cex, raw_sums[_i].bonus);
    json_decref(cex);
}
END_TEST

/* The product of an echoed completion's token probabilities at the answer's offsets, each
 * candidate's in the reported table (underflow included). */
static void assert_served_products(json_t *cex) {
    json_t *table = json_object_get(cex, "table"), *c;
    size_t i;
    json_array_foreach(json_object_get(cex, "candidates"), i, c) {
        double want = prob_product(table, json_object_get(c, "tokens"));
        ck_assert_double_eq_tol(json_number_value(json_object_get(c, "script_score")), want, 1e-12 + 1e-9 * want);
    }
}

/* A client made in the scorer serves the toy LM (said so): OpenAI's (attributes) and
 * llama.cpp's (called, read by key); the answer's probability is the product above. */
static const struct {
    const char *file, *stand_in;
} served[] = {
    {"stand_openai_client.py", "OpenAI client at line 9: serves the toy LM"},
    {"stand_llama_cpp.py", "llama_cpp.Llama at line 9: serves the toy LM"},
};

START_TEST(served_clients_give_the_toy_lm) {
    json_t *cex = check_cex(served[_i].file);
    ck_assert_str_eq(json_string_value(json_object_get(cex, "origin")), "script");
    ck_assert(has_stand_in(cex, served[_i].stand_in));
    assert_served_products(cex);
    ck_assert(json_is_true(json_object_get(cex, "flipped")));
    json_decref(cex);
}
END_TEST

/* Keras' sparse categorical cross-entropy of probabilities (from_logits=False), as tf.keras
 * computes it: each probability clipped to [1e-7, 1 - 1e-7] in float32 before its log, so a
 * token of probability e^-30 scores log(1e-7), and a probability that rounds to 1 scores
 * log(1 - 1e-7); recomputed here in float32. */
START_TEST(keras_probabilities_are_clipped) {
    char table[64];
    tv_write_table(table, sizeof table,
                   "{\"vocab\": [\"A\", \"B\"], \"contexts\": [{\"prefix\": [], \"logits\": [30, 0]}],"
                   " \"candidates\": [[\"A\"], [\"B\"]]}");
    char path[512];
    snprintf(path, sizeof path, "%s/exec/stand_tf_loss.py", TEST_DATA_DIR);
    const char *argv[] = {"verify", "--file", path, "--line", "21", "--table", table, "--output-format", "json", NULL};
    TvRun r = tv_run(verify_main, argv);
    unlink(table);
    ck_assert_msg(r.rc == 0, "%s", r.err);
    json_t *o = json_loads(r.out, 0, NULL);
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(json_string_value(json_object_get(o, "origin")), "script");
    json_t *cands = json_object_get(o, "candidates");
    double want[2] = {(double)logf((float)(1 - 1e-7)), (double)logf((float)1e-7)};
    for (size_t i = 0; i < 2; i++)
        ck_assert_double_eq_tol(json_number_value(json_object_get(json_array_get(cands, i), "script_score")), want[i],
                                1e-6 * fmax(1, fabs(want[i])));
    json_decref(o);
    tv_free(&r);
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("verify_exec_stand");
    TCase *tc = tcase_create("stand_ins");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, head_on_hidden_states_is_recomputable);
    tcase_add_test(tc, head_stand_ins_are_in_the_text_report);
    tcase_add_test(tc, seq2seq_labels_are_scored_under_the_encoder_text);
    tcase_add_test(tc, seq2seq_masked_labels_rank_as_log_pr);
    tcase_add_test(tc, seq2seq_text_target_is_the_labels);
    tcase_add_test(tc, vocab_size_parameter_is_the_toy_vocabulary);
    tcase_add_test(tc, given_model_of_a_seq2seq_file_is_the_encoder_decoder);
    tcase_add_test(tc, processor_images_are_the_start);
    tcase_add_test(tc, sampler_draws_the_most_probable);
    tcase_add_test(tc, unknown_randomness_falls_back);
    tcase_add_test(tc, lm_eval_results_are_the_answers_log_prs);
    tcase_add_loop_test(tc, closures_run, 0, sizeof closures / sizeof *closures);
    tcase_add_test(tc, divisor_parameter_is_a_unit_temperature);
    tcase_add_test(tc, partial_loss_over_a_loader_of_batches);
    tcase_add_test(tc, generated_step_distributions_are_read_at_the_tokens);
    tcase_add_test(tc, a_list_of_id_tensors_is_every_candidate);
    tcase_add_test(tc, config_dataclass_and_optimizer_in_init);
    tcase_add_test(tc, flagged_value_in_a_loop_falls_back);
    tcase_add_test(tc, minimum_shift_stays_finite);
    tcase_add_test(tc, host_stand_ins_are_reported);
    tcase_add_loop_test(tc, stand_in_scores_are_raw_logit_sums, 0, sizeof raw_sums / sizeof *raw_sums);
    tcase_add_loop_test(tc, library_calls_computed_as_the_library_does, 0, sizeof computed / sizeof *computed);
    tcase_add_loop_test(tc, served_clients_give_the_toy_lm, 0, sizeof served / sizeof *served);
    tcase_add_test(tc, keras_probabilities_are_clipped);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tv_run_suite(suite());
}
