/** A module resolve hook (test setup, see ts-worker-loader.fixture.mjs): resolves with the `@inferox/source` condition. */
export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier, { ...context, conditions: [...context.conditions, '@inferox/source'] });
}
