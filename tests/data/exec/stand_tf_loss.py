# TensorFlow and Keras scoring: Keras' sparse categorical cross-entropy (the function, per
# token, of logits and of probabilities; the loss object, reduced to the mean), tf.one_hot of the next tokens over
# tf.shape(logits)[-1] classes, and a mask made of tf.not_equal and tf.range(tf.shape(...)[1]).
import tensorflow as tf


def keras_fn_sum(model, input_ids, prompt_len):
    logits = model(input_ids, training=False).logits[:, :-1, :]
    losses = tf.keras.losses.sparse_categorical_crossentropy(input_ids[:, 1:], logits, from_logits=True)
    return -tf.reduce_sum(losses[:, prompt_len - 1:], axis=1)


def keras_obj_mean(model, input_ids):
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    logits = model(input_ids, training=False).logits
    return loss_fn(input_ids[:, 1:], logits[:, :-1, :])


def keras_probs_sum(model, input_ids, prompt_len):
    probs = tf.nn.softmax(model(input_ids, training=False).logits[:, :-1, :], axis=-1)
    losses = tf.keras.losses.sparse_categorical_crossentropy(input_ids[:, 1:], probs)
    return -tf.reduce_sum(losses[:, prompt_len - 1:], axis=1)


def one_hot_log_prob(model, input_ids, prompt_len):
    logp = tf.nn.log_softmax(model(input_ids, training=False).logits[:, :-1, :], axis=-1)
    onehot = tf.one_hot(input_ids[:, 1:], tf.shape(logp)[-1])
    picked = tf.reduce_sum(onehot * logp, axis=-1)
    return tf.reduce_sum(picked[:, prompt_len - 1:], axis=1)


def raw_masked(model, input_ids, prompt_len):
    logits = model(input_ids, training=False).logits[:, :-1, :]
    labels = input_ids[:, 1:]
    picked = tf.gather(logits, labels, batch_dims=2)
    positions = tf.range(tf.shape(labels)[1])[tf.newaxis, :]
    keep = tf.logical_and(positions >= prompt_len - 1, tf.not_equal(labels, -1))
    return tf.reduce_sum(picked * tf.cast(keep, tf.float32), axis=1)
