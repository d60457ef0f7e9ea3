/** One protobuf field: its number and, by wire type, an integer or a byte view. */
export type ProtoField =
  | { readonly no: number; readonly wire: 0; readonly int: bigint }
  | { readonly no: number; readonly wire: 1 | 5; readonly int: bigint }
  | { readonly no: number; readonly wire: 2; readonly bytes: Uint8Array };

/** Thrown on malformed protobuf bytes; callers turn it into PACKAGE_INVALID naming the file. */
export class ProtobufError extends Error {}

function readVarint(buf: Uint8Array, start: number): [bigint, number] {
  let value = 0n;
  let shift = 0n;
  let pos = start;
  for (;;) {
    if (pos >= buf.length) throw new ProtobufError(`varint runs past the end at byte ${start}`);
    if (shift > 63n) throw new ProtobufError(`varint longer than 10 bytes at byte ${start}`);
    const byte = buf[pos++]!;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [value, pos];
    shift += 7n;
  }
}

/**
 * Iterates the top-level fields of one protobuf message without copying. Sub-messages come back as byte views to
 * iterate again.
 *
 * @throws ProtobufError on truncated or malformed bytes (groups are refused).
 */
export function* protoFields(buf: Uint8Array): Generator<ProtoField> {
  let pos = 0;
  while (pos < buf.length) {
    const [key, afterKey] = readVarint(buf, pos);
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    pos = afterKey;
    if (wire === 0) {
      const [int, next] = readVarint(buf, pos);
      pos = next;
      yield { no, wire: 0, int };
    } else if (wire === 1 || wire === 5) {
      const width = wire === 1 ? 8 : 4;
      if (pos + width > buf.length) throw new ProtobufError(`fixed-width field ${no} runs past the end`);
      let int = 0n;
      for (let i = width - 1; i >= 0; i--) int = (int << 8n) | BigInt(buf[pos + i]!);
      pos += width;
      yield { no, wire, int };
    } else if (wire === 2) {
      const [length, next] = readVarint(buf, pos);
      const end = next + Number(length);
      if (length > BigInt(buf.length) || end > buf.length) throw new ProtobufError(`field ${no} of ${length} bytes runs past the end`);
      pos = end;
      yield { no, wire: 2, bytes: buf.subarray(next, end) };
    } else {
      throw new ProtobufError(`unsupported wire type ${wire} for field ${no}`);
    }
  }
}

/** Decodes a length-delimited field as UTF-8. */
export function protoString(field: ProtoField): string {
  return field.wire === 2 ? new TextDecoder().decode(field.bytes) : '';
}

/** A varint field as a signed 64-bit number (two's complement), clamped into the safe integer range. */
export function protoInt(field: ProtoField): number {
  if (field.wire === 2) return 0;
  return Number(BigInt.asIntN(64, field.int));
}
