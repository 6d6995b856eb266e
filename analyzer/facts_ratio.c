/* facts_ratio: per-token log-ratios under a mask. log p - log q of the same chosen tokens (a
 * policy's log-probs minus those it was sampled with, or a reference model's: the PPO ratio's
 * log, a KL term) is no log-probability of a sequence, but each of its elements is still about
 * the token the log-probs are about: the difference keeps their positions. A mask multiplying
 * it must be about those tokens too. One that is not (the attention mask cut to the same window
 * as log-probs of tokens 1..T-1, one position behind them) weighs each token's log-ratio by the
 * entry of the token before it: the first pad after a shorter response is counted and the
 * response's first token dropped, whatever the loss does with the product afterwards (the ratio
 * exp() of it, clipped, times the advantages, summed).
 *
 * The mask's coverage is judged as facts_mask.c judges it for token log-probs; only the flaws
 * of position are taken (a mask behind or ahead of the tokens, or bounding them one too far):
 * a mask of the real tokens that leaves a joined prompt in is no flaw of a ratio. Of a whole
 * sequence's mask one behind (attention_mask[:, :-1] against log-probs of tokens 1..T-1) the
 * one position it adds after each row is where the code may mean its EOS to be (trlx's KL
 * estimate, with the EOS padded like the rest): only a mask cut to the log-probs' window,
 * where that lag also drops the window's first token, is taken. */
#include "facts_svc.h"

/* Is f the log-ratio of two per-token log-probs (ratio_of made it), not yet changed? */
static bool token_ratio(const Fact *f) {
    return f->token_ratio && f->kinds == FK_NUM && f->obj == FO_NONE &&
           !(f->flags & (FF_AGGREGATED | FF_EXP)) && align_known(f);
}

void ratio_of(Fact *diff, const Fact *logp) {
    if (logp->obj != FO_NONE || (logp->flags & FF_AGGREGATED) || !(logp->flags & FF_SELECTED) ||
        !align_known(logp))
        return;
    diff->token_ratio = true;
    diff->flags |= logp->flags & (FF_PADDED | FF_SLICED | FF_JOINED);
    diff->origin = logp->origin; /* where the log-probs were made */
    diff->head = logp->head;
    diff->tail = logp->tail;
    diff->pad = logp->pad;
    diff->pad_what = logp->pad_what;
}

bool ratio_masked(Interp *in, TSNode node, const Fact *l, const Fact *r) {
    const Fact *ratio = token_ratio(l) && (r->kinds & FK_MASK) ? l
                        : token_ratio(r) && (l->kinds & FK_MASK) ? r
                                                                  : NULL;
    if (!ratio) return false;
    const Fact *mask = ratio == l ? r : l;
    Fact as_logprobs = *ratio; /* the positions of the log-probs it was made of */
    as_logprobs.kinds = FK_LOGPROB;
    as_logprobs.flags |= FF_SELECTED;
    as_logprobs.mask_flaw = MFLAW_NONE;
    if (mask_multiply(&as_logprobs, mask)) return true;
    uint8_t flaw = as_logprobs.mask_flaw;
    if (flaw == MFLAW_LAGS_WINDOW || flaw == MFLAW_SPAN_LAGS || flaw == MFLAW_SPAN_OFF ||
        flaw == MFLAW_LENGTH_PAST)
        svc_emit(in, EV_MASK_OFF, flaw, node, *ratio, *mask, AX_UNK);
    return true;
}
