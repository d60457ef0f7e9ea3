import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, InferoxError, type TensorSpec } from '@inferox/core';
import {
  CONFIG_FILE,
  type CheckpointConfig,
  type InventoryTensor,
  expectModelSourceKind,
  readCheckpointConfig,
  readCheckpointFile,
  readCheckpointJson,
  readWeightInventory,
  resolveModelSource,
} from '@inferox/hf-checkpoint';
import { z } from 'zod';
import { onnxGraphInfo } from './onnx-graph-info';
import { pathProblem } from './package-path';
import { ProtobufError } from './protobuf-fields';

/** ONNX files larger than this are not parsed for a signature (external data is then found by name). */
const MAX_ONNX_PARSE_BYTES = 1024 * 1024 * 1024;

/** Tokenizer files copied to tokenizer/ when present. */
export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'vocab.txt',
  'vocab.json',
  'merges.txt',
  'special_tokens_map.json',
  'added_tokens.json',
  'spiece.model',
  'sentencepiece.bpe.model',
];

/** A file to copy: absolute source path → package-relative destination. */
export interface Copy {
  readonly from: string;
  readonly to: string;
}

type Signature = { inputs: TensorSpec[]; outputs: TensorSpec[] } | null;

/** What pack found in a Hugging Face checkpoint folder. */
export interface CheckpointPlan {
  /** `config.json`, read by `@inferox/hf-checkpoint`. */
  readonly checkpointConfig: CheckpointConfig;
  readonly config: Readonly<Record<string, unknown>>;
  readonly modelType: string;
  readonly architectures: string[];
  readonly copies: Copy[];
  readonly weights?: {
    files: string[];
    parameters: number;
    dataBytes: number;
    dtype: string | null;
    /** Every tensor by name, from the safetensors headers. */
    tensors: ReadonlyMap<string, InventoryTensor>;
  };
  readonly onnx?: { path: string; files: string[]; signature: Signature; bytes: number };
  readonly tfjs?: { path: string; files: string[]; format: string; bytes: number };
  readonly tokenizer?: string[];
}

function invalid(message: string, path: string): InferoxError {
  return new InferoxError(ErrorCode.PACKAGE_INVALID, message, { details: { path } });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Resolves a file name read from a source manifest (safetensors index, ONNX external data, TF.js weightsManifest),
 * refusing names that break the path rules. The file itself may be a symbolic link (a hub cache snapshot is made of
 * links into its blob store); it must exist and be a regular file once followed.
 */
async function sourceFile(base: string, name: string, from: string): Promise<string> {
  const problem = pathProblem(name);
  if (problem) throw invalid(`${from} names ${JSON.stringify(name)}: ${problem}`, name);
  const absolute = join(base, ...name.split('/'));
  if (!(await isFile(absolute))) throw invalid(`${from} names ${name}, which is missing or not a file`, name);
  return absolute;
}

/** The weights, read from their headers by `@inferox/hf-checkpoint` (index, shard names and headers checked). */
async function scanWeights(root: string, copies: Copy[]): Promise<CheckpointPlan['weights']> {
  const inventory = await readWeightInventory(root);
  if (!inventory) return undefined;
  for (const file of inventory.files) copies.push({ from: join(root, ...file.split('/')), to: `weights/${file}` });
  copies.push({ from: join(root, CONFIG_FILE), to: `weights/${CONFIG_FILE}` });
  const { parameters, dataBytes, dtype, tensors } = inventory;
  return { files: copies.filter((c) => c.to.startsWith('weights/')).map((c) => c.to).sort(), parameters, dataBytes, dtype, tensors };
}

async function scanOnnx(root: string, copies: Copy[]): Promise<CheckpointPlan['onnx']> {
  const dirs = ['onnx', ''];
  for (const dir of dirs) {
    const model = join(root, dir, 'model.onnx');
    if (!(await isFile(model))) continue;
    const label = dir ? `${dir}/model.onnx` : 'model.onnx';
    const size = (await stat(model)).size;
    let signature: Signature = null;
    let external: string[];
    if (size <= MAX_ONNX_PARSE_BYTES) {
      try {
        const info = onnxGraphInfo(await readCheckpointFile(model));
        signature = info.signature;
        external = info.externalData;
      } catch (error) {
        if (!(error instanceof ProtobufError)) throw error;
        throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${label} is not a valid ONNX model: ${error.message}`, { cause: error, details: { path: label } });
      }
    } else {
      external = [];
      for (const name of ['model.onnx_data', 'model.onnx.data']) if (await isFile(join(root, dir, name))) external.push(name);
    }
    const files = ['backends/onnx/model.onnx'];
    copies.push({ from: model, to: 'backends/onnx/model.onnx' });
    let bytes = size;
    for (const name of external) {
      const from = await sourceFile(join(root, dir), name, label);
      bytes += (await stat(from)).size;
      copies.push({ from, to: `backends/onnx/${name}` });
      files.push(`backends/onnx/${name}`);
    }
    return { path: 'backends/onnx/model.onnx', files, signature, bytes };
  }
  return undefined;
}

async function scanTfjs(root: string, copies: Copy[]): Promise<CheckpointPlan['tfjs']> {
  for (const dir of ['tfjs', '']) {
    const modelJson = join(root, dir, 'model.json');
    if (!(await isFile(modelJson))) continue;
    const label = dir ? `${dir}/model.json` : 'model.json';
    const raw = await readCheckpointJson(modelJson);
    const parsed = z
      .looseObject({ format: z.string().optional(), weightsManifest: z.array(z.looseObject({ paths: z.array(z.string()) })).optional() })
      .safeParse(raw);
    if (!parsed.success) throw invalid(`${label} is not a TF.js model.json (format, weightsManifest[].paths)`, label);
    const format = parsed.data.format === 'layers-model' ? 'tfjs-layers' : 'tfjs-graph';
    const files = ['backends/tfjs/model.json'];
    copies.push({ from: modelJson, to: 'backends/tfjs/model.json' });
    let bytes = 0;
    for (const name of new Set((parsed.data.weightsManifest ?? []).flatMap((group) => group.paths))) {
      const from = await sourceFile(join(root, dir), name, label);
      bytes += (await stat(from)).size;
      copies.push({ from, to: `backends/tfjs/${name}` });
      files.push(`backends/tfjs/${name}`);
    }
    return { path: 'backends/tfjs', files, format, bytes };
  }
  return undefined;
}

/**
 * Scans a Hugging Face checkpoint folder: config.json (required) and the safetensors (single or index + shards)
 * through `@inferox/hf-checkpoint`, headers only; an ONNX graph (`onnx/model.onnx` or `model.onnx`, with its external data), a TF.js model (`tfjs/model.json` or
 * `model.json`, with its shards) and tokenizer files.
 *
 * @throws InferoxError `INVALID_INPUT` when the folder does not exist (or is a link loop); `PACKAGE_INVALID` naming
 * the file that is missing or malformed.
 */
export async function scanCheckpoint(sourceDir: string): Promise<CheckpointPlan> {
  const source = expectModelSourceKind(await resolveModelSource({ path: sourceDir, format: 'hf-checkpoint' }), ['hf-checkpoint'], 'pack');
  const root = await realpath(source.dir);
  const checkpointConfig = await readCheckpointConfig(root);
  const copies: Copy[] = [];
  const weights = await scanWeights(root, copies);
  const onnx = await scanOnnx(root, copies);
  const tfjs = await scanTfjs(root, copies);
  if (!weights && !onnx && !tfjs) {
    throw invalid(`checkpoint ${sourceDir} has no model.safetensors, safetensors index, model.onnx or model.json`, sourceDir);
  }
  const tokenizer: string[] = [];
  for (const name of TOKENIZER_FILES) {
    if (await isFile(join(root, name))) {
      copies.push({ from: join(root, name), to: `tokenizer/${name}` });
      tokenizer.push(`tokenizer/${name}`);
    }
  }
  return {
    checkpointConfig,
    config: checkpointConfig.raw,
    modelType: checkpointConfig.modelType,
    architectures: [...checkpointConfig.architectures],
    copies,
    ...(weights ? { weights } : {}),
    ...(onnx ? { onnx } : {}),
    ...(tfjs ? { tfjs } : {}),
    ...(tokenizer.length > 0 ? { tokenizer } : {}),
  };
}
