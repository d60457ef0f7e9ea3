import { ErrorCode, InferoxError } from '@inferox/core';
import type { Engine } from '@inferox/engine';
import type { LoadTextModelOptions, TextModel } from './text-model';

/**
 * Loads a text model from a Hugging Face folder, an mlpkg package or `hf://org/repo@rev` into `engine`.
 * (Being built: this placeholder fixes the signature.)
 */
export function loadTextModel(engine: Engine, source: string, options?: LoadTextModelOptions): Promise<TextModel> {
  void engine;
  void options;
  return Promise.reject(new InferoxError(ErrorCode.INTERNAL, `loadTextModel(${source}): not built yet`));
}
