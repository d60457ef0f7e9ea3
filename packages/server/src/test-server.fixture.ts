import { resolve } from 'node:path';
import type { Backend } from '@inferox/core';
import { createEngine } from '@inferox/engine';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { createTfjsBackend } from '@inferox/tfjs-backend';
import { type InferoxServer, createServer } from './create-server';
import { engineModelService } from './engine-model-service';
import type { ServedModelConfig } from './served-model-config';
import type { ServerOptions } from './server-options';

/** The shared fixtures folder. */
export const FIXTURES = resolve(import.meta.dirname, '../../../fixtures');

/** Real backends: onnx (cpu) and, when asked, tfjs on wasm. */
export function testBackends(tfjs = false): Backend[] {
  return [createOnnxBackend(), ...(tfjs ? [createTfjsBackend({ runtime: 'wasm' })] : [])];
}

/** A real server on 127.0.0.1, port 0, over a real engine with `models` loaded. */
export async function startTestServer(
  models: readonly ServedModelConfig[],
  options: Omit<ServerOptions, 'service'> & { tfjs?: boolean } = {},
): Promise<{ server: InferoxServer; url: string; engine: ReturnType<typeof createEngine> }> {
  const engine = createEngine({ backends: testBackends(options.tfjs ?? false) });
  const service = await engineModelService({ engine, models });
  const server = await createServer({ ...options, service });
  const url = await server.listen({ host: '127.0.0.1', port: 0 });
  return { server, url, engine };
}
