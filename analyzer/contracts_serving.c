/* Serving and tokenizer libraries outside Hugging Face: llama.cpp, tiktoken, mlx_lm, ONNX
 * Runtime. */
#include "contracts.h"
#include "facts.h"

const Contract contracts_serving[] = {
    /* llama_cpp.Llama(...): a model; llm.scores holds its logits rows */
    {"Llama", LIB_LLAMA_CPP, FORM_FUNC, OP_MODEL, -1, -1},
    /* tiktoken.get_encoding("gpt2"): encode() gives token ids */
    {"get_encoding", LIB_TIKTOKEN, FORM_FUNC, OP_TOKENIZER, -1, -1},
    {"encoding_for_model", LIB_TIKTOKEN, FORM_FUNC, OP_TOKENIZER, -1, -1},
    /* mlx_lm.load(path): (model, tokenizer); model(ids) is its logits [B, T, V] */
    {"load", LIB_MLX_LM, FORM_FUNC, OP_LOAD_BARE_LM, -1, -1},
    /* onnxruntime.InferenceSession(path): an exported model; session.run(names, feed) runs it */
    {"InferenceSession", LIB_ONNXRUNTIME, FORM_FUNC, OP_MODEL, -1, -1},
    {"run", 0, FORM_MODEL, OP_ONNX_RUN, -1, -1},
    {NULL, 0, 0, OP_NONE, 0, 0}};

/* Attributes: llama.cpp's model, and the records of OpenAI-style and vLLM APIs (the receiver
 * is a response nothing but its fields' names is known of, so these rows are bare names). */
const AttrContract contracts_serving_attrs[] = {
    /* llama_cpp.Llama(...).scores: the raw logits of every position evaluated */
    {"scores", AR_MODEL, AY_VALUE, FK_RAW, .ndim = 2, .ax = {AX_POS, AX_VOCAB}},
    /* llm.eval_logits: the same rows, one list per evaluated token (logits_all=True) */
    {"eval_logits", AR_MODEL, AY_VALUE, FK_RAW, .ndim = 2, .ax = {AX_POS, AX_VOCAB}},
    /* the OpenAI chat API's choice.logprobs.content (an object known as log-probs by its name
     * only): one record per generated token */
    {"content", AR_TENSOR, AY_VALUE, .when = FF_WEAK, .kinds_within = FK_LOGPROB, .ndim = 1,
     .ax = {AX_STEP}},
    /* one generated token's record (OpenAI's content[i], vLLM's Logprob), one loop step's:
     * .logprob is the log-prob of that position's chosen token */
    {"logprob", AR_UNKNOWN, AY_VALUE, FK_LOGPROB, .when = FF_STEPVAR, .kinds_within = FK_LOGPROB,
     .flags = FF_SELECTED, .keep = FF_LOOPVAR | FF_STEPVAR, .ndim = 0},
    /* a Logprob picked from a per-position list of them (prompt_logprobs[p][ids[p]]): its
     * .logprob is the value picked */
    {"logprob", AR_TENSOR, AY_RECV_VALUES, .when = FF_SELECTED | FF_STEPWISE,
     .kinds_within = FK_LOGPROB},
    /* the OpenAI completions API's choice.logprobs.token_logprobs: the log-prob of each chosen
     * token, one per position */
    {"token_logprobs", AR_UNKNOWN, AY_VALUE, FK_LOGPROB, .flags = FF_SELECTED, .ndim = 1,
     .ax = {AX_STEP}},
    /* vLLM's RequestOutput.prompt_logprobs: one entry per position of the prompt's token ids,
     * aligned with them (entry 0 None, entry p a {token_id: Logprob} of token p given tokens
     * < p): already shifted, as generate()'s step scores are */
    {"prompt_logprobs", AR_UNKNOWN, AY_VALUE, FK_LOGPROB, .flags = FF_STEPWISE, .ndim = 2,
     .ax = {AX_POS, AX_VOCAB}},
    {.name = NULL}};
