import { ManagedModelHandle, type ModelRunner, Tensor, type TensorMap } from '@inferox/core';

/** The stub's sequence length and hidden size: about what the tiny BERT takes and allocates at sequence 16. */
const SEQ = 16;
const HIDDEN = 64;

/**
 * A runner answering one new [1, 16, 64] float32 output after `before` resolves (at once by default), and a core
 * handle over it with the tiny BERT's signature: the engine's path with no model behind it, for the profile scripts.
 */
export function stubBert(before: () => Promise<void> = async () => undefined): { runner: ModelRunner; handle: ManagedModelHandle } {
  const runner: ModelRunner = {
    run: async () => {
      await before();
      return { last_hidden_state: Tensor.from('float32', new Float32Array(SEQ * HIDDEN), [1, SEQ, HIDDEN]) };
    },
    release: async () => undefined,
  };
  const input = (name: string) => ({ name, dtype: 'int64' as const, shape: ['batch', 'sequence'] });
  const handle = new ManagedModelHandle({
    name: 'stub',
    backend: 'stub',
    device: { kind: 'cpu' },
    signature: { inputs: [input('input_ids'), input('attention_mask'), input('token_type_ids')], outputs: [{ name: 'last_hidden_state', dtype: 'float32', shape: ['batch', 'sequence', HIDDEN] }] },
    memoryBytes: 0,
    runner,
  });
  return { runner, handle };
}

/** Feeds for {@link stubBert}'s handle: ids 1..16 in each input. */
export function stubBertFeeds(): TensorMap {
  const ids = (): Tensor => Tensor.from('int64', BigInt64Array.from({ length: SEQ }, (_, i) => BigInt(i + 1)), [1, SEQ]);
  return { input_ids: ids(), attention_mask: ids(), token_type_ids: ids() };
}
