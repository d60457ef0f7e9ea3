import type { LoadModelOptions } from './backend';
import { ErrorCode } from './error-codes';
import { InferoxError } from './inferox-error';
import { cutText, quoteValue } from './quote-value';

/** The options every backend accepts (those of {@link LoadModelOptions}). */
export const LOAD_MODEL_OPTION_NAMES = Object.freeze(['name', 'device', 'cpuThreads'] as const);

/**
 * A backend's own `loadModel` option names, one key each with `true`: the type demands every option `T` declares
 * beyond {@link LoadModelOptions} and no other, so the list checked at run time cannot drift from the type.
 */
export type OwnLoadModelOptionNames<T extends LoadModelOptions> = { readonly [K in Exclude<keyof T, keyof LoadModelOptions>]-?: true };

/**
 * Checks `loadModel` options given by a caller TypeScript does not check (JavaScript, JSON config, a worker
 * message): an object or `undefined`, no key but {@link LOAD_MODEL_OPTION_NAMES} and the backend's own, and `name`
 * a non-empty string. Every backend calls it first thing in `loadModel`; the conformance suite checks that it does.
 * The values of the backend's own options are the backend's to check.
 *
 * @param options - what the caller passed.
 * @param backend - the backend's name, for messages (`onnx`).
 * @param own - the backend's own option names (see {@link OwnLoadModelOptionNames}).
 * @returns `options`, or `{}` for `undefined`.
 * @throws InferoxError `INVALID_INPUT` naming the unknown option and listing the known ones
 * (`details: { option, known }`), or naming `name` when it is not a non-empty string.
 * @example
 * ```ts
 * const options = checkLoadModelOptions<OnnxLoadModelOptions>(given, 'onnx', { sessionOptions: true, executionProviders: true });
 * // given { sesionOptions: {} } → INVALID_INPUT 'unknown option options.sesionOptions of the onnx backend's loadModel; known: name, device, cpuThreads, sessionOptions, executionProviders'
 * ```
 */
export function checkLoadModelOptions<T extends LoadModelOptions>(options: T | undefined, backend: string, own: OwnLoadModelOptionNames<T>): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `${backend} loadModel options must be an object, got ${quoteValue(options)}`, { details: { option: 'options' } });
  }
  const known: readonly string[] = [...LOAD_MODEL_OPTION_NAMES, ...Object.keys(own)];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const option = `options.${cutText(key, 40)}`;
      throw new InferoxError(ErrorCode.INVALID_INPUT, `unknown option ${option} of the ${backend} backend's loadModel; known: ${known.join(', ')}`, {
        details: { option, known: [...known] },
      });
    }
  }
  const name: unknown = options.name;
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `options.name must be a non-empty string, got ${quoteValue(name)}`, { details: { option: 'options.name' } });
  }
  const cpuThreads: unknown = options.cpuThreads;
  if (cpuThreads !== undefined && (!Number.isInteger(cpuThreads) || (cpuThreads as number) < 1)) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `options.cpuThreads must be an integer from 1 up, got ${quoteValue(cpuThreads)}`, { details: { option: 'options.cpuThreads' } });
  }
  return options;
}
