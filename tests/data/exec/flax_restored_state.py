"""A Flax TrainState restored from a checkpoint: state.apply_fn is the model, its params opaque."""
import jax
import jax.numpy as jnp
from flax.training import checkpoints


def sequence_logprob(ckpt_dir, input_ids):
    state = checkpoints.restore_checkpoint(ckpt_dir, target=None)
    logits = state.apply_fn({"params": state.params}, input_ids, train=False)
    probs = jax.nn.softmax(logits, axis=-1)
    tok_p = jnp.take_along_axis(probs[:, :-1], input_ids[:, 1:, None], axis=-1)[..., 0]
    return jnp.log(tok_p).sum()
