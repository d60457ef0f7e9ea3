/** Throughput of one measured window, by the wall clock and by the CPU time this process spent in it. */
export interface WindowRate {
  /** Items per second of wall time. */
  readonly rps: number;
  /** Items per second of this process's CPU time (user + system, every thread): what a core to itself would give. */
  readonly perCpuSecond: number;
}

/**
 * Runs `measure` (which returns how many items it completed and the wall milliseconds it took) and reports its
 * rate by wall time and by this process's CPU time (`process.cpuUsage`, all threads) over the same span. On a
 * machine shared with other work, the CPU rate holds up where the wall rate does not.
 */
export async function cpuWindow(measure: () => Promise<{ readonly items: number; readonly wallMs: number }>, cpuUsage: (previous?: NodeJS.CpuUsage) => NodeJS.CpuUsage = process.cpuUsage.bind(process)): Promise<WindowRate> {
  const before = cpuUsage();
  const { items, wallMs } = await measure();
  const spent = cpuUsage(before);
  const cpuMs = (spent.user + spent.system) / 1000;
  return { rps: (items * 1000) / wallMs, perCpuSecond: cpuMs > 0 ? (items * 1000) / cpuMs : Number.NaN };
}
