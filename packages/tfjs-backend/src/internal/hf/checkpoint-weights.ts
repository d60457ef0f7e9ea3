import { ErrorCode, InferoxError, type SafetensorsEntry, bfloat16BitsToNumber, float16BitsToNumber } from '@inferox/core';

/** A safetensors entry and the file it came from. */
export interface LocatedEntry {
  readonly entry: SafetensorsEntry;
  readonly file: string;
}

const formatShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

function toFloat32(entry: SafetensorsEntry, file: string): Float32Array {
  // slice() copies into a fresh, aligned buffer: entries may start at any byte offset.
  const copy = entry.bytes.slice();
  switch (entry.dtype) {
    case 'float32':
      return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
    case 'float16':
      return Float32Array.from(new Uint16Array(copy.buffer, 0, copy.byteLength / 2), float16BitsToNumber);
    case 'bfloat16':
      return Float32Array.from(new Uint16Array(copy.buffer, 0, copy.byteLength / 2), bfloat16BitsToNumber);
    default:
      throw new InferoxError(
        ErrorCode.PACKAGE_INVALID,
        `${file}: tensor ${JSON.stringify(entry.name)} is ${entry.fileDtype}; the tfjs backend loads F32, F16 and BF16 weights`,
        { details: { tensor: entry.name, dtype: entry.fileDtype, file } },
      );
  }
}

/** The tensors of a Hugging Face checkpoint (one or several safetensors files), read as float32 on demand. */
export class CheckpointWeights {
  readonly #entries: ReadonlyMap<string, LocatedEntry>;
  readonly #source: string;
  #bytes = 0;

  /**
   * @param entries - every tensor by name.
   * @param source - the checkpoint folder, for messages.
   */
  constructor(entries: ReadonlyMap<string, LocatedEntry>, source: string) {
    this.#entries = entries;
    this.#source = source;
  }

  /** Whether the checkpoint holds `name`. */
  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** Bytes of float32 data handed out so far. */
  get float32Bytes(): number {
    return this.#bytes;
  }

  /**
   * The tensor `name` as float32, checked against the shape the architecture needs.
   *
   * @throws InferoxError `PACKAGE_INVALID` naming the tensor when it is missing, has another shape or an unsupported
   * dtype.
   */
  float32(name: string, shape: readonly number[]): Float32Array {
    const located = this.#entries.get(name);
    if (!located) {
      throw new InferoxError(ErrorCode.PACKAGE_INVALID, `checkpoint ${this.#source} has no tensor ${JSON.stringify(name)}`, {
        details: { tensor: name, checkpoint: this.#source },
      });
    }
    const { entry, file } = located;
    if (entry.shape.length !== shape.length || entry.shape.some((d, i) => d !== shape[i])) {
      throw new InferoxError(
        ErrorCode.PACKAGE_INVALID,
        `${file}: tensor ${JSON.stringify(name)} has shape ${formatShape(entry.shape)}, but the config needs ${formatShape(shape)}`,
        { details: { tensor: name, expected: [...shape], given: [...entry.shape], file } },
      );
    }
    const values = toFloat32(entry, file);
    this.#bytes += values.byteLength;
    return values;
  }
}
