/* scikit-learn's and scipy.stats' metrics that depend only on the order of the scores they are
 * given: each ranks those scores as argmax or sorted() does (an AUROC of per-answer confidences
 * compares every pair of answers). idx_pos: the positional index of the scores. */
#include "contracts.h"

const Contract contracts_metrics[] = {
    /* sklearn.metrics: (y_true, y_score) */
    {"roc_auc_score", LIB_SKLEARN, FORM_FUNC, OP_RANK_METRIC, -1, 1},
    {"roc_curve", LIB_SKLEARN, FORM_FUNC, OP_RANK_METRIC, -1, 1},
    {"average_precision_score", LIB_SKLEARN, FORM_FUNC, OP_RANK_METRIC, -1, 1},
    {"precision_recall_curve", LIB_SKLEARN, FORM_FUNC, OP_RANK_METRIC, -1, 1},
    {"ndcg_score", LIB_SKLEARN, FORM_FUNC, OP_RANK_METRIC, -1, 1},
    {"top_k_accuracy_score", LIB_SKLEARN, FORM_FUNC, OP_RANK_METRIC, -1, 1},
    /* scipy.stats rank correlations: both arguments are ranked */
    {"spearmanr", LIB_SCIPY, FORM_FUNC, OP_RANK_METRIC, -1, -1},
    {"kendalltau", LIB_SCIPY, FORM_FUNC, OP_RANK_METRIC, -1, -1},
    {NULL, 0, 0, OP_NONE, 0, 0}};
