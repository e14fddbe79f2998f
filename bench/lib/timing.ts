/** Wall-clock timing and process memory readings for the benchmarks. */

/** Milliseconds on a monotonic clock. */
export function now(): number {
  return performance.now();
}

/** CPU time (user + system) this process has used, in milliseconds, on all its threads. */
export function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

export const MB = 1024 * 1024;

/** Runs a full garbage collection when the process was started with --expose-gc. */
export async function collectGarbage(): Promise<boolean> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return false;
  for (let i = 0; i < 3; i++) {
    gc();
    // Let finalizers and weak callbacks run between passes.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return true;
}

/** Polls `condition` every `intervalMs` until it holds, or throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string, intervalMs = 5): Promise<void> {
  const deadline = now() + timeoutMs;
  while (!(await condition())) {
    if (now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
