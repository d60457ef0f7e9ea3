import { formatDevice, toInferoxError } from '@inferox/core';
import type { CliIO } from '../cli-io';
import { type BackendFlags, createBackends } from '../internal/create-backends';

/** `inferox backends`: each backend, whether it is available, its runtime and devices, and why others were not used. */
export async function backendsCommand(io: CliIO, flags: BackendFlags): Promise<void> {
  for (const backend of createBackends(flags)) {
    try {
      const info = await backend.init();
      io.stdout(`${backend.name}: available, runtime ${info.runtime}, devices ${info.devices.map(formatDevice).join(', ')}\n`);
      for (const attempt of info.attempts) io.stdout(`  ${attempt.candidate}: not used: ${toInferoxError(attempt.cause).message}\n`);
    } catch (error) {
      io.stdout(`${backend.name}: unavailable: ${toInferoxError(error).message}\n`);
    } finally {
      await backend.dispose();
    }
  }
}
