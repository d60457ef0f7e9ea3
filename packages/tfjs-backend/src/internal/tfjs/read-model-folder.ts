import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import { ErrorCode, InferoxError, throwIfAborted } from '@inferox/core';
import { readCheckpointFile, readCheckpointJson } from '@inferox/hf-checkpoint';

/** The largest model.json read (topologies can be large; weights are in the shards). */
const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;

/** Which tfjs model class a model.json holds. */
export type TfjsModelKind = 'graph' | 'layers';

/** A TF.js model.json and its weight shards, read from disk. */
export interface TfjsModelFiles {
  readonly kind: TfjsModelKind;
  readonly artifacts: io.ModelArtifacts;
  /** Bytes the weights take once loaded as tensors (quantized weights are dequantized to float32). */
  readonly weightBytes: number;
  /** The shard files read, relative to the model.json folder. */
  readonly shards: readonly string[];
}

const ELEMENT_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2, int8: 1, int16: 2 };

function invalid(file: string, message: string, details: Record<string, unknown> = {}, cause?: unknown): InferoxError {
  return new InferoxError(ErrorCode.PACKAGE_INVALID, `${file}: ${message}`, { details: { file, ...details }, ...(cause === undefined ? {} : { cause }) });
}

function detectKind(file: string, json: Record<string, unknown>, topology: Record<string, unknown>): TfjsModelKind {
  if (json.format === 'graph-model') return 'graph';
  if (json.format === 'layers-model') return 'layers';
  if (Array.isArray(topology.node)) return 'graph';
  if (typeof topology.class_name === 'string' || typeof topology.model_config === 'object') return 'layers';
  throw invalid(file, `cannot tell a graph model from a layers model (format ${JSON.stringify(json.format)}, no "node" list or "class_name" in modelTopology)`);
}

/** Stored bytes of one weight, or undefined when it cannot be known up front (strings). */
function storedBytes(spec: io.WeightsManifestEntry): number | undefined {
  if (spec.dtype === 'string') return undefined;
  const count = spec.shape.reduce((a, b) => a * b, 1);
  const bytes = ELEMENT_BYTES[spec.quantization?.dtype ?? spec.dtype];
  return bytes === undefined ? undefined : count * bytes;
}

function checkSpec(file: string, spec: unknown, group: number): io.WeightsManifestEntry {
  const s = spec as Partial<io.WeightsManifestEntry> | null;
  if (typeof s !== 'object' || s === null || typeof s.name !== 'string' || typeof s.dtype !== 'string' || !Array.isArray(s.shape) || !s.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw invalid(file, `weightsManifest[${group}] has a weight without a name, dtype and shape: ${JSON.stringify(spec)}`);
  }
  return s as io.WeightsManifestEntry;
}

/**
 * Reads a TF.js `model.json` and the weight shards its manifest lists (paths relative to its folder, never outside).
 *
 * @throws InferoxError `PACKAGE_INVALID` naming the file (bad JSON, no topology, a shard missing, outside the folder
 * or of the wrong total size); `CANCELLED`.
 */
export async function readTfjsModelFolder(modelJson: string, signal?: AbortSignal): Promise<TfjsModelFiles> {
  const json = await readCheckpointJson(modelJson, { maxBytes: MAX_MODEL_JSON_BYTES, ...(signal ? { signal } : {}) });
  const topology = json.modelTopology;
  if (typeof topology !== 'object' || topology === null) throw invalid(modelJson, 'has no "modelTopology" object; is it a TF.js model.json?');
  const kind = detectKind(modelJson, json, topology as Record<string, unknown>);
  const manifest = json.weightsManifest ?? [];
  if (!Array.isArray(manifest)) throw invalid(modelJson, '"weightsManifest" must be an array');
  const dir = dirname(modelJson);
  const specs: io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  const shards: string[] = [];
  let expected: number | undefined = 0;
  let weightBytes = 0;
  for (const [g, group] of (manifest as unknown[]).entries()) {
    const { paths, weights } = (group ?? {}) as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(paths) || !Array.isArray(weights)) throw invalid(modelJson, `weightsManifest[${g}] needs "paths" and "weights" arrays`);
    for (const spec of weights) {
      const checked = checkSpec(modelJson, spec, g);
      specs.push(checked);
      const stored = storedBytes(checked);
      expected = expected === undefined || stored === undefined ? undefined : expected + stored;
      weightBytes += checked.shape.reduce((a, b) => a * b, 1) * (ELEMENT_BYTES[checked.dtype] ?? 0);
    }
    for (const path of paths) {
      const full = typeof path === 'string' && path !== '' ? resolve(dir, path) : undefined;
      const rel = full === undefined ? '..' : relative(dir, full);
      if (full === undefined || rel.startsWith('..') || isAbsolute(rel)) {
        throw invalid(modelJson, `weight path ${JSON.stringify(path)} is not a file inside ${dir}`, { shard: path });
      }
      throwIfAborted(signal, `loading ${modelJson}`);
      chunks.push(await readCheckpointFile(full, signal ? { signal } : {}));
      shards.push(rel);
    }
  }
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  if (expected !== undefined && expected !== total) {
    throw invalid(modelJson, `the weight shards (${shards.join(', ') || 'none'}) hold ${total} bytes, but the manifest describes ${expected}`, { expected, given: total });
  }
  const weightData = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    weightData.set(chunk, at);
    at += chunk.byteLength;
  }
  const pick = (key: string): Record<string, unknown> => (json[key] === undefined ? {} : { [key]: json[key] });
  const artifacts = {
    modelTopology: topology,
    weightSpecs: specs,
    weightData: weightData.buffer,
    ...pick('format'),
    ...pick('generatedBy'),
    ...pick('convertedBy'),
    ...pick('signature'),
    ...pick('userDefinedMetadata'),
    ...pick('modelInitializer'),
    ...pick('initializerSignature'),
    ...pick('trainingConfig'),
  } as io.ModelArtifacts;
  return { kind, artifacts, weightBytes: Math.max(weightBytes, total), shards };
}
