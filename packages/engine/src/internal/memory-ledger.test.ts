import { describe, expect, it } from 'vitest';
import { MemoryLedger } from './memory-ledger';

describe('MemoryLedger', () => {
  it('sums what each owner is charged, replacing an owner\'s earlier charge in its place', () => {
    const ledger = new MemoryLedger();
    const [a, b, c] = [{}, {}, {}];
    expect([ledger.held(), ledger.bytesOf(a), ledger.has(a), ledger.charges()]).toEqual([0, 0, false, []]);
    ledger.charge(a, 100, 'a@1 on ctl');
    ledger.charge(b, 30, 'loading b@1');
    ledger.charge(c, 0, 'c@1 on ctl');
    ledger.charge(a, 70, 'a@1 on ctl (real)');
    expect([ledger.held(), ledger.bytesOf(a), ledger.bytesOf(b), ledger.bytesOf(c)]).toEqual([100, 70, 30, 0]);
    expect([ledger.has(a), ledger.has(c)]).toEqual([true, true]);
    expect(ledger.charges()).toEqual([
      [a, { bytes: 70, holder: 'a@1 on ctl (real)' }],
      [b, { bytes: 30, holder: 'loading b@1' }],
      [c, { bytes: 0, holder: 'c@1 on ctl' }],
    ]);
  });

  it('forgets a released owner and ignores the release of one it never charged', () => {
    const ledger = new MemoryLedger();
    const [a, b] = [{}, {}];
    ledger.charge(a, 100, 'a');
    ledger.charge(b, 50, 'b');
    ledger.release(a);
    ledger.release({});
    expect([ledger.held(), ledger.bytesOf(a), ledger.has(a), ledger.charges().map(([owner]) => owner === b)]).toEqual([50, 0, false, [true]]);
    ledger.release(b);
    expect([ledger.held(), ledger.charges()]).toEqual([0, []]);
  });

  it('hands out a copy of its charges, so editing the list changes nothing', () => {
    const ledger = new MemoryLedger();
    ledger.charge({}, 10, 'x');
    ledger.charges().pop();
    expect(ledger.held()).toBe(10);
    expect(ledger.charges()).toHaveLength(1);
  });
});
