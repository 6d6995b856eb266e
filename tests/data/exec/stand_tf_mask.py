# A TensorFlow scorer given the ids and each row's prompt length apart (a tf.data batch of two
# tensors): the prompt lengths are one per row, and the response's tokens those at positions
# >= prompt_len - 1 of the shifted labels. Keras' running Sum metric of the token losses.
import tensorflow as tf


def response_raw(model, input_ids, prompt_len):
    logits = model(input_ids=input_ids, training=False).logits[:, :-1, :]
    picked = tf.gather(logits, input_ids[:, 1:], batch_dims=2)
    positions = tf.range(tf.shape(picked)[1])[tf.newaxis, :]
    keep = tf.logical_and(positions >= prompt_len[:, tf.newaxis] - 1, tf.not_equal(input_ids[:, 1:], -1))
    return tf.reduce_sum(picked * tf.cast(keep, tf.float32), axis=1), tf.reduce_sum(tf.cast(keep, tf.float32), axis=1)


def response_log_prob(model, input_ids, prompt_len):
    logits = model(input_ids=input_ids, training=False).logits[:, :-1, :]
    logp = tf.gather(tf.nn.log_softmax(logits, axis=-1), input_ids[:, 1:], batch_dims=2)
    positions = tf.range(tf.shape(logp)[1])[tf.newaxis, :]
    keep = tf.cast(positions >= prompt_len[:, tf.newaxis] - 1, tf.float32)
    return tf.reduce_sum(logp * keep, axis=1)


class Evaluator:
    """Keras running metrics: the summed token NLL of one sequence, read back as its log-prob."""

    def __init__(self, model):
        self.model = model
        self.nll = tf.keras.metrics.Sum()

    def log_prob(self, input_ids):
        self.nll.reset_state()
        logits = self.model(input_ids, training=False).logits[:, :-1, :]
        losses = tf.keras.losses.sparse_categorical_crossentropy(input_ids[:, 1:], logits, from_logits=True)
        self.nll.update_state(losses)
        return -self.nll.result()
