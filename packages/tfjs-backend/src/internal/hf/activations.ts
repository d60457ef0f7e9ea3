import type { Tf, TfTensor } from '../tf-module';

/** Hidden activations by their Hugging Face `hidden_act` name. */
export const ACTIVATIONS = {
  /** The exact (erf) GELU, as torch's `nn.GELU()` and HF's `gelu`. */
  gelu: (tf: Tf, x: TfTensor): TfTensor => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)),
  /** The tanh approximation of GELU (`gelu_new`, `gelu_pytorch_tanh`). */
  gelu_new: (tf: Tf, x: TfTensor): TfTensor =>
    tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI))), 1)),
  relu: (tf: Tf, x: TfTensor): TfTensor => tf.relu(x),
  tanh: (tf: Tf, x: TfTensor): TfTensor => tf.tanh(x),
  silu: (tf: Tf, x: TfTensor): TfTensor => tf.mul(x, tf.sigmoid(x)),
} as const;

/** A name in {@link ACTIVATIONS}. */
export type ActivationName = keyof typeof ACTIVATIONS;
