import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as core from './index';
import * as testing from './testing/index';

const SRC = import.meta.dirname;

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(path)));
    else if (entry.name.endsWith('.ts') && !/\.(test|test-d|fixture)\.ts$/.test(entry.name)) out.push(path);
  }
  return out;
}

describe('@inferox/core', () => {
  it('exports the public API other packages code against', () => {
    expect(Object.keys(core).sort()).toEqual(
      [
        'DEFAULT_V2_LIMITS',
        'DEVICE_KINDS',
        'DTYPES',
        'V2_HEADER_CONTENT_LENGTH',
        'V2_LIMIT_NAMES',
        'bodyBytes',
        'decodeInferRequest',
        'decodeInferResponse',
        'encodeInferRequest',
        'encodeInferResponse',
        'parseInferRequest',
        'parseInferRequestText',
        'resolveV2Limits',
        'ErrorCode',
        'InferoxError',
        'LOAD_MODEL_OPTION_NAMES',
        'checkLoadModelOptions',
        'SAFETENSORS_DTYPES',
        'SAFETENSORS_MAX_HEADER_BYTES',
        'Tensor',
        'abortError',
        'allocData',
        'bfloat16BitsToNumber',
        'byteSizeOf',
        'dataTypeName',
        'dtypeFromV2',
        'dtypeInfo',
        'dtypeToV2',
        'float16BitsToNumber',
        'formatDevice',
        'isDType',
        'isDataFor',
        'isErrorCode',
        'isFloat',
        'isInferoxError',
        'isInt',
        'isSigned',
        'cutText',
        'quoteValue',
        'QUOTE_MAX_CHARS',
        'MAX_STRING_ELEMENTS',
        'ManagedModelHandle',
        'noopLogger',
        'numberToBfloat16Bits',
        'numberToFloat16Bits',
        'parseDevice',
        'parseSafetensors',
        'parseSafetensorsHeader',
        'safetensorsHeaderSize',
        'serializeSafetensors',
        'throwIfAborted',
        'toInferoxError',
        'validateFeeds',
        'MAX_RUNS_IN_FLIGHT',
        'checkRunsInFlight',
        'batchDimOf',
        'checkBatchable',
      ].sort(),
    );
    expect(Object.keys(testing).sort()).toEqual(['BERT_FORWARD_ACTIVATIONS', 'bertForward', 'bertReferenceFeeds', 'conformanceChecks', 'describeBackendConformance', 'expectBertReference', 'expectInferoxError', 'maxAbsDiff', 'rejectionOf', 'thrownBy']);
  });

  it('imports nothing but its own files (and vitest in testing/) when its sources are scanned', async () => {
    let seen = 0;
    for (const file of await sources(SRC)) {
      const text = await readFile(file, 'utf8');
      const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
      const allowed = relative(SRC, file).startsWith('testing') ? ['vitest'] : [];
      seen += specifiers.length;
      for (const specifier of specifiers) {
        if (specifier.startsWith('.')) continue;
        expect(allowed, `${relative(SRC, file)} imports ${specifier}`).toContain(specifier);
      }
    }
    // The scan must have found the imports that do exist, or it proves nothing.
    expect(seen).toBeGreaterThan(30);
  });
});
