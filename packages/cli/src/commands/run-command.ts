import { readFile, stat } from 'node:fs/promises';
import { ErrorCode, InferoxError, type V2Limits, encodeInferResponse, parseInferRequestText, resolveV2Limits } from '@inferox/core';
import { createEngine } from '@inferox/engine';
import { loadIntoEngine, openPackage } from '@inferox/mlpkg';
import type { CliIO } from '../cli-io';
import { createBackends } from '../internal/create-backends';
import { detectModel } from '../internal/detect-model';
import { parseSize } from '../internal/parse-size';
import { checkOutputPath, writeChunks } from '../internal/write-output';

/** Flags of `inferox run`. */
export interface RunFlags {
  readonly backend: string;
  readonly runtime?: string;
  readonly providers?: readonly string[];
  readonly inputs: string;
  readonly output?: string;
  /** Most tensor elements in the request (`maxElements`). */
  readonly maxElements?: string;
  /** Largest request body (`maxRequestBytes`), e.g. `64MB`. */
  readonly maxRequestSize?: string;
  /** Largest response body (`maxOutputBytes`), e.g. `64MB`. */
  readonly maxOutputSize?: string;
}

function limitsOf(flags: RunFlags): V2Limits {
  const limits: Partial<{ -readonly [K in keyof V2Limits]: number }> = {};
  if (flags.maxElements !== undefined) {
    if (!/^\d{1,15}$/.test(flags.maxElements)) throw new InferoxError(ErrorCode.INVALID_INPUT, `--max-elements ${JSON.stringify(flags.maxElements.slice(0, 40))} is not a positive integer`);
    limits.maxElements = Number(flags.maxElements);
  }
  if (flags.maxRequestSize !== undefined) limits.maxRequestBytes = parseSize(flags.maxRequestSize);
  if (flags.maxOutputSize !== undefined) limits.maxOutputBytes = parseSize(flags.maxOutputSize);
  return resolveV2Limits(limits);
}

async function readRequest(io: CliIO, path: string, limits: V2Limits): Promise<string> {
  if (path === '-') return io.readStdin(limits.maxRequestBytes);
  const info = await stat(path).catch((error: unknown) => {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `cannot read --inputs ${JSON.stringify(path)}: ${(error as Error).message}`, { cause: error });
  });
  if (!info.isFile()) throw new InferoxError(ErrorCode.INVALID_INPUT, `--inputs ${JSON.stringify(path)} is not a regular file`, { details: { path } });
  if (info.size > limits.maxRequestBytes) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `--inputs ${JSON.stringify(path)}: ${info.size} bytes is over the limit of ${limits.maxRequestBytes} (maxRequestBytes; raise it with --max-request-size)`, {
      details: { limit: 'maxRequestBytes', max: limits.maxRequestBytes, value: info.size },
    });
  }
  return readFile(path, 'utf8');
}

/**
 * `inferox run <model>`: loads the model on the chosen backend (or the first available one that can serve it),
 * runs one v2 request and writes the v2 response as a stream. The request is checked against the v2 limits before
 * the model is loaded; the response's size bound against `--max-output-size` before anything is written.
 */
export async function runCommand(io: CliIO, model: string, flags: RunFlags): Promise<void> {
  const limits = limitsOf(flags);
  const text = await readRequest(io, flags.inputs, limits);
  const request = parseInferRequestText(text, { source: flags.inputs === '-' ? 'stdin' : flags.inputs, limits });
  if (flags.output !== undefined) await checkOutputPath(flags.output);
  const detected = await detectModel(model);
  const backends = createBackends({ ...(flags.runtime ? { runtime: flags.runtime } : {}), ...(flags.providers ? { providers: flags.providers } : {}) });
  const engine = createEngine({ backends });
  try {
    // A package is verified (every file hashed) once, here; loading it below does not hash it again.
    const candidates = detected.kind === 'package' ? Object.keys((await openPackage(detected.path)).backends) : detected.backends;
    const known = backends.map((b) => b.name);
    if (flags.backend !== 'auto' && !known.includes(flags.backend)) {
      throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `unknown backend ${JSON.stringify(flags.backend)}; use ${known.join(', ')} or auto`);
    }
    if (flags.backend !== 'auto' && !candidates.includes(flags.backend)) {
      throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `${detected.kind} ${JSON.stringify(model)} cannot run on ${flags.backend}; it runs on ${candidates.join(', ')}`);
    }
    let chosen = flags.backend;
    if (chosen === 'auto') {
      const available: string[] = [];
      for (const b of backends) if (candidates.includes(b.name) && (await b.isAvailable())) available.push(b.name);
      if (!available[0]) throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `no available backend can run ${JSON.stringify(model)} (it runs on ${candidates.join(', ')})`);
      chosen = available[0];
    }
    if (detected.kind === 'package') await loadIntoEngine(engine, detected.path, { name: detected.name, backends: [chosen], verify: false });
    else await engine.load(detected.name, { source: detected.path, backends: [chosen] });
    const result = await engine.infer(detected.name, request.feeds, { backend: chosen });
    const outputs = request.outputs.length
      ? request.outputs.map(({ name }) => {
          const tensor = Object.hasOwn(result.outputs, name) ? result.outputs[name] : undefined;
          if (!tensor) throw new InferoxError(ErrorCode.INVALID_INPUT, `the model has no output ${JSON.stringify(name)}; it has ${Object.keys(result.outputs).join(', ')}`);
          return [name, tensor] as const;
        })
      : result.outputs;
    const body = encodeInferResponse(
      { modelName: detected.name, outputs, parameters: { backend: result.backend, device: result.device }, ...(request.id === undefined ? {} : { id: request.id }) },
      { limits },
    );
    const chunks = (function* () {
      yield* body.chunks() as Generator<string>;
      yield '\n';
    })();
    if (flags.output) await writeChunks(flags.output, chunks);
    else for (const chunk of chunks) io.stdout(chunk);
  } finally {
    await engine.close();
  }
}
