# TensorFlow: tf.gather(batch_dims=2) of the next tokens, summed with tf.reduce_sum.
import tensorflow as tf


def raw_sum(model, input_ids):
    logits = model(input_ids, training=False).logits[:, :-1, :]
    picked = tf.gather(logits, input_ids[:, 1:], batch_dims=2)
    return tf.reduce_sum(picked, axis=-1)


def log_prob(model, input_ids):
    logits = model(input_ids, training=False).logits[:, :-1, :]
    logp = tf.nn.log_softmax(tf.cast(logits, tf.float32), axis=-1)
    picked = tf.gather(logp, input_ids[:, 1:, None], batch_dims=2)[..., 0]
    return tf.reduce_sum(picked, axis=-1)
