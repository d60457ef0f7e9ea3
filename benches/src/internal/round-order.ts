/**
 * The order of `items` in round `round` of an interleaved run: the rows of a balanced Latin square (Williams design).
 * Every item leads once in the first `items.length` rounds, and each item follows every other item equally often over
 * `items.length` rounds (twice as many for an odd count). Plain rotation kept each item's predecessor fixed, and what
 * a setup leaves running (an onnxruntime thread pool still spinning, say) then always billed the same neighbour: in
 * scenario 13 two identical settings differed by 13% at one client.
 */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  const n = items.length;
  if (n === 0) return [];
  // First row 0, 1, n-1, 2, n-2, ...; row r adds r to each; for odd n the next n rows are the first n reversed.
  const first: number[] = [];
  for (let i = 0, lo = 1, hi = n - 1; i < n; i++) first.push(i === 0 ? 0 : i % 2 === 1 ? lo++ : hi--);
  const rows = n % 2 === 0 ? n : 2 * n;
  const r = ((round % rows) + rows) % rows;
  const row = first.map((v) => items[(v + r) % n]!);
  return r < n ? row : row.reverse();
}
