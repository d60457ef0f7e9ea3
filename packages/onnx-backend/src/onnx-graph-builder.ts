import { type DType, type Dim, ErrorCode, InferoxError, Tensor, dtypeInfo } from '@inferox/core';
import { ONNX_DATA_TYPE } from './internal/onnx-dtype';
import { ProtoMessage } from './internal/protobuf-writer';

/**
 * An ONNX node attribute. Integers (and bigints) become `INT`, other numbers `FLOAT`, strings `STRING`, a
 * {@link Tensor} `TENSOR`; arrays become `INTS` (all integers), `FLOATS` or `STRINGS`. Wrap a whole number that must
 * be a float as `{ float: 1 }` (or `{ floats: [1, 2] }`).
 */
export type OnnxAttribute =
  | number
  | bigint
  | boolean
  | string
  | Tensor
  | readonly number[]
  | readonly bigint[]
  | readonly string[]
  | { readonly float: number }
  | { readonly floats: readonly number[] };

/** Options of {@link OnnxGraphBuilder}. */
export interface OnnxGraphBuilderOptions {
  /** The graph name. @defaultValue `'inferox'` */
  readonly name?: string;
  /** The default-domain opset, 7..26. @defaultValue 17 */
  readonly opset?: number;
  /** The IR version, 3..13. @defaultValue the lowest that carries `opset` (8 for opset 17) */
  readonly irVersion?: number;
  /** Written as the model's producer. @defaultValue `'inferox'` */
  readonly producerName?: string;
  /** Key/value pairs written as the model's `metadata_props`. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Opsets of other operator domains (`{ 'com.microsoft': 1 }`); a domain a node uses defaults to version 1. */
  readonly domains?: Readonly<Record<string, number>>;
}

/** Options of {@link OnnxGraphBuilder.node}. */
export interface OnnxNodeOptions {
  /** How many outputs (auto-named) or their names. @defaultValue 1 */
  readonly outputs?: number | readonly string[];
  /** The operator domain. @defaultValue `''` (the ONNX default domain) */
  readonly domain?: string;
  /** The node name. @defaultValue derived from the op type */
  readonly name?: string;
}

/** The bytes of a model whose large initializers live in a separate file. */
export interface OnnxModelWithExternalData {
  /** The `.onnx` file's bytes. */
  readonly model: Uint8Array;
  /** The external data file's bytes; save it as `location`, beside the model. */
  readonly data: Uint8Array;
}

interface ValueInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly Dim[] | null;
}

interface NodeInfo {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, OnnxAttribute>>;
  readonly domain: string;
  readonly name: string;
}

const MAX_OPSET = 26;
const MAX_IR = 13;

function invalid(message: string, details: Record<string, unknown> = {}): InferoxError {
  return new InferoxError(ErrorCode.INVALID_INPUT, message, { details });
}

function defaultIrVersion(opset: number): number {
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  if (opset <= 22) return 10;
  if (opset <= 23) return 11;
  return opset === 24 ? 12 : 13;
}

function tensorBytes(tensor: Tensor): Uint8Array {
  const data = tensor.data as ArrayBufferView;
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Builds an ONNX model in memory (a graph of nodes, inputs, outputs and initializers) and serialises it to
 * `ModelProto` bytes that onnxruntime loads. It is the API the built-in architectures (BERT, `inferox-mlp`) use, and
 * it can build any small graph for tests, examples and benchmarks. No dependency: it writes the protobuf itself.
 *
 * @example
 * ```ts
 * const g = new OnnxGraphBuilder({ opset: 17 });
 * const x = g.addInput('x', 'float32', ['batch', 4]);
 * const w = g.addInitializer('w', Tensor.from('float32', new Float32Array(8).fill(1), [4, 2]));
 * g.addOutput(g.op('MatMul', [x, w], {}, 'y'), 'float32', ['batch', 2]);
 * const bytes = g.toBytes(); // load with backend.loadModel({ bytes })
 * ```
 */
export class OnnxGraphBuilder {
  readonly opset: number;
  readonly irVersion: number;
  readonly #name: string;
  readonly #producer: string;
  readonly #metadata: Readonly<Record<string, string>>;
  readonly #domains: Readonly<Record<string, number>>;
  readonly #inputs: ValueInfo[] = [];
  readonly #outputs: ValueInfo[] = [];
  readonly #initializers = new Map<string, Tensor>();
  readonly #nodes: NodeInfo[] = [];
  readonly #values = new Set<string>();
  #counter = 0;

  /**
   * @throws InferoxError `INVALID_INPUT` naming `opset` or `irVersion` when out of range.
   */
  constructor(options: OnnxGraphBuilderOptions = {}) {
    const opset = options.opset ?? 17;
    if (!Number.isInteger(opset) || opset < 7 || opset > MAX_OPSET) {
      throw invalid(`opset must be an integer from 7 to ${MAX_OPSET} (what onnxruntime-node 1.30 runs), got ${String(opset)}`, { option: 'opset' });
    }
    const irVersion = options.irVersion ?? defaultIrVersion(opset);
    if (!Number.isInteger(irVersion) || irVersion < 3 || irVersion > MAX_IR) {
      throw invalid(`irVersion must be an integer from 3 to ${MAX_IR}, got ${String(irVersion)}`, { option: 'irVersion' });
    }
    this.opset = opset;
    this.irVersion = irVersion;
    this.#name = options.name ?? 'inferox';
    this.#producer = options.producerName ?? 'inferox';
    this.#metadata = { ...(options.metadata ?? {}) };
    this.#domains = { ...(options.domains ?? {}) };
  }

  /**
   * Declares a graph input.
   *
   * @param shape - dims: numbers, symbolic names, or `null` (unknown); `null` for an unknown rank.
   * @returns the input's name, to use as a node input.
   * @throws InferoxError `INVALID_INPUT` when the name is taken or the dtype unknown.
   */
  addInput(name: string, dtype: DType, shape: readonly Dim[] | null): string {
    dtypeInfo(dtype);
    this.#claim(name);
    this.#inputs.push({ name, dtype, shape: shape === null ? null : [...shape] });
    return name;
  }

  /**
   * Declares a graph output; `name` must be produced by a node (or be an input or initializer).
   *
   * @returns `name`.
   * @throws InferoxError `INVALID_INPUT` when the name is declared twice.
   */
  addOutput(name: string, dtype: DType, shape: readonly Dim[] | null): string {
    dtypeInfo(dtype);
    if (this.#outputs.some((o) => o.name === name)) throw invalid(`graph output ${JSON.stringify(name)} is declared twice`, { output: name });
    this.#outputs.push({ name, dtype, shape: shape === null ? null : [...shape] });
    return name;
  }

  /**
   * Adds a constant weight. The tensor's array is referenced, not copied, until {@link toBytes}.
   *
   * @returns the initializer's name.
   * @throws InferoxError `INVALID_INPUT` when the name is taken.
   */
  addInitializer(name: string, tensor: Tensor): string {
    if (!(tensor instanceof Tensor)) throw invalid(`initializer ${JSON.stringify(name)} must be a Tensor`, { initializer: name });
    this.#claim(name);
    this.#initializers.set(name, tensor);
    return name;
  }

  /** Adds a constant under a fresh name (`prefix_N`). @returns its name. */
  constant(tensor: Tensor, prefix = 'const'): string {
    return this.addInitializer(this.#fresh(prefix), tensor);
  }

  /** A float32 constant: a scalar for a number, a 1-D tensor for an array. @returns its name. */
  floats(values: number | readonly number[], prefix = 'const'): string {
    const list = typeof values === 'number' ? [values] : values;
    return this.constant(Tensor.from('float32', Float32Array.from(list), typeof values === 'number' ? [] : [list.length]), prefix);
  }

  /** An int64 constant: a scalar for a number, a 1-D tensor for an array. @returns its name. */
  ints(values: number | readonly number[], prefix = 'const'): string {
    const list = typeof values === 'number' ? [values] : values;
    return this.constant(Tensor.from('int64', BigInt64Array.from(list, (v) => BigInt(v)), typeof values === 'number' ? [] : [list.length]), prefix);
  }

  /**
   * Adds a node.
   *
   * @param inputs - value names (graph inputs, initializers, earlier node outputs); `''` for an omitted optional input.
   * @returns the output names.
   * @throws InferoxError `INVALID_INPUT` naming an input that no earlier node, input or initializer defines, or an
   * output name already taken.
   */
  node(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, OnnxAttribute>> = {}, options: OnnxNodeOptions = {}): string[] {
    if (typeof opType !== 'string' || opType === '') throw invalid('a node needs an op type');
    for (const input of inputs) {
      if (input !== '' && !this.#values.has(input)) {
        throw invalid(`node ${opType} reads ${JSON.stringify(input)}, which no input, initializer or earlier node defines`, { opType, input });
      }
    }
    const wanted = options.outputs ?? 1;
    const outputs = typeof wanted === 'number' ? Array.from({ length: wanted }, () => this.#fresh(opType)) : [...wanted];
    for (const output of outputs) this.#claim(output);
    this.#nodes.push({ opType, inputs: [...inputs], outputs, attributes: { ...attributes }, domain: options.domain ?? '', name: options.name ?? `${opType}_node_${this.#nodes.length}` });
    return outputs;
  }

  /**
   * Adds a single-output node.
   *
   * @param output - the output's name. @defaultValue a fresh name
   * @returns the output name.
   */
  op(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, OnnxAttribute>> = {}, output?: string): string {
    return this.node(opType, inputs, attributes, output === undefined ? {} : { outputs: [output] })[0]!;
  }

  /**
   * Serialises the model (`ModelProto`), weights inline.
   *
   * @throws InferoxError `INVALID_INPUT` when a declared output is never produced; `PACKAGE_INVALID` when the model
   * exceeds protobuf's 2 GiB limit.
   */
  toBytes(): Uint8Array {
    return this.#model(undefined).model.finish();
  }

  /**
   * Serialises the model with every initializer of at least `threshold` bytes stored in an external data file named
   * `location` (written beside the model; onnxruntime reads it when the model is loaded from its path).
   */
  toBytesWithExternalData(location: string, threshold = 1024): OnnxModelWithExternalData {
    const external = { location, threshold, data: new ProtoMessage() };
    const { model } = this.#model(external);
    return { model: model.finish(), data: external.data.finish() };
  }

  #model(external: { location: string; threshold: number; data: ProtoMessage } | undefined): { model: ProtoMessage } {
    for (const output of this.#outputs) {
      if (!this.#values.has(output.name)) throw invalid(`graph output ${JSON.stringify(output.name)} is never produced`, { output: output.name });
    }
    const graph = new ProtoMessage();
    for (const node of this.#nodes) graph.message(1, encodeNode(node));
    graph.string(2, this.#name);
    for (const [name, tensor] of this.#initializers) graph.message(5, encodeTensor(tensor, name, external));
    for (const input of this.#inputs) graph.message(11, encodeValueInfo(input));
    for (const output of this.#outputs) graph.message(12, encodeValueInfo(output));
    const model = new ProtoMessage();
    model.varint(1, this.irVersion);
    model.string(2, this.#producer);
    model.message(7, graph);
    model.message(8, new ProtoMessage().string(1, '').varint(2, this.opset));
    const domains = new Set([...Object.keys(this.#domains), ...this.#nodes.map((n) => n.domain).filter((d) => d !== '')]);
    for (const domain of domains) model.message(8, new ProtoMessage().string(1, domain).varint(2, this.#domains[domain] ?? 1));
    for (const [key, value] of Object.entries(this.#metadata)) model.message(14, new ProtoMessage().string(1, key).string(2, value));
    if (model.length > 2 ** 31 - 1) {
      throw new InferoxError(ErrorCode.PACKAGE_INVALID, `the ONNX model is ${model.length} bytes, over protobuf's 2 GiB limit; store the weights as external data`);
    }
    return { model };
  }

  #claim(name: string): void {
    if (typeof name !== 'string' || name === '') throw invalid('a value name must be a non-empty string', { name });
    if (this.#values.has(name)) throw invalid(`value name ${JSON.stringify(name)} is already defined`, { name });
    this.#values.add(name);
  }

  #fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.#counter++}`;
    while (this.#values.has(name));
    return name;
  }
}

function encodeValueInfo(info: ValueInfo): ProtoMessage {
  const tensorType = new ProtoMessage().varint(1, ONNX_DATA_TYPE[info.dtype]);
  if (info.shape !== null) {
    const shape = new ProtoMessage();
    for (const dim of info.shape) {
      const d = new ProtoMessage();
      if (typeof dim === 'number') d.varint(1, dim);
      else if (typeof dim === 'string') d.string(2, dim);
      shape.message(1, d);
    }
    tensorType.message(2, shape);
  }
  return new ProtoMessage().string(1, info.name).message(2, new ProtoMessage().message(1, tensorType));
}

function encodeTensor(tensor: Tensor, name: string, external?: { location: string; threshold: number; data: ProtoMessage }): ProtoMessage {
  const m = new ProtoMessage();
  for (const dim of tensor.shape) m.varint(1, dim);
  m.varint(2, ONNX_DATA_TYPE[tensor.dtype]);
  if (tensor.dtype === 'string') {
    for (const s of tensor.data as string[]) m.string(6, s);
    m.string(8, name);
    return m;
  }
  m.string(8, name);
  const bytes = tensorBytes(tensor);
  if (external && bytes.length >= external.threshold) {
    const offset = external.data.length;
    external.data.raw(bytes);
    const entry = (key: string, value: string): ProtoMessage => new ProtoMessage().string(1, key).string(2, value);
    m.message(13, entry('location', external.location));
    m.message(13, entry('offset', String(offset)));
    m.message(13, entry('length', String(bytes.length)));
    m.varint(14, 1);
    return m;
  }
  m.bytes(9, bytes);
  return m;
}

function encodeAttribute(name: string, value: OnnxAttribute): ProtoMessage {
  const m = new ProtoMessage().string(1, name);
  if (value instanceof Tensor) return m.message(5, encodeTensor(value, name)).varint(20, 4);
  if (typeof value === 'string') return m.string(4, value).varint(20, 3);
  if (typeof value === 'boolean' || typeof value === 'bigint') return m.varint(3, value).varint(20, 2);
  if (typeof value === 'number') return Number.isInteger(value) ? m.varint(3, value).varint(20, 2) : m.float(2, value).varint(20, 1);
  if (Array.isArray(value)) {
    const list = value as readonly (number | bigint | string)[];
    if (list.every((v) => typeof v === 'string')) {
      if (list.length > 0) {
        for (const v of list) m.string(9, v as string);
        return m.varint(20, 8);
      }
    }
    if (list.every((v) => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)))) {
      for (const v of list) m.varint(8, v as number | bigint);
      return m.varint(20, 7);
    }
    if (list.every((v) => typeof v === 'number')) {
      for (const v of list) m.float(7, v as number);
      return m.varint(20, 6);
    }
    throw invalid(`attribute ${JSON.stringify(name)} mixes element types`, { attribute: name });
  }
  if (typeof value === 'object' && value !== null && 'float' in value && typeof value.float === 'number') return m.float(2, value.float).varint(20, 1);
  if (typeof value === 'object' && value !== null && 'floats' in value && Array.isArray(value.floats)) {
    for (const v of value.floats) m.float(7, v);
    return m.varint(20, 6);
  }
  throw invalid(`attribute ${JSON.stringify(name)} has an unsupported value ${String(value)}`, { attribute: name });
}

function encodeNode(node: NodeInfo): ProtoMessage {
  const m = new ProtoMessage();
  for (const input of node.inputs) m.string(1, input);
  for (const output of node.outputs) m.string(2, output);
  m.string(3, node.name);
  m.string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes)) m.message(5, encodeAttribute(name, value));
  if (node.domain !== '') m.string(7, node.domain);
  return m;
}
