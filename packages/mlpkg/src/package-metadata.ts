import { z } from 'zod';

const SHA256 = /^[0-9a-f]{64}$/;

/** One file of a package as `metadata.json` lists it. */
export const packageFileSchema = z.strictObject({
  path: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(SHA256, 'sha256 must be 64 lower-case hex digits'),
});

/** The schema of `metadata.json` (format version 1). */
export const packageMetadataSchema = z.strictObject({
  format: z.literal('inferox-mlpkg'),
  format_version: z.number().int().positive(),
  name: z.string().min(1).max(256),
  version: z.string().min(1).max(128),
  source: z.strictObject({
    repo_id: z.string().nullable(),
    revision: z.string().nullable(),
    commit: z.string().nullable(),
  }),
  created_at: z.iso.datetime({ offset: true }),
  files: z.array(packageFileSchema).max(100_000),
});

/** `metadata.json`: the format version, the package's name and version, where it came from and every file. */
export type PackageMetadata = z.infer<typeof packageMetadataSchema>;

/** One listed file: package-relative path, byte size, sha256 (hex). */
export type PackageFile = z.infer<typeof packageFileSchema>;
