import { describe, expect, it } from 'vitest';
import { closedLoop } from './closed-loop';

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
