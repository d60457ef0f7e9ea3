import { describe, expect, it } from 'vitest';
import { closedLoop, closedLoopFor } from './closed-loop';

describe('closedLoop', () => {
  it('keeps at most `clients` requests in flight and sends clients × requestsPerClient in all', async () => {
    let inFlight = 0;
    let most = 0;
    let sent = 0;
    const r = await closedLoop(
      async () => {
        sent++;
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
      },
      { clients: 3, requestsPerClient: 4 },
    );
    expect(sent).toBe(12);
    expect(most).toBe(3);
    expect(r.latencies).toHaveLength(12);
    expect(r.failures).toBe(0);
    expect(r.rps).toBeCloseTo((12 * 1000) / r.wallMs);
  });

  it('counts failures and keeps the first error when requests throw', async () => {
    let n = 0;
    const r = await closedLoop(() => (n++ % 2 === 0 ? Promise.reject(new Error(`boom ${n}`)) : Promise.resolve()), { clients: 1, requestsPerClient: 4 });
    expect(r.failures).toBe(2);
    expect(r.latencies).toHaveLength(2);
    expect((r.firstError as Error).message).toBe('boom 1');
  });

  it('throws when the client or request count is not a positive integer', async () => {
    await expect(closedLoop(() => Promise.resolve(), { clients: 0, requestsPerClient: 1 })).rejects.toThrow('clients must be a positive integer, got 0');
    await expect(closedLoop(() => Promise.resolve(), { clients: 1, requestsPerClient: 1.5 })).rejects.toThrow('requestsPerClient must be a positive integer, got 1.5');
  });
});

describe('closedLoopFor', () => {
  it('lets each client send until the duration is over, counting the request sent just before the end', async () => {
    let clock = 0;
    let sent = 0;
    const r = await closedLoopFor(
      async () => {
        sent++;
        await new Promise((resolve) => setImmediate(resolve));
        clock += 10;
      },
      { clients: 1, durationMs: 35, now: () => clock },
    );
    // Sent at 0, 10, 20 and 30; at 40 the window is over.
    expect(sent).toBe(4);
    expect(r.latencies).toEqual([10, 10, 10, 10]);
    expect(r.wallMs).toBe(40);
    expect(r.rps).toBe(100);
  });

  it('counts failures, keeps the first error, and rejects bad options', async () => {
    let clock = 0;
    let n = 0;
    const r = await closedLoopFor(
      () => {
        clock += 1;
        return n++ % 2 === 0 ? Promise.reject(new Error(`boom ${n}`)) : Promise.resolve();
      },
      { clients: 2, durationMs: 4, now: () => clock },
    );
    expect(r.failures + r.latencies.length).toBe(n);
    expect(r.failures).toBeGreaterThan(0);
    expect((r.firstError as Error).message).toBe('boom 1');
    await expect(closedLoopFor(() => Promise.resolve(), { clients: 0, durationMs: 1 })).rejects.toThrow('clients must be a positive integer, got 0');
    await expect(closedLoopFor(() => Promise.resolve(), { clients: 1, durationMs: 0 })).rejects.toThrow('durationMs must be positive, got 0');
  });
});
