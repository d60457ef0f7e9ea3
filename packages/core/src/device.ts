import { ErrorCode } from './error-codes';
import { InferoxError } from './inferox-error';

/** The kinds of device a backend may run on. */
export const DEVICE_KINDS = ['cpu', 'cuda', 'wasm', 'webgpu', 'metal'] as const;

/** A device kind. */
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** A device: a kind and, for multi-device kinds, an index (`cuda:1`). */
export interface Device {
  readonly kind: DeviceKind;
  /** Present only when the string named one (`cuda:1`); `cuda` alone means the default device. */
  readonly index?: number;
}

const PATTERN = /^([a-z]+)(?::(\d+))?$/;

/**
 * Parses `cpu`, `cuda`, `cuda:1`, `wasm`, `webgpu`, `metal`.
 *
 * @throws InferoxError `DEVICE_ERROR` naming the string when it is not a device.
 * @example parseDevice('cuda:1') // { kind: 'cuda', index: 1 }
 */
export function parseDevice(text: string): Device {
  const match = typeof text === 'string' ? PATTERN.exec(text.trim().toLowerCase()) : null;
  const kind = match?.[1];
  if (!match || !(DEVICE_KINDS as readonly string[]).includes(kind!)) {
    throw new InferoxError(ErrorCode.DEVICE_ERROR, `${JSON.stringify(text)} is not a device; expected one of ${DEVICE_KINDS.join(', ')}, optionally with :<index>`, {
      details: { device: text },
    });
  }
  const index = match[2] === undefined ? undefined : Number(match[2]);
  if (index !== undefined && !Number.isSafeInteger(index)) {
    throw new InferoxError(ErrorCode.DEVICE_ERROR, `device index in ${JSON.stringify(text)} is too large`, { details: { device: text } });
  }
  return index === undefined ? { kind: kind as DeviceKind } : { kind: kind as DeviceKind, index };
}

/** `{ kind: 'cuda', index: 1 }` → `cuda:1`. */
export function formatDevice(device: Device): string {
  return device.index === undefined ? device.kind : `${device.kind}:${device.index}`;
}
