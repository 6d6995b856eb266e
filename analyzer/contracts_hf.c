/* Hugging Face transformers (models, tokenizers, generation, collators) and the libraries
 * built on them (peft, trl, sentence-transformers) that reuse its names. */
#include "contracts.h"

const Contract contracts_hf[] = {
    /* Auto*.from_pretrained, PeftModel.from_pretrained, ...: what it loads is told by the
     * class name (facts_hf.c), whatever library defines it */
    {"from_pretrained", LIB_ANY, FORM_FUNC, OP_FROM_PRETRAINED, -1, -1},
    {"generate", LIB_ANY, FORM_FUNC | FORM_MODEL, OP_GENERATE, -1, -1},
    {"compute_transition_scores", LIB_ANY, FORM_FUNC | FORM_MODEL, OP_TRANSITION_SCORES, -1, -1},
    {"encode", LIB_ANY, FORM_FUNC | FORM_TOKENIZER, OP_ENCODE, -1, -1},
    {"convert_tokens_to_ids", LIB_ANY, FORM_FUNC | FORM_TOKENIZER, OP_ENCODE, -1, -1},
    {"encode_plus", LIB_ANY, FORM_FUNC | FORM_TOKENIZER, OP_ENCODE_PLUS, -1, -1},
    {"batch_encode_plus", LIB_ANY, FORM_FUNC | FORM_TOKENIZER, OP_ENCODE_PLUS, -1, -1},
    {"apply_chat_template", LIB_ANY, FORM_FUNC | FORM_TOKENIZER, OP_CHAT_TEMPLATE, -1, -1},
    {"pad", LIB_ANY, FORM_FUNC | FORM_TOKENIZER, OP_PAD_BATCH, -1, -1},
    /* accelerate's accelerator.unwrap_model(m) / .prepare(m, opt, loader), peft's wrappers: the
     * objects they are given (a model runs as before); transformers' unwrap_model too */
    {"unwrap_model", LIB_ANY, FORM_FUNC | FORM_MODEL, OP_WRAP_MODEL, -1, -1},
    {"prepare", 0, FORM_MODEL, OP_WRAP_MODEL, -1, -1},
    {"prepare_model", 0, FORM_MODEL, OP_WRAP_MODEL, -1, -1},
    {"get_peft_model", LIB_ANY, FORM_FUNC, OP_WRAP_MODEL, -1, -1},
    {"prepare_model_for_kbit_training", LIB_ANY, FORM_FUNC, OP_WRAP_MODEL, -1, -1},
    {"DataCollatorWithPadding", LIB_ANY, FORM_FUNC, OP_COLLATOR, -1, -1},
    {"DataCollatorForSeq2Seq", LIB_ANY, FORM_FUNC, OP_COLLATOR, -1, -1},
    {"DataCollatorForCompletionOnlyLM", LIB_ANY, FORM_FUNC, OP_COLLATOR, -1, -1},
    {"DataCollatorForLanguageModeling", LIB_ANY, FORM_FUNC, OP_MLM_COLLATOR, -1, -1},
    {NULL, 0, 0, OP_NONE, 0, 0}};
