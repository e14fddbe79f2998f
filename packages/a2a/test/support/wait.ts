/** Waiting on conditions with generous deadlines (never on fixed sleeps). */
import type { Engine, RunStatus } from '@baton/core';

export async function waitFor<T>(condition: () => T | Promise<T>, message: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let pause = 5;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 50);
  }
}

export async function waitForStatus(engine: Engine, runId: string, status: RunStatus, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => (await engine.client.get(runId))?.status === status, `run ${runId} to be ${status}`, timeoutMs);
}
