import { readFile } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { ErrorCode, InferoxError, type SafetensorsEntry, Tensor, float16BitsToNumber, parseSafetensors, throwIfAborted } from '@inferox/core';
import type { ArchitectureInput, CheckpointWeights } from '../architecture';

const INDEX_FILE = 'model.safetensors.index.json';
const SINGLE_FILE = 'model.safetensors';

function packageInvalid(message: string, file: string, cause?: unknown): InferoxError {
  return new InferoxError(ErrorCode.PACKAGE_INVALID, message, { details: { file }, ...(cause === undefined ? {} : { cause }) });
}

function isMissing(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 'ENOENT';
}

async function readJson(path: string, signal?: AbortSignal): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, { encoding: 'utf8', signal });
  } catch (error) {
    throwIfAborted(signal, `reading ${path}`);
    throw packageInvalid(`${path}: cannot read: ${(error as Error).message}`, path, error);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw packageInvalid(`${path}: not valid JSON: ${(error as Error).message}`, path, error);
  }
}

async function readOptional(path: string, signal?: AbortSignal): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path, { signal });
  } catch (error) {
    throwIfAborted(signal, `reading ${path}`);
    if (isMissing(error)) return undefined;
    throw packageInvalid(`${path}: cannot read: ${(error as Error).message}`, path, error);
  }
}

function toFloat32(entry: SafetensorsEntry, name: string, file: string): Float32Array {
  const count = entry.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(count);
  const view = new DataView(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength);
  switch (entry.fileDtype) {
    case 'F32':
      new Uint8Array(out.buffer).set(entry.bytes);
      return out;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    case 'BF16': {
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      return out;
    }
    case 'F16': {
      for (let i = 0; i < count; i++) out[i] = float16BitsToNumber(view.getUint16(i * 2, true));
      return out;
    }
    default:
      throw packageInvalid(`${file}: tensor ${JSON.stringify(name)} is ${entry.fileDtype}; the architecture needs floating point (F32, F16, BF16, F64)`, file);
  }
}

class SafetensorsWeights implements CheckpointWeights {
  readonly #entries: ReadonlyMap<string, { entry: SafetensorsEntry; file: string }>;
  readonly #prefix: string;

  constructor(
    readonly source: string,
    entries: ReadonlyMap<string, { entry: SafetensorsEntry; file: string }>,
    modelType: string,
  ) {
    this.#entries = entries;
    this.#prefix = `${modelType}.`;
  }

  #find(name: string): { entry: SafetensorsEntry; file: string } | undefined {
    return this.#entries.get(name) ?? this.#entries.get(this.#prefix + name);
  }

  has(name: string): boolean {
    return this.#find(name) !== undefined;
  }

  get(name: string, shape: readonly number[]): Tensor<'float32'> {
    const found = this.#find(name);
    if (!found) throw packageInvalid(`${this.source}: missing weight tensor ${JSON.stringify(name)}`, this.source);
    const { entry, file } = found;
    if (entry.shape.length !== shape.length || entry.shape.some((d, i) => d !== shape[i])) {
      throw packageInvalid(`${file}: weight tensor ${JSON.stringify(name)} has shape [${entry.shape.join(', ')}], the config needs [${shape.join(', ')}]`, file);
    }
    return Tensor.from('float32', toFloat32(entry, name, file), shape);
  }
}

/**
 * Reads a Hugging Face checkpoint folder: `config.json` and the safetensors weights, single-file or sharded
 * (`model.safetensors.index.json`).
 *
 * @throws InferoxError `PACKAGE_INVALID` naming the file (missing, unreadable, bad JSON, bad index, bad shard).
 */
export async function readCheckpoint(dir: string, signal?: AbortSignal): Promise<ArchitectureInput & { readonly modelType: string }> {
  const configPath = join(dir, 'config.json');
  const config = await readJson(configPath, signal);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw packageInvalid(`${configPath}: must hold a JSON object`, configPath);
  const modelType = (config as Record<string, unknown>).model_type;
  if (typeof modelType !== 'string' || modelType === '') throw packageInvalid(`${configPath}: model_type must be a non-empty string`, configPath);
  const entries = new Map<string, { entry: SafetensorsEntry; file: string }>();
  const indexPath = join(dir, INDEX_FILE);
  const indexBytes = await readOptional(indexPath, signal);
  let source: string;
  if (indexBytes) {
    source = indexPath;
    const weightMap = parseIndex(indexBytes, indexPath);
    const shards = new Map<string, ReadonlyMap<string, SafetensorsEntry>>();
    for (const shard of new Set(weightMap.values())) {
      const shardPath = resolve(dir, shard);
      if (!shardPath.startsWith(resolve(dir) + sep)) throw packageInvalid(`${indexPath}: shard ${JSON.stringify(shard)} lies outside the checkpoint folder`, indexPath);
      const bytes = await readOptional(shardPath, signal);
      if (!bytes) throw packageInvalid(`${indexPath}: shard ${shard} is missing (${shardPath})`, shardPath);
      shards.set(shard, parseSafetensors(bytes, shardPath).tensors);
    }
    for (const [name, shard] of weightMap) {
      const entry = shards.get(shard)!.get(name);
      if (!entry) throw packageInvalid(`${join(dir, shard)}: tensor ${JSON.stringify(name)} listed in ${INDEX_FILE} is not in the shard`, join(dir, shard));
      entries.set(name, { entry, file: join(dir, shard) });
    }
  } else {
    source = join(dir, SINGLE_FILE);
    const bytes = await readOptional(source, signal);
    if (!bytes) throw packageInvalid(`${dir}: has neither ${SINGLE_FILE} nor ${INDEX_FILE}`, dir);
    for (const [name, entry] of parseSafetensors(bytes, source).tensors) entries.set(name, { entry, file: source });
  }
  throwIfAborted(signal, `reading checkpoint ${basename(dir)}`);
  return { config: config as Record<string, unknown>, configPath, modelType, weights: new SafetensorsWeights(source, entries, modelType) };
}

function parseIndex(bytes: Uint8Array, path: string): Map<string, string> {
  let index: unknown;
  try {
    index = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw packageInvalid(`${path}: not valid JSON: ${(error as Error).message}`, path, error);
  }
  const weightMap = (index as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap) || Object.values(weightMap).some((v) => typeof v !== 'string')) {
    throw packageInvalid(`${path}: weight_map must be an object of tensor name → shard file name`, path);
  }
  return new Map(Object.entries(weightMap as Record<string, string>));
}
