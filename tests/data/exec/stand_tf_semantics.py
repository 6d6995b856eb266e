# Library calls computed as TensorFlow and Python compute them, added to a raw-logit sum as a
# bonus of 7: tf.argmax without an axis reduces axis 0 ([[0, 1], [3, 0]] -> [1, 0], sum 1; not
# the flattened argmax, 2), tf.one_hot gives a row of zeros for a class outside the depth (sum 1),
# tf.rank of a matrix is 2, "ab#c#".count("#") is 2, counts do not overlap ("aaa".count("aa") is
# 1), rfind gives the last place ("aaa".rfind("aa") is 1) and find -1 when absent.
import tensorflow as tf


def raw_sum_bonus(model, input_ids):
    logits = model(input_ids, training=False).logits[:, :-1, :]
    picked = tf.gather(logits, input_ids[:, 1:], batch_dims=2)
    m = tf.constant([[0, 1], [3, 0]])
    bonus = tf.reduce_sum(tf.argmax(m)) + tf.reduce_sum(tf.cast(tf.one_hot([0, 5], 3), tf.int64)) + tf.rank(m)
    text = bonus.numpy().item() + "ab#c#".count("#") + "aaa".count("aa") + "aaa".rfind("aa") + "abc".find("z")
    return tf.reduce_sum(picked, axis=-1) + float(text)
