import { DTYPES } from '@inferox/core';
import { z } from 'zod';
import { ARCHITECTURE_FAMILIES } from './architecture-family';

/** core's `DimLimit`: bounds on one dim of an input (`max_position_embeddings` for a sequence). */
const dimLimitSchema = z.strictObject({
  min: z.number().int().nonnegative().optional(),
  max: z.number().int().nonnegative().optional(),
  source: z.string().optional(),
});

/** core's `ValueRange`: the values an input's elements must lie in (token ids within the vocabulary). */
const valueRangeSchema = z.strictObject({ min: z.number(), maxExclusive: z.number(), source: z.string().optional() });

const tensorSpecSchema = z.strictObject({
  name: z.string(),
  dtype: z.enum(DTYPES),
  shape: z.array(z.union([z.number().int(), z.string(), z.null()])).readonly().nullable(),
  dimLimits: z.array(dimLimitSchema.nullable()).readonly().optional(),
  valueRange: valueRangeSchema.optional(),
});

const signatureSchema = z.strictObject({
  inputs: z.array(tensorSpecSchema),
  outputs: z.array(tensorSpecSchema),
});

/** One way a backend can load the model: a format, the path handed to the backend and the files it reads. */
export const backendVariantSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'variant names are lower-case letters, digits and dashes'),
  format: z.string().min(1),
  path: z.string().min(1),
  files: z.array(z.string().min(1)).min(1),
  signature: signatureSchema.nullable(),
});

/** A backend's entry: its variants and which one is used when the caller names none. */
export const backendEntrySchema = z.strictObject({
  default_variant: z.string(),
  variants: z.array(backendVariantSchema).min(1),
});

/** The schema of `model_info.json` (format version 1). */
export const packageModelInfoSchema = z.strictObject({
  model_type: z.string(),
  architecture_family: z.enum(ARCHITECTURE_FAMILIES),
  architectures: z.array(z.string()),
  supported_backends: z.array(z.string()),
  backends: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/), backendEntrySchema),
  hidden_size: z.number().int().positive().nullable(),
  num_layers: z.number().int().positive().nullable(),
  vocab_size: z.number().int().positive().nullable(),
  memory_estimate: z.strictObject({
    parameters: z.number().int().nonnegative().nullable(),
    weights_bytes: z.number().int().nonnegative(),
    dtype: z.string().nullable(),
    estimated_bytes: z.number().int().nonnegative(),
  }),
  tokenizer: z.strictObject({ files: z.array(z.string().min(1)).min(1) }).nullable(),
});

/** `model_info.json`: what the model is and how each backend loads it. */
export type PackageModelInfo = z.infer<typeof packageModelInfoSchema>;

/** One entry of `model_info.json` `backends`. */
export type BackendEntry = z.infer<typeof backendEntrySchema>;

/** One variant of a backend entry. */
export type BackendVariant = z.infer<typeof backendVariantSchema>;
