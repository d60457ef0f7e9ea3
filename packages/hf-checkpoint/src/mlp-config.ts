import { z } from 'zod';
import type { CheckpointConfig } from './checkpoint-config';
import { oneOf, parseFields } from './internal/config-fields';

const SIZES = 'must be an array of at least 2 positive integers';

/** The `hidden_act` values of `inferox-mlp`: `gelu` is the exact (erf) form. */
export const MLP_ACTIVATIONS = ['relu', 'gelu', 'tanh'] as const;

/** One of {@link MLP_ACTIVATIONS}. */
export type MlpActivation = (typeof MLP_ACTIVATIONS)[number];

/** An `inferox-mlp` config: Linear layers `layer_sizes[i] → layer_sizes[i + 1]` with `hidden_act` between them. */
export interface MlpConfig {
  /** At least two sizes: the input width, any hidden widths, the output width. */
  readonly layerSizes: readonly number[];
  /** @defaultValue `'relu'` */
  readonly hiddenAct: MlpActivation;
}

const mlpSchema = z.looseObject({
  layer_sizes: z
    .array(z.unknown(), { error: SIZES })
    .min(2, SIZES)
    .refine((sizes): sizes is number[] => sizes.every((n) => Number.isSafeInteger(n) && (n as number) > 0), SIZES),
  hidden_act: oneOf(MLP_ACTIVATIONS, 'relu'),
});

/**
 * Parses an `inferox-mlp` config.
 *
 * @throws InferoxError `PACKAGE_INVALID` naming `config.json`, the field and its value.
 */
export function parseMlpConfig(config: CheckpointConfig): MlpConfig {
  const c = parseFields(mlpSchema, config.raw, config.file);
  return { layerSizes: Object.freeze([...(c.layer_sizes as number[])]), hiddenAct: c.hidden_act };
}
