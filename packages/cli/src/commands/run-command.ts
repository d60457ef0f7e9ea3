import { readFile, writeFile } from 'node:fs/promises';
import { ErrorCode, InferoxError } from '@inferox/core';
import { createEngine } from '@inferox/engine';
import { loadIntoEngine, open } from '@inferox/mlpkg';
import type { CliIO } from '../cli-io';
import { createBackends } from '../internal/create-backends';
import { detectModel } from '../internal/detect-model';
import { buildInferResponse, parseInferRequest } from '../v2-protocol';

/** Flags of `inferox run`. */
export interface RunFlags {
  readonly backend: string;
  readonly runtime?: string;
  readonly providers?: readonly string[];
  readonly inputs: string;
  readonly output?: string;
}

/**
 * `inferox run <model>`: loads the model on the chosen backend (or the first available one that can serve it),
 * runs one v2 request and writes the v2 response.
 */
export async function runCommand(io: CliIO, model: string, flags: RunFlags): Promise<void> {
  const text = flags.inputs === '-' ? await io.readStdin() : await readFile(flags.inputs, 'utf8').catch((error: unknown) => {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `cannot read --inputs ${JSON.stringify(flags.inputs)}: ${(error as Error).message}`, { cause: error });
  });
  const request = parseInferRequest(text, flags.inputs === '-' ? 'stdin' : flags.inputs);
  const detected = await detectModel(model);
  const backends = createBackends({ ...(flags.runtime ? { runtime: flags.runtime } : {}), ...(flags.providers ? { providers: flags.providers } : {}) });
  const engine = createEngine({ backends });
  try {
    // A package is verified (every file hashed) once, here; loading it below does not hash it again.
    const candidates = detected.kind === 'package' ? Object.keys((await open(detected.path)).backends) : detected.backends;
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
    const outputs = request.outputs.length ? Object.fromEntries(request.outputs.map((name) => {
      const tensor = result.outputs[name];
      if (!tensor) throw new InferoxError(ErrorCode.INVALID_INPUT, `the model has no output ${JSON.stringify(name)}; it has ${Object.keys(result.outputs).join(', ')}`);
      return [name, tensor];
    })) : result.outputs;
    const body = buildInferResponse(detected.name, outputs, { backend: result.backend, device: result.device }, request.id === undefined ? {} : { id: request.id });
    const json = `${JSON.stringify(body)}\n`;
    if (flags.output) await writeFile(flags.output, json);
    else io.stdout(json);
  } finally {
    await engine.close();
  }
}
