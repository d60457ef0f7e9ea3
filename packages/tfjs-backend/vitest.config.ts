import { defineInferoxTestConfig } from '../../vitest.shared.ts';

export default defineInferoxTestConfig({
  thresholds: { lines: 90, branches: 85 },
  // Each file registers and initialises tfjs backends (wasm, cpu) whose memory tfjs never gives back: sharing one
  // process, the files ran it out of heap.
  isolate: true,
});
