import { ErrorCode } from './error-codes';
import { InferoxError } from './inferox-error';
import { checkDimLimits, checkValueRange } from './internal/feed-limits';
import { formatShape } from './internal/shape';
import type { ModelSignature } from './model-handle';
import { cutText, quoteValue } from './quote-value';
import { Tensor, type TensorMap } from './tensor';

function invalid(message: string, details: Record<string, unknown>): InferoxError {
  return new InferoxError(ErrorCode.INVALID_INPUT, message, { details });
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return cutText((value as { constructor?: { name?: string } }).constructor?.name ?? 'object', 40);
}

/** At most this many names listed in a message; the rest are counted. */
const LISTED = 20;

/** Up to this many inputs, a feed name is looked up by a scan rather than a set built per call. */
const SCANNED = 16;

function listNames(names: readonly string[]): string {
  if (names.length === 0) return '';
  const shown = names.slice(0, LISTED).map((n) => quoteValue(n)).join(', ');
  return names.length > LISTED ? `${shown} and ${names.length - LISTED} more` : shown;
}

/**
 * Checks feeds against a signature: every declared input present, no undeclared one, dtype equal, rank equal and
 * fixed dims equal. Symbolic dims of the same name must agree across inputs (`batch` is one size for all). Then the
 * limits: a symbolic or unknown dim must hold at least 1 (no empty batch or sequence) and stay within the spec's
 * `dimLimits`; every element must lie within its `valueRange` (token ids within the vocabulary). Names and values
 * quoted in messages are cut.
 *
 * @param signature - the model's declared inputs (outputs are ignored).
 * @param feeds - the tensors to check; they are not modified.
 * @throws InferoxError `INVALID_INPUT` naming the input and the expected vs given value.
 * @example
 * ```ts
 * validateFeeds(handle.signature, { input_ids: Tensor.from('int64', [101, 102], [1, 2]) });
 * ```
 */
export function validateFeeds(signature: ModelSignature, feeds: TensorMap): void {
  if (typeof feeds !== 'object' || feeds === null) throw invalid('feeds must be an object of named tensors', { given: String(feeds) });
  const inputs = signature.inputs;
  // Plain loops, and sets, maps and quoted names only when needed or a message is built: this runs on every request.
  const names = inputs.length > SCANNED ? new Set(inputs.map((s) => s.name)) : undefined;
  for (const name in feeds) {
    if (!Object.hasOwn(feeds, name) || (names ? names.has(name) : isDeclared(inputs, name))) continue;
    const declared = [...new Set(inputs.map((s) => s.name))];
    throw invalid(`unknown input ${quoteValue(name)}; the model takes ${listNames(declared) || 'no inputs'}`, {
      input: cutText(name),
      expected: declared.slice(0, LISTED),
    });
  }
  let symbols: Map<string, { size: number; input: string }> | undefined;
  for (const spec of inputs) {
    const tensor = Object.hasOwn(feeds, spec.name) ? feeds[spec.name] : undefined;
    if (tensor === undefined) {
      const wanted = `${spec.dtype}${spec.shape === null ? '' : formatShape(spec.shape)}`;
      throw invalid(`missing input ${quoteValue(spec.name)} (expected ${wanted}); given ${listNames(Object.keys(feeds)) || 'no inputs'}`, {
        input: spec.name,
        expected: wanted,
        given: Object.keys(feeds).slice(0, LISTED),
      });
    }
    if (!(tensor instanceof Tensor)) {
      throw invalid(`input ${quoteValue(spec.name)} must be a Tensor, got ${describeValue(tensor)}`, { input: spec.name, given: describeValue(tensor) });
    }
    if (tensor.disposed) throw invalid(`input ${quoteValue(spec.name)} was disposed`, { input: spec.name });
    if (tensor.dtype !== spec.dtype) {
      throw invalid(`input ${quoteValue(spec.name)} must be ${spec.dtype}, got ${tensor.dtype}`, {
        input: spec.name,
        expected: spec.dtype,
        given: tensor.dtype,
      });
    }
    const dims = spec.shape;
    if (dims === null) continue;
    const shape = tensor.shape;
    if (shape.length !== dims.length) {
      throw invalid(`input ${quoteValue(spec.name)} must have rank ${dims.length} ${formatShape(dims)}, got rank ${shape.length} ${formatShape(shape)}`, {
        input: spec.name,
        expected: dims,
        given: shape,
      });
    }
    for (let i = 0; i < dims.length; i++) {
      const dim = dims[i];
      const size = shape[i]!;
      if (typeof dim === 'number' && dim >= 0 && dim !== size) {
        throw invalid(`input ${quoteValue(spec.name)} dim ${i} must be ${dim}, got ${size} (shape ${formatShape(shape)})`, {
          input: spec.name,
          dim: i,
          expected: dim,
          given: size,
        });
      }
      if (typeof dim === 'string' && dim !== '') {
        symbols ??= new Map();
        const seen = symbols.get(dim);
        if (seen && seen.size !== size) {
          throw invalid(`input ${quoteValue(spec.name)} dim ${i} (${dim}) is ${size}, but input ${quoteValue(seen.input)} has ${dim} = ${seen.size}`, {
            input: spec.name,
            dim: i,
            expected: seen.size,
            given: size,
          });
        }
        symbols.set(dim, { size, input: spec.name });
      }
    }
  }
  for (const spec of inputs) {
    checkDimLimits(spec, feeds[spec.name]!);
    checkValueRange(spec, feeds[spec.name]!);
  }
}

function isDeclared(inputs: ModelSignature['inputs'], name: string): boolean {
  for (const spec of inputs) if (spec.name === name) return true;
  return false;
}
