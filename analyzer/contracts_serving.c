/* Serving and tokenizer libraries outside Hugging Face: llama.cpp, tiktoken. */
#include "contracts.h"

const Contract contracts_serving[] = {
    /* llama_cpp.Llama(...): a model; llm.scores holds its logits rows */
    {"Llama", LIB_LLAMA_CPP, FORM_FUNC, OP_MODEL, -1, -1},
    /* tiktoken.get_encoding("gpt2"): encode() gives token ids */
    {"get_encoding", LIB_TIKTOKEN, FORM_FUNC, OP_TOKENIZER, -1, -1},
    {"encoding_for_model", LIB_TIKTOKEN, FORM_FUNC, OP_TOKENIZER, -1, -1},
    {NULL, 0, 0, OP_NONE, 0, 0}};
