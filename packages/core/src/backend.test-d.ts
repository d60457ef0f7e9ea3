import { describe, expectTypeOf, it } from 'vitest';
import type { Backend, LoadModelOptions, LoadModelOptionsOf, ModelSource } from './backend';
import { type OwnLoadModelOptionNames, checkLoadModelOptions } from './check-load-model-options';

interface ThreadOptions extends LoadModelOptions {
  readonly threads?: number;
}
declare const plain: Backend;
declare const threaded: Backend<ThreadOptions>;
declare const source: ModelSource;

// Checked by tsc through vitest typecheck: an @ts-expect-error whose line compiles fails the run.
describe('LoadModelOptions and Backend<TOptions>', () => {
  it('refuses a mistyped or unknown option at compile time', () => {
    void plain.loadModel(source, { name: 'bert', device: 'cpu' });
    // @ts-expect-error 'nmae' is not an option (there is no index signature to swallow it)
    void plain.loadModel(source, { nmae: 'bert' });
    // @ts-expect-error a plain Backend takes the common options only
    void plain.loadModel(source, { threads: 2 });
    // @ts-expect-error name is a string
    void plain.loadModel(source, { name: 3 });
  });

  it('takes a backend’s own options when it declares them as Backend<TOptions>, and still refuses unknown ones', () => {
    void threaded.loadModel(source, { name: 'bert', threads: 2 });
    // @ts-expect-error 'thread' is a typo of 'threads'
    void threaded.loadModel(source, { thread: 2 });
    // @ts-expect-error threads is a number
    void threaded.loadModel(source, { threads: '2' });
  });

  it('makes every Backend<T> a Backend, so an engine can hold backends with different options', () => {
    expectTypeOf(threaded).toExtend<Backend>();
    expectTypeOf<readonly [Backend<ThreadOptions>, Backend]>().toExtend<readonly Backend[]>();
  });

  it('reads a backend’s options back with LoadModelOptionsOf, a union for a union of backends', () => {
    expectTypeOf<LoadModelOptionsOf<typeof threaded>>().toEqualTypeOf<ThreadOptions>();
    expectTypeOf<LoadModelOptionsOf<typeof plain>>().toEqualTypeOf<LoadModelOptions>();
    expectTypeOf<LoadModelOptionsOf<Backend<ThreadOptions> | Backend>>().toEqualTypeOf<ThreadOptions | LoadModelOptions>();
  });

  it('makes a backend list every own option, and only those, for the runtime check', () => {
    expectTypeOf<OwnLoadModelOptionNames<ThreadOptions>>().toEqualTypeOf<{ readonly threads: true }>();
    checkLoadModelOptions<ThreadOptions>(undefined, 'threaded', { threads: true });
    // @ts-expect-error the own option names must include threads
    checkLoadModelOptions<ThreadOptions>(undefined, 'threaded', {});
    // @ts-expect-error 'thread' is not an option of ThreadOptions
    checkLoadModelOptions<ThreadOptions>(undefined, 'threaded', { threads: true, thread: true });
  });
});
