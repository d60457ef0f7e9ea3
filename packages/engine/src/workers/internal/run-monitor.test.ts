import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type MonitoredRun, RunMonitor, STOP_POLL_MS } from './run-monitor';

function monitored(runs: Map<number, MonitoredRun>): { monitor: RunMonitor; events: string[] } {
  const events: string[] = [];
  const monitor = new RunMonitor(runs, { stopped: (id, signal) => events.push(`stopped ${id} ${String(signal.reason)}`), hung: (id, ms) => events.push(`hung ${id} ${ms}`) });
  return { monitor, events };
}

function run(extra: Partial<MonitoredRun> = {}): MonitoredRun {
  return { sentAt: performance.now(), stop: undefined, stopped: false, timeoutMs: undefined, startedAt: undefined, ...extra };
}

/** A stop source that counts how often its signal is read. */
function countingStop(): { readonly signal: AbortSignal; reads: number; controller: AbortController } {
  const controller = new AbortController();
  return {
    controller,
    reads: 0,
    get signal() {
      this.reads++;
      return controller.signal;
    },
  };
}

describe('RunMonitor', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads a stop only once the run has been in flight STOP_POLL_MS, and reports its abort once', () => {
    const runs = new Map<number, MonitoredRun>();
    const { monitor, events } = monitored(runs);
    const stop = countingStop();
    const r = run({ stop });
    runs.set(1, r);
    monitor.watch(r);
    vi.advanceTimersByTime(STOP_POLL_MS - 1);
    expect(stop.reads).toBe(0);
    vi.advanceTimersByTime(1);
    expect([stop.reads, events]).toEqual([1, []]);
    stop.controller.abort('gone');
    vi.advanceTimersByTime(STOP_POLL_MS);
    expect(events).toEqual(['stopped 1 gone']);
    expect(r.stopped).toBe(true);
    vi.advanceTimersByTime(10 * STOP_POLL_MS);
    expect(events).toEqual(['stopped 1 gone']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reports the run whose deadline comes first when it passes, and nothing before', () => {
    const runs = new Map<number, MonitoredRun>();
    const { monitor, events } = monitored(runs);
    const slow = run({ timeoutMs: 500, startedAt: performance.now() });
    const early = run({ timeoutMs: 300, startedAt: performance.now() });
    runs.set(1, slow).set(2, early);
    monitor.watch(slow);
    monitor.watch(early);
    vi.advanceTimersByTime(299);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(events).toEqual(['hung 2 300']);
  });

  it('does not count a run not yet started, and stops watching once no run needs it', () => {
    const runs = new Map<number, MonitoredRun>();
    const { monitor, events } = monitored(runs);
    const waiting = run({ timeoutMs: 100 });
    runs.set(1, waiting);
    monitor.watch(waiting);
    expect(vi.getTimerCount()).toBe(0);
    waiting.startedAt = performance.now();
    monitor.watch(waiting);
    vi.advanceTimersByTime(50);
    runs.delete(1);
    vi.advanceTimersByTime(100);
    expect([events, vi.getTimerCount()]).toEqual([[], 0]);
  });

  it('re-arms for an earlier need and clears its timer when disposed', () => {
    const runs = new Map<number, MonitoredRun>();
    const { monitor, events } = monitored(runs);
    const late = run({ timeoutMs: 10_000, startedAt: performance.now() });
    runs.set(1, late);
    monitor.watch(late);
    const soon = run({ timeoutMs: 40, startedAt: performance.now() });
    runs.set(2, soon);
    monitor.watch(soon);
    vi.advanceTimersByTime(40);
    expect(events).toEqual(['hung 2 40']);
    monitor.watch(late);
    expect(vi.getTimerCount()).toBe(1);
    monitor.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('polls the stop of a run started without a timeout and of one with a timeout not started yet', () => {
    for (const extra of [{ startedAt: performance.now() }, { timeoutMs: 1000 }]) {
      const runs = new Map<number, MonitoredRun>();
      const { monitor } = monitored(runs);
      const stop = countingStop();
      const r = run({ stop, ...extra });
      runs.set(1, r);
      monitor.watch(r);
      vi.advanceTimersByTime(STOP_POLL_MS);
      expect(stop.reads).toBe(1);
      monitor.dispose();
    }
  });

  it('arms its timer for the deadline itself, not sooner', () => {
    vi.advanceTimersByTime(1000);
    const runs = new Map<number, MonitoredRun>();
    const { monitor, events } = monitored(runs);
    const r = run({ timeoutMs: 300, startedAt: performance.now() });
    runs.set(1, r);
    monitor.watch(r);
    vi.advanceTimersToNextTimer();
    expect([performance.now(), events]).toEqual([1300, ['hung 1 300']]);
  });

  it('reads a stop again every STOP_POLL_MS while it is not aborted, and not in between', () => {
    const runs = new Map<number, MonitoredRun>();
    const { monitor } = monitored(runs);
    const stop = countingStop();
    const r = run({ stop });
    runs.set(1, r);
    monitor.watch(r);
    vi.advanceTimersByTime(STOP_POLL_MS);
    expect(stop.reads).toBe(1);
    vi.advanceTimersByTime(STOP_POLL_MS - 1);
    expect(stop.reads).toBe(1);
    vi.advanceTimersByTime(1);
    expect(stop.reads).toBe(2);
  });

  it('does not read the stop of a run sent later before that run has been in flight STOP_POLL_MS', () => {
    vi.advanceTimersByTime(1000);
    const runs = new Map<number, MonitoredRun>();
    const { monitor } = monitored(runs);
    const first = countingStop();
    const later = countingStop();
    const a = run({ stop: first });
    runs.set(1, a);
    monitor.watch(a);
    vi.advanceTimersByTime(10);
    const b = run({ stop: later });
    runs.set(2, b);
    monitor.watch(b);
    vi.advanceTimersByTime(STOP_POLL_MS - 10);
    expect([first.reads, later.reads]).toEqual([1, 0]);
    vi.advanceTimersByTime(10);
    expect(later.reads).toBe(1);
  });

  it('reports the run whose deadline passed first when several passed before one check, the first listed on a tie', () => {
    vi.advanceTimersByTime(1000);
    for (const order of [
      ['early', 'late'],
      ['late', 'early'],
    ]) {
      const runs = new Map<number, MonitoredRun>();
      const { monitor, events } = monitored(runs);
      const byName = { early: run({ timeoutMs: 40, startedAt: performance.now() }), late: run({ timeoutMs: 50, startedAt: performance.now() }) };
      order.forEach((name, i) => runs.set(i + 1, byName[name as keyof typeof byName]));
      // Watching only the later deadline: both have passed when the timer fires.
      monitor.watch(byName.late);
      vi.advanceTimersByTime(50);
      expect(events).toEqual([`hung ${order.indexOf('early') + 1} 40`]);
    }
    const runs = new Map<number, MonitoredRun>();
    const { monitor, events } = monitored(runs);
    const tied = [run({ timeoutMs: 30, startedAt: performance.now() }), run({ timeoutMs: 30, startedAt: performance.now() })];
    tied.forEach((r, i) => runs.set(i + 1, r));
    monitor.watch(tied[1]!);
    vi.advanceTimersByTime(30);
    expect(events).toEqual(['hung 1 30']);
  });
});
