import { ErrorCode, InferoxError } from '@inferox/core';

/** One thing wrong with a package: the package-relative path it concerns and what is wrong. */
export interface Problem {
  readonly path: string;
  readonly problem: string;
}

/** Collects problems and turns them into one PACKAGE_INVALID error naming every path. */
export class ProblemList {
  readonly items: Problem[] = [];

  add(path: string, problem: string): void {
    this.items.push({ path, problem });
  }

  /** @throws InferoxError `PACKAGE_INVALID` listing every problem, when there is one. */
  throwIfAny(dir: string): void {
    if (this.items.length > 0) throw invalidPackage(dir, this.items);
  }
}

/** A PACKAGE_INVALID error for `dir` whose message names each problem's path. */
export function invalidPackage(dir: string, problems: readonly Problem[], cause?: unknown): InferoxError {
  const shown = problems.slice(0, 20).map((p) => `${p.path}: ${p.problem}`);
  if (problems.length > 20) shown.push(`... and ${problems.length - 20} more`);
  return new InferoxError(ErrorCode.PACKAGE_INVALID, `package ${dir} is invalid: ${shown.join('; ')}`, {
    details: { dir, problems },
    ...(cause === undefined ? {} : { cause }),
  });
}
