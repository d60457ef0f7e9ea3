import { describe, expect, it } from 'vitest';
import { startRssSampler } from './rss-sampler';

describe('startRssSampler', () => {
  it('reports the peak between start and stop when the reading rises and falls', async () => {
    const readings = [100, 300, 250];
    let i = 0;
    const sampler = startRssSampler(1, () => readings[Math.min(i++, readings.length - 1)]!);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const report = sampler.stop();
    expect(report).toMatchObject({ baseline: 100, peak: 300, growth: 200 });
    expect(report.samples).toBeGreaterThanOrEqual(3);
  });

  it('stops sampling and returns the same report when stopped twice', async () => {
    let reads = 0;
    const sampler = startRssSampler(1, () => ++reads);
    const first = sampler.stop();
    const readsAtStop = reads;
    await new Promise((resolve) => setTimeout(resolve, 15));
    expect(reads).toBe(readsAtStop);
    expect(sampler.stop()).toBe(first);
  });

  it('reads the process RSS when given no reader', () => {
    const report = startRssSampler().stop();
    expect(report.baseline).toBeGreaterThan(0);
    expect(report.peak).toBeGreaterThanOrEqual(report.baseline);
  });
});
