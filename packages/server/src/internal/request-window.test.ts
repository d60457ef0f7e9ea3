import { describe, expect, it } from 'vitest';
import { RequestWindow } from './request-window';

describe('RequestWindow', () => {
  it('gives p50, p99 and the rate over recent buckets and drops buckets past its span', () => {
    let now = 10_000;
    const window = new RequestWindow({ bucketMs: 1000, buckets: 3, now: () => now });
    for (let i = 1; i <= 100; i++) window.record(i, i > 98);
    now += 1000;
    window.record(1000, false);
    const snap = window.snapshot(60_000);
    expect(snap.points.map((p) => [p.requests, p.errors])).toEqual([[100, 2], [1, 0]]);
    expect(snap.points[0]!.p50).toBe(50);
    expect(snap.points[0]!.p99).toBe(99);
    expect(snap.recent.requests).toBe(101);
    now += 5000;
    const later = window.snapshot(60_000);
    expect(later.points.map((p) => p.requests)).toEqual([0]);
    expect(later.recent.p50).toBeNull();
  });

  it('keeps a bounded reservoir of durations when a bucket sees many requests', () => {
    const window = new RequestWindow({ bucketMs: 60_000, now: () => 0 });
    for (let i = 0; i < 5000; i++) window.record(5, false);
    const snap = window.snapshot();
    expect(snap.points[0]!.requests).toBe(5000);
    expect(snap.points[0]!.p99).toBe(5);
  });
});
