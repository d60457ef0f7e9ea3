import { describe, expect, it } from 'vitest';
import { RequestQueue } from './request-queue';

describe('RequestQueue', () => {
  it('keeps priority then arrival order through removals from the head, middle and tail', () => {
    const queue = new RequestQueue<{ rank: number; name: string }>();
    const nodes = ['n1:2', 'l1:3', 'c1:0', 'n2:2', 'n3:2', 'c2:0'].map((s) => {
      const [name, rank] = s.split(':') as [string, string];
      return queue.add({ name, rank: Number(rank) });
    });
    expect(queue.toArray().map((v) => v.name)).toEqual(['c1', 'c2', 'n1', 'n2', 'n3', 'l1']);
    expect(queue.delete(nodes[3]!)).toBe(true);
    expect(queue.delete(nodes[3]!)).toBe(false);
    expect(queue.delete(nodes[0]!)).toBe(true);
    expect(queue.delete(nodes[4]!)).toBe(true);
    expect(queue.toArray().map((v) => v.name)).toEqual(['c1', 'c2', 'l1']);
    expect(queue.size).toBe(3);
    queue.add({ name: 'n4', rank: 2 });
    expect(queue.find((v) => v.rank > 0)?.name).toBe('n4');
    expect(queue.find((v) => v.rank > 5)).toBeUndefined();
  });

  it('walks nodes in service order with first and after, across empty priorities, and ends after the last', () => {
    const queue = new RequestQueue<{ rank: number; name: string }>();
    expect(queue.first()).toBeUndefined();
    for (const [name, rank] of [['n1', 2], ['c1', 0], ['l1', 3], ['n2', 2]] as const) queue.add({ name, rank });
    const walked: string[] = [];
    for (let node = queue.first(); node; node = queue.after(node)) walked.push(node.value.name);
    expect(walked).toEqual(['c1', 'n1', 'n2', 'l1']);
    expect(walked).toEqual(queue.toArray().map((v) => v.name));
  });
});
