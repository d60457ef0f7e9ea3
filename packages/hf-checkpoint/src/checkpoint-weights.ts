import { ErrorCode, InferoxError, type SafetensorsEntry } from '@inferox/core';
import { WEIGHT_DTYPES } from './constants';
import { describeValue } from './internal/describe-value';
import { toFloat16, toFloat32 } from './internal/to-float';
import type { TensorLookup } from './tensor-lookup';

/** A safetensors entry and the file it came from. */
export interface LocatedEntry {
  readonly entry: SafetensorsEntry;
  readonly file: string;
}

const formatShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * The tensors of a Hugging Face checkpoint (one or several safetensors files), read as float32 or float16 on
 * demand from any of {@link WEIGHT_DTYPES}. Names are looked up under {@link CheckpointWeights.prefix} (the task-head
 * prefix found for the architecture), so an architecture asks for `embeddings.word_embeddings.weight` whether the
 * checkpoint is a `BertModel` or a `BertForSequenceClassification`.
 */
export class CheckpointWeights implements TensorLookup {
  /** Where the weights came from (the single file or the index), for messages. */
  readonly source: string;
  /** The prefix every name is looked up under (`''` or e.g. `'bert.'`). */
  readonly prefix: string;
  readonly #entries: ReadonlyMap<string, LocatedEntry>;

  /**
   * @param entries - every tensor by its name in the file.
   * @param source - the single file or the index, for messages.
   * @param prefix - the task-head prefix (see `tensorPrefix`).
   */
  constructor(entries: ReadonlyMap<string, LocatedEntry>, source: string, prefix = '') {
    this.#entries = entries;
    this.source = source;
    this.prefix = prefix;
  }

  /** Every tensor name as written in the files (prefix included). */
  get names(): readonly string[] {
    return [...this.#entries.keys()];
  }

  /** Whether the checkpoint holds `name` under the prefix. */
  has(name: string): boolean {
    return this.#entries.has(this.prefix + name);
  }

  #locate(name: string, shape: readonly number[]): LocatedEntry {
    const located = this.#entries.get(this.prefix + name);
    if (!located) {
      const under = this.prefix ? ` (looked up as ${describeValue(this.prefix + name)})` : '';
      throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${this.source}: missing weight tensor ${describeValue(name)}${under}`, {
        details: { file: this.source, tensor: this.prefix + name },
      });
    }
    const { entry, file } = located;
    if (entry.shape.length !== shape.length || entry.shape.some((d, i) => d !== shape[i])) {
      throw new InferoxError(
        ErrorCode.PACKAGE_INVALID,
        `${file}: weight tensor ${describeValue(name)} has shape ${formatShape(entry.shape)}, the config needs ${formatShape(shape)}`,
        { details: { file, tensor: entry.name, expected: [...shape], given: [...entry.shape] } },
      );
    }
    return located;
  }

  #notFloat(located: LocatedEntry): InferoxError {
    const { entry, file } = located;
    return new InferoxError(
      ErrorCode.PACKAGE_INVALID,
      `${file}: tensor ${describeValue(entry.name)} is ${entry.fileDtype}; checkpoint weights must be floating point (${WEIGHT_DTYPES.join(', ')})`,
      { details: { file, tensor: entry.name, dtype: entry.fileDtype } },
    );
  }

  /**
   * The tensor `name` as float32, checked against the shape the architecture needs.
   *
   * @returns a new array owned by the caller.
   * @throws InferoxError `PACKAGE_INVALID` naming the tensor when it is missing, has another shape or is not one of
   * {@link WEIGHT_DTYPES}.
   */
  float32(name: string, shape: readonly number[]): Float32Array {
    const located = this.#locate(name, shape);
    const values = toFloat32(located.entry);
    if (!values) throw this.#notFloat(located);
    return values;
  }

  /**
   * The tensor `name` as float16 bits (IEEE half, little-endian words), checked like {@link CheckpointWeights.float32}.
   *
   * @returns a new array owned by the caller.
   * @throws InferoxError `PACKAGE_INVALID` as {@link CheckpointWeights.float32}.
   */
  float16(name: string, shape: readonly number[]): Uint16Array {
    const located = this.#locate(name, shape);
    const values = toFloat16(located.entry);
    if (!values) throw this.#notFloat(located);
    return values;
  }
}
