/**
 * A minimal protobuf encoder: enough of the wire format to write ONNX `ModelProto` messages. A message is kept as a
 * list of byte chunks plus its length so that large payloads (weights) are copied once, when the whole model is
 * joined.
 */

const WIRE_VARINT = 0;
const WIRE_LENGTH = 2;
const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

/** Bytes of an encoded message, not yet joined. */
export class ProtoMessage {
  readonly chunks: Uint8Array[] = [];
  length = 0;

  #push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  #tag(field: number, wire: number): void {
    this.#push(encodeVarint(BigInt(field * 8 + wire)));
  }

  /** An int32/int64/enum/bool field (negative values take ten bytes, as protobuf says). */
  varint(field: number, value: number | bigint | boolean): this {
    this.#tag(field, WIRE_VARINT);
    const v = typeof value === 'boolean' ? (value ? 1n : 0n) : BigInt(value);
    this.#push(encodeVarint(BigInt.asUintN(64, v)));
    return this;
  }

  /** A `float` field. */
  float(field: number, value: number): this {
    this.#tag(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.#push(bytes);
    return this;
  }

  /** A `bytes` field (the bytes are referenced, not copied). */
  bytes(field: number, value: Uint8Array): this {
    this.#tag(field, WIRE_LENGTH);
    this.#push(encodeVarint(BigInt(value.length)));
    this.#push(value);
    return this;
  }

  /** A `string` field, UTF-8. */
  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** An embedded message field. */
  message(field: number, value: ProtoMessage): this {
    this.#tag(field, WIRE_LENGTH);
    this.#push(encodeVarint(BigInt(value.length)));
    for (const chunk of value.chunks) this.#push(chunk);
    return this;
  }

  /** Appends bytes without a tag (for files that are plain byte concatenations, like ONNX external data). */
  raw(bytes: Uint8Array): this {
    this.#push(bytes);
    return this;
  }

  /** Joins the chunks into one array. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}

/** Base-128 varint of an unsigned 64-bit value. */
export function encodeVarint(value: bigint): Uint8Array {
  const out: number[] = [];
  let v = value;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Uint8Array.from(out);
}
