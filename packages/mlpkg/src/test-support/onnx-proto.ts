/**
 * Test support: a minimal protobuf writer for hand-made ONNX models.
 */
function varint(value: number): number[] {
  const out: number[] = [];
  let n = BigInt.asUintN(64, BigInt(value));
  do {
    const byte = Number(n & 0x7fn);
    n >>= 7n;
    out.push(n > 0n ? byte | 0x80 : byte);
  } while (n > 0n);
  return out;
}

/** A varint field. */
export function int(no: number, value: number): Uint8Array {
  return Uint8Array.from([...varint((no << 3) | 0), ...varint(value)]);
}

/** A length-delimited field (bytes, string or a sub-message made of parts). */
export function len(no: number, ...parts: (Uint8Array | string)[]): Uint8Array {
  const body = parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : p));
  const size = body.reduce((n, b) => n + b.length, 0);
  const head = [...varint((no << 3) | 2), ...varint(size)];
  const out = new Uint8Array(head.length + size);
  out.set(head, 0);
  let at = head.length;
  for (const b of body) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** A ValueInfoProto of a tensor: name, ONNX elem type and dims (numbers or symbolic names). */
export function valueInfo(no: number, name: string, elemType: number, dims: (number | string)[]): Uint8Array {
  const dimFields = dims.map((d) => len(1, typeof d === 'number' ? int(1, d) : len(2, d)));
  return len(no, len(1, name), len(2, len(1, int(1, elemType), len(2, ...dimFields))));
}

/** An initializer TensorProto stored as external data at `location`. */
export function externalInitializer(name: string, location: string): Uint8Array {
  return len(5, int(1, 4), int(2, 1), len(8, name), len(13, len(1, 'location'), len(2, location)), len(13, len(1, 'offset'), len(2, '0')), int(14, 1));
}

/** A ModelProto around a graph made of `graphFields`. */
export function onnxModel(...graphFields: Uint8Array[]): Uint8Array {
  const graph = len(7, len(2, 'g'), ...graphFields);
  const out = new Uint8Array(2 + graph.length);
  out.set(int(1, 8), 0);
  out.set(graph, 2);
  return out;
}
