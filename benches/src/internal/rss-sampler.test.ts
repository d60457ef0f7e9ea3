import { afterEach, describe, expect, it, vi } from 'vitest';
import { startRssSampler } from './rss-sampler';

describe('startRssSampler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports the peak between start and stop when the reading rises and falls', () => {
    // A fake clock: each interval tick is one read, so the samples are exact.
    vi.useFakeTimers();
    const readings = [100, 300, 250, 250];
    let reads = 0;
    const sampler = startRssSampler(5, () => readings[reads++]!);
    vi.advanceTimersByTime(4);
    expect(reads).toBe(1);
    vi.advanceTimersByTime(1);
    expect(reads).toBe(2);
    vi.advanceTimersByTime(5);
    expect(reads).toBe(3);
    expect(sampler.stop()).toEqual({ baseline: 100, peak: 300, growth: 200, samples: 4 });
  });

  it('stops sampling and returns the same report when stopped twice', () => {
    vi.useFakeTimers();
    let reads = 0;
    const sampler = startRssSampler(1, () => ++reads);
    vi.advanceTimersByTime(3);
    const first = sampler.stop();
    expect(first).toEqual({ baseline: 1, peak: 5, growth: 4, samples: 5 });
    // No interval is left behind: time passing reads nothing more.
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(100);
    expect(reads).toBe(5);
    expect(sampler.stop()).toBe(first);
  });

  it('reads the process RSS when given no reader', () => {
    const report = startRssSampler().stop();
    expect(report.baseline).toBeGreaterThan(0);
    expect(report.peak).toBeGreaterThanOrEqual(report.baseline);
  });
});
