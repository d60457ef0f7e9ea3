/**
 * The global types core's declarations use, so an app that compiles with `lib: ["es2022"]` and without
 * `@types/node` (or `lib: ["dom"]`) can use them: `Disposable`, `AsyncDisposable`, `Symbol.dispose` and
 * `Symbol.asyncDispose` (declared as TypeScript's `esnext.disposable` lib and `@types/node` declare them), and
 * `AbortSignal` — a global of Node and browsers that ES2022 lacks — with the two members core reads. Each merges with
 * the same declaration from `@types/node`, the DOM lib or `lib: ["esnext"]`. Node ≥ 20.19 has the symbols at run time.
 *
 * @packageDocumentation
 */

declare global {
  interface SymbolConstructor {
    /** The method `using` calls at the end of a block. */
    readonly dispose: unique symbol;
    /** The method `await using` calls at the end of a block. */
    readonly asyncDispose: unique symbol;
  }
  /** An object `using` can release. */
  interface Disposable {
    [Symbol.dispose](): void;
  }
  /** An object `await using` can release. */
  interface AsyncDisposable {
    [Symbol.asyncDispose](): PromiseLike<void>;
  }
  /** What core reads of an abort signal (Node's and the DOM's `AbortSignal` have these members and more). */
  interface AbortSignal {
    /** Whether the signal was aborted. */
    readonly aborted: boolean;
    /** Why it was aborted; `undefined` until then. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- must match Node's and the DOM's declaration
    readonly reason: any;
  }
}

export {};
