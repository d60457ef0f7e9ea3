import type { LoadModelOptions, ModelSource } from '@inferox/core';

/** A short name for a model in messages: its load name, its path, or its bytes' name. */
export function describeSource(source: ModelSource, options?: LoadModelOptions): string {
  if (typeof options?.name === 'string') return options.name;
  if (typeof source === 'string') return source;
  if ('path' in source) return source.path;
  return source.name ?? `<${source.bytes.byteLength} bytes>`;
}
