import { type DeviceKind, ErrorCode, InferoxError } from '@inferox/core';

/** Execution providers Inferox knows, and the device each runs on. */
export const PROVIDER_DEVICES: Readonly<Record<string, DeviceKind>> = {
  cpu: 'cpu',
  cuda: 'cuda',
  tensorrt: 'cuda',
  webgpu: 'webgpu',
  coreml: 'metal',
};

/**
 * Validates an execution provider preference list.
 *
 * @throws InferoxError `INVALID_INPUT` naming the option and the bad entry.
 */
export function checkExecutionProviders(value: unknown, where = 'executionProviders'): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `${where} must be a non-empty array of provider names such as ['cuda', 'cpu'], got ${JSON.stringify(value) ?? String(value)}`, {
      details: { option: where },
    });
  }
  for (const name of value) {
    if (typeof name !== 'string' || !Object.hasOwn(PROVIDER_DEVICES, name)) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `${where} has unknown execution provider ${JSON.stringify(name)}; known: ${Object.keys(PROVIDER_DEVICES).join(', ')}`, {
        details: { option: where, given: name },
      });
    }
  }
  return [...new Set(value as string[])];
}
