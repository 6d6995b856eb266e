/* Hugging Face transformers (models, tokenizers, generation, collators) and the libraries
 * built on them (peft, trl, sentence-transformers) that reuse its names. */
#include "contracts.h"
#include "facts_internal.h"

const Contract contracts_hf[] = {
    /* Auto*.from_pretrained, PeftModel.from_pretrained, ...: what it loads is told by the
     * class name (contracts_hf_class_names, below), whatever library defines it */
    {"from_pretrained", LIB_ANY, FORM_FUNC, OP_FROM_PRETRAINED, -1, -1},
    /* KerasNLP / KerasHub: GPT2CausalLM.from_preset, GPT2CausalLMPreprocessor.from_preset */
    {"from_preset", LIB_ANY, FORM_FUNC, OP_FROM_PRETRAINED, -1, -1},
    /* model.generate(...); on an object nothing is known of (a bare-name fallback), a
     * generation only when it is fed token ids (facts_call.c), as Hugging Face's models are;
     * vLLM's llm.generate(prompts, params) is fed text */
    {"generate", LIB_ANY, FORM_FUNC | FORM_MODEL | FORM_UNKNOWN, OP_GENERATE, -1, -1},
    {"compute_transition_scores", LIB_ANY, FORM_FUNC | FORM_MODEL | FORM_UNKNOWN,
     OP_TRANSITION_SCORES, -1, -1},
    {"encode", LIB_ANY, FORM_FUNC | FORM_TOKENIZER, OP_ENCODE, -1, -1},
    {"convert_tokens_to_ids", LIB_ANY, FORM_FUNC | FORM_TOKENIZER, OP_ENCODE, -1, -1},
    {"encode_plus", LIB_ANY, FORM_FUNC | FORM_TOKENIZER, OP_ENCODE_PLUS, -1, -1},
    {"batch_encode_plus", LIB_ANY, FORM_FUNC | FORM_TOKENIZER, OP_ENCODE_PLUS, -1, -1},
    {"apply_chat_template", LIB_ANY, FORM_FUNC | FORM_TOKENIZER, OP_CHAT_TEMPLATE, -1, -1},
    {"pad", LIB_ANY, FORM_FUNC | FORM_TOKENIZER, OP_PAD_BATCH, -1, -1},
    /* accelerate's accelerator.unwrap_model(m) / .prepare(m, opt, loader), peft's wrappers: the
     * objects they are given (a model runs as before); transformers' unwrap_model too. The
     * accelerator is an object nothing is known of: bare-name fallbacks, which hand back
     * only the models and objects of the file they are given */
    {"unwrap_model", LIB_ANY, FORM_FUNC | FORM_MODEL | FORM_UNKNOWN, OP_WRAP_MODEL, -1, -1},
    {"prepare", 0, FORM_MODEL | FORM_UNKNOWN, OP_WRAP_MODEL, -1, -1},
    {"prepare_model", 0, FORM_MODEL | FORM_UNKNOWN, OP_WRAP_MODEL, -1, -1},
    {"get_peft_model", LIB_ANY, FORM_FUNC, OP_WRAP_MODEL, -1, -1},
    /* accelerate's accelerator.gather_for_metrics(x) (a bare-name fallback, as above) and
     * gather_object(xs): every process's values of x, one after another (the same elements) */
    {"gather_for_metrics", 0, FORM_UNKNOWN, OP_LIST, -1, -1},
    {"gather_object", LIB_ANY, FORM_FUNC, OP_LIST, -1, -1},
    {"prepare_model_for_kbit_training", LIB_ANY, FORM_FUNC, OP_WRAP_MODEL, -1, -1},
    /* a tokenizer's batch moved to a device (BatchEncoding.to): the batch itself; it has no
     * cuda() or cpu() */
    {"to", 0, FORM_ENCODING, OP_RETURNS_SELF, -1, -1},
    /* transformers' ModelOutput classes built by a project's forward (the names are theirs):
     * SequenceClassifierOutput(logits=probs) holds what it was given, read as out.logits or
     * out["logits"] */
    {"ModelOutput", LIB_ANY, FORM_FUNC, OP_DICT, -1, -1},
    {"SequenceClassifierOutput", LIB_ANY, FORM_FUNC, OP_DICT, -1, -1},
    {"SequenceClassifierOutputWithPast", LIB_ANY, FORM_FUNC, OP_DICT, -1, -1},
    {"TokenClassifierOutput", LIB_ANY, FORM_FUNC, OP_DICT, -1, -1},
    {"MultipleChoiceModelOutput", LIB_ANY, FORM_FUNC, OP_DICT, -1, -1},
    {"CausalLMOutput", LIB_ANY, FORM_FUNC, OP_DICT, -1, -1},
    {"CausalLMOutputWithPast", LIB_ANY, FORM_FUNC, OP_DICT, -1, -1},
    {"DataCollatorWithPadding", LIB_ANY, FORM_FUNC, OP_INPUTS_COLLATOR, -1, -1},
    {"DataCollatorForSeq2Seq", LIB_ANY, FORM_FUNC, OP_COLLATOR, -1, -1},
    {"DataCollatorForCompletionOnlyLM", LIB_ANY, FORM_FUNC, OP_COLLATOR, -1, -1},
    {"DataCollatorForLanguageModeling", LIB_ANY, FORM_FUNC, OP_MLM_COLLATOR, -1, -1},
    {NULL, 0, 0, OP_NONE, 0, 0}};

/* What from_pretrained (from_preset) loads, by the class it is called on (facts_hf.c). */
const HfClassName contracts_hf_class_names[] = {
    /* KerasNLP / KerasHub: calling it gives a causal LM's (x, y, sample_weight), y shifted */
    {"CausalLMPreprocessor", HN_TOKENIZER, 0, FF_SHIFTED},
    /* GPT-2's tokenizer keeps the class default, padding_side = "right"; its checkpoints set
     * no other (a Llama or XLNet tokenizer may pad on the left: no row says a side for them) */
    {"GPT2Tokenizer", HN_TOKENIZER | HN_PADS_RIGHT, 0, 0},
    {"Tokenizer", HN_TOKENIZER, 0, 0},
    /* a processor tokenizes the text it is given (and prepares images or audio) */
    {"Processor", HN_TOKENIZER, 0, 0},
    /* AutoModel, GPT2LMHeadModel, PeftModel; *ForCausalLM, *ForSequenceClassification;
     * KerasNLP's GPT2CausalLM */
    {"Model", HN_MODEL, 0, 0},
    {"For", HN_MODEL, 0, 0},
    {"LM", HN_MODEL, 0, 0},
    /* encoder-decoders: the decoder's logits are already aligned with the labels (T5: MT5 and
     * LongT5 too; Bart: MBart too) */
    {"Seq2Seq", 0, 0, FF_SEQ2SEQ},
    {"T5", 0, 0, FF_SEQ2SEQ},
    {"Bart", 0, 0, FF_SEQ2SEQ},
    {"EncoderDecoder", 0, 0, FF_SEQ2SEQ},
    {"Pegasus", 0, 0, FF_SEQ2SEQ},
    /* MarianMTModel (Helsinki-NLP's opus-mt translation models) */
    {"Marian", 0, 0, FF_SEQ2SEQ},
    /* a masked LM: its logits at t are about token t itself */
    {"MaskedLM", 0, 0, FF_MLM},
    /* AutoModelForCausalLM, GPT2LMHeadModel: logits at t predict token t + 1 */
    {"CausalLM", HN_CAUSAL, 0, 0},
    {"LMHeadModel", HN_CAUSAL, 0, 0},
    /* heads whose logits are over classes, choices or spans, not the vocabulary; a sequence
     * classifier (or regressor) reads one pooled position of each row */
    {"Classification", HN_POOLED, 0, FF_NOTLM},
    /* a token classifier labels every position: nothing pooled */
    {"TokenClassification", 0, HN_POOLED, 0},
    {"MultipleChoice", HN_CHOICES | HN_POOLED, 0, FF_NOTLM},
    {"QuestionAnswering", 0, 0, FF_NOTLM},
    {"ForRegression", HN_POOLED, 0, FF_NOTLM},
    {NULL, 0, 0, 0}};

/* GPT-2's checkpoints load GPT2TokenizerFast and set no padding side: the class default,
 * "right", holds (openai-community/ is their organisation since 2024; the bare ids still
 * resolve). EleutherAI's GPT-Neo (GPT2Tokenizer) and GPT-NeoX / Pythia (GPTNeoXTokenizerFast)
 * checkpoints set none either; a trailing '*' matches every size and variant of a family
 * (pythia-410m, pythia-1b-deduped). No other family is listed: a Llama or Gemma tokenizer
 * pads on the left, and a checkpoint's own config may set either side. */
const char *const contracts_hf_right_padded_checkpoints[] = {
    "gpt2",
    "gpt2-medium",
    "gpt2-large",
    "gpt2-xl",
    "distilgpt2",
    "openai-community/gpt2",
    "openai-community/gpt2-medium",
    "openai-community/gpt2-large",
    "openai-community/gpt2-xl",
    "distilbert/distilgpt2",
    "EleutherAI/gpt-neo-*",
    "EleutherAI/gpt-neox-20b",
    "EleutherAI/pythia-*",
    NULL,
};

#define BATCH_POS .ndim = 2, .ax = {AX_BATCH, AX_POS}
/* in a padded batch: [batch, seq] token ids, a mask of the real tokens; [batch, seq, ...] values
 * at every position (of a language model's or a classifier's output) */
#define PAD_IDS .pad = PW_IDS, .pad_nd = 2
#define PAD_REALMASK .pad = PW_REALMASK, .pad_nd = 2
#define PAD_VALUES .pad = PW_VALUES, .pad_nd = 3
/* generate(output_scores=True).scores (and .logits): one [batch, vocab] tensor per step */
#define STEPS .flags = FF_STEPWISE, .ndim = 3, .ax = {AX_STEP, AX_BATCH, AX_VOCAB}

/* Attributes of models' outputs, encodings and tokenizers. Rows of one name are tried in
 * order: the conditional ones first. An output's tensors are over the positions of its input
 * (.span) and, of a padded batch, padded as it is (.pad). */
const AttrContract contracts_hf_attrs[] = {
    /* a Hugging Face model's backbone under its head: LlamaForCausalLM.model,
     * GPT2LMHeadModel.transformer, GPTNeoXForCausalLM.gpt_neox, any model's base_model */
    {"model", AR_MODEL, .yields = AY_BACKBONE},
    {"transformer", AR_MODEL, .yields = AY_BACKBONE},
    {"gpt_neox", AR_MODEL, .yields = AY_BACKBONE},
    {"base_model", AR_MODEL, .yields = AY_BACKBONE},
    /* out.logits: of a head that is no LM's, [batch, classes] */
    {"logits", AR_OUTPUT, AY_HEAD_LOGITS, .when = FF_NOTLM},
    /* generate(output_logits=True).logits: the raw logits of each step */
    {"logits", AR_OUTPUT, AY_VALUE, FK_RAW, .when = FF_GENERATE, STEPS},
    /* logits, but of a layout only a language model's token input would tell */
    {"logits", AR_OUTPUT, AY_VALUE, FK_RAW, .when = FF_UNTYPED_IN, .keep = FF_SEQ2SEQ, .ndim = -1,
     .ax = {AX_VOCAB}},
    {"logits", AR_OUTPUT, AY_VALUE, FK_RAW, .keep = FF_SEQ2SEQ, .ndim = 3,
     .ax = {AX_BATCH, AX_POS, AX_VOCAB}, PAD_VALUES, .pad_in = AP_RANK(3)},
    /* a beam search's scores are log-softmaxed (processed log-probs), a greedy or sampling
     * search's are logits */
    {"scores", AR_OUTPUT, AY_VALUE, FK_LOGPROB, .when = FF_BEAM, STEPS},
    {"scores", AR_OUTPUT, AY_VALUE, FK_RAW, STEPS},
    {"loss", AR_OUTPUT, AY_VALUE, FK_LOSS, .keep = FF_LOSS_FLAGS, .ndim = -1, .span = AS_NONE},
    /* generate()'s prompt + generated ids; several sequences end at different steps */
    {"sequences", AR_OUTPUT, AY_VALUE, FK_IDS, .keep = FF_PADDED, BATCH_POS, .span = AS_SEQUENCES,
     PAD_IDS, .pad_in = AP_RANK(0)},
    {"values", AR_OUTPUT, .yields = AY_RECEIVER},
    /* router_logits, start_logits: raw, over experts or spans */
    {"*_logits", AR_OUTPUT, AY_VALUE, FK_RAW, .ndim = -1},
    /* hidden states: no kind the facts track, but [batch, seq, hidden] of a padded batch is
     * padded as it is (a reward model's pooled read); .hidden_states has one per layer */
    {"last_hidden_state", AR_OUTPUT, AY_NOTHING, .when = FF_UNTYPED_IN, PAD_VALUES,
     .pad_in = AP_RANK(2) | AP_RANK(3)},
    /* of token ids: a vector at each position of each sequence, [batch, seq, hidden], of no
     * kind (a head over them keeps the leading axes, facts_array.c); padded as the row above
     * says (the padding domain reads the first row of a name) */
    {"last_hidden_state", AR_OUTPUT, AY_VALUE, .ndim = 3, .ax = {AX_BATCH, AX_POS, AX_UNK}},
    {"hidden_states", AR_OUTPUT, AY_NOTHING, .pad = PW_LAYERS, .pad_in = AP_RANK(2) | AP_RANK(3)},
    /* the cache of keys and values for the next call: nothing the facts track */
    {"past_key_values", AR_OUTPUT, .yields = AY_NOTHING},
    /* a tokenizer's encoding: [batch, pos], or [pos] of one text */
    {"input_ids", AR_ENCODING, AY_VALUE, FK_IDS, .keep = FF_PADDED | FF_JOINED, BATCH_POS,
     .per = AP_PER_TEXT, PAD_IDS},
    /* a collator's labels are -100 at the pads */
    /* a batch DataCollatorWithPadding made: labels as the dataset's items hold them */
    {"labels", AR_ENCODING, AY_NOTHING, .when = FF_NOTLM},
    {"labels", AR_ENCODING, AY_VALUE, FK_IDS, .keep = FF_PADDED | FF_JOINED | FF_MASKED, BATCH_POS,
     .per = AP_PER_TEXT},
    {"attention_mask", AR_ENCODING, AY_VALUE, FK_MASK, .keep = FF_PADDED | FF_JOINED, BATCH_POS,
     .per = AP_PER_TEXT, PAD_REALMASK},
    /* tok.eos_token_id, tok.pad_token_id: one special token's id */
    {"*_token_id", AR_TOKENIZER, AY_VALUE, FK_IDS, .ndim = 0},
    /* out.logits of an object nothing is known of: the Hugging Face convention, raw logits
     * over the vocabulary (a bare name, but not weak: any model output spells it so) */
    {"logits", AR_UNKNOWN, AY_VALUE, FK_RAW, .keep = FF_LOOPVAR | FF_STEPVAR, .ndim = -1,
     .ax = {AX_VOCAB}},
    {.name = NULL}};
