import type { Backend } from '@inferox/core';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { type TfjsRuntimeOption, createTfjsBackend } from '@inferox/tfjs-backend';

/** Backend choices from the command line. */
export interface BackendFlags {
  /** tfjs runtime: `auto`, `node-gpu`, `node`, `wasm`, `cpu`. */
  readonly runtime?: string;
  /** onnx execution providers in preference order, e.g. `cuda,cpu`. */
  readonly providers?: readonly string[];
}

/** Both backends, onnx first (the default routing priority). */
export function createBackends(flags: BackendFlags = {}): Backend[] {
  return [
    createOnnxBackend(flags.providers?.length ? { executionProviders: [...flags.providers] } : {}),
    createTfjsBackend({ runtime: (flags.runtime ?? 'auto') as TfjsRuntimeOption }),
  ];
}
