import { ErrorCode, InferoxError } from '@inferox/core';
import type { LoadSpec } from './load-spec';
import type { OpenedPackage } from './open-package';

/**
 * Picks the load spec for `backend` (and `variant`, else the backend's default) from an opened package.
 *
 * @throws InferoxError `INVALID_INPUT` naming the backend or variant the package does not offer, and those it does.
 * @example selectLoadSpec(pkg, 'onnx', 'weights').source // { path: '/…/weights', format: 'hf-checkpoint' }
 */
export function selectLoadSpec(pkg: OpenedPackage, backend: string, variant?: string): LoadSpec {
  const specs = Object.hasOwn(pkg.backends, backend) ? pkg.backends[backend] : undefined;
  if (!specs) {
    throw new InferoxError(
      ErrorCode.INVALID_INPUT,
      `package ${pkg.metadata.name} does not support backend ${JSON.stringify(backend)} (supported: ${Object.keys(pkg.backends).join(', ') || 'none'})`,
      { details: { backend, supported: Object.keys(pkg.backends) } },
    );
  }
  if (variant === undefined) return specs.default;
  const spec = Object.hasOwn(specs.variants, variant) ? specs.variants[variant] : undefined;
  if (!spec) {
    throw new InferoxError(
      ErrorCode.INVALID_INPUT,
      `package ${pkg.metadata.name} has no variant ${JSON.stringify(variant)} for backend ${backend} (variants: ${Object.keys(specs.variants).join(', ')})`,
      { details: { backend, variant, variants: Object.keys(specs.variants) } },
    );
  }
  return spec;
}
