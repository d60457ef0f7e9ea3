import type { z } from 'zod';
import type { ProblemList } from './problems';

/** Adds each zod issue to `problems` under `file`, with the issue's JSON path in the message. */
export function addZodProblems(problems: ProblemList, file: string, error: z.ZodError): void {
  for (const issue of error.issues.slice(0, 50)) {
    const at = issue.path
      .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
      .join('');
    problems.add(file, `${at ? `${at}: ` : ''}${issue.message}`);
  }
}
