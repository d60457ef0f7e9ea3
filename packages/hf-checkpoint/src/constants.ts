import { SAFETENSORS_MAX_HEADER_BYTES } from '@inferox/core';

/** A Hugging Face checkpoint's config file. */
export const CONFIG_FILE = 'config.json';
/** The single-file safetensors weights. */
export const SAFETENSORS_FILE = 'model.safetensors';
/** The index of sharded safetensors weights (`weight_map`: tensor name → shard file). */
export const SAFETENSORS_INDEX_FILE = 'model.safetensors.index.json';
/** An ONNX graph. */
export const ONNX_FILE = 'model.onnx';
/** A TF.js model (graph or layers). */
export const TFJS_MODEL_FILE = 'model.json';
/** What marks an Inferox package folder (`@inferox/mlpkg`). */
export const PACKAGE_METADATA_FILE = 'metadata.json';

/** The largest safetensors header read: the format's own limit (core's `SAFETENSORS_MAX_HEADER_BYTES`, 100 MB). */
export const MAX_HEADER_LENGTH = SAFETENSORS_MAX_HEADER_BYTES;
/** The largest `config.json` (and any other JSON file of a checkpoint) read: 16 MiB. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
/** The largest `model.safetensors.index.json` read: 16 MiB. */
export const MAX_INDEX_BYTES = 16 * 1024 * 1024;
/** The most `weight_map` entries an index may list. */
export const MAX_WEIGHT_MAP_ENTRIES = 200_000;
/** The longest shard file name an index may give, in characters. */
export const MAX_SHARD_NAME_LENGTH = 1024;

/**
 * The safetensors dtypes weights are read from, converted to float32 or float16 on demand. F64 is accepted
 * (transformers saves it for `model.double()`) and rounded; integer and bool tensors are refused as weights.
 */
export const WEIGHT_DTYPES = ['F32', 'F16', 'BF16', 'F64'] as const;

/** One of {@link WEIGHT_DTYPES}. */
export type WeightDtype = (typeof WEIGHT_DTYPES)[number];
