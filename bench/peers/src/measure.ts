/**
 * Runs one workload against a started system and turns it into figures: wall time, the figure the
 * workload is about, and the CPU of this process and of the system's servers. A warm-up of the
 * same shape, smaller, runs first in the same process.
 */
import { ownCpuMs, processesCpuMs } from './cpu.js';
import { percentile } from './stats.js';
import type { SystemInstance } from './system.js';
import { SIZES, WARM_UP } from './workloads.js';

export type Figures = Record<string, number>;

interface Timed {
  wallMs: number;
  cpuMs: number;
  /** Only for a system that runs servers of its own. */
  serverCpuMs?: number;
}

async function timed(instance: SystemInstance, fn: () => Promise<void>): Promise<Timed> {
  const cpu = ownCpuMs();
  const serverCpu = processesCpuMs(instance.pids);
  const started = performance.now();
  await fn();
  const wallMs = performance.now() - started;
  const figures: Timed = { wallMs, cpuMs: ownCpuMs() - cpu };
  if (instance.pids.length > 0) figures.serverCpuMs = processesCpuMs(instance.pids) - serverCpu;
  return figures;
}

function need<T>(method: T | undefined, what: string): T {
  if (method === undefined) throw new Error(`the system does not provide ${what}`);
  return method;
}

export async function measureW1(instance: SystemInstance): Promise<Figures> {
  const w1 = need(instance.w1, 'w1').bind(instance);
  await w1(WARM_UP.workflows, SIZES.steps);
  const t = await timed(instance, () => w1(SIZES.workflows, SIZES.steps));
  const steps = SIZES.workflows * SIZES.steps;
  return { ...t, stepsPerSec: steps / (t.wallMs / 1000), cpuUsPerStep: ((t.cpuMs + (t.serverCpuMs ?? 0)) * 1000) / steps };
}

export async function measureW1seq(instance: SystemInstance): Promise<Figures> {
  const w1seq = need(instance.w1seq, 'w1seq').bind(instance);
  await w1seq(WARM_UP.seqWorkflows, SIZES.steps);
  const t = await timed(instance, () => w1seq(SIZES.workflows, SIZES.steps));
  const steps = SIZES.workflows * SIZES.steps;
  return { ...t, msPerStep: t.wallMs / steps, cpuUsPerStep: ((t.cpuMs + (t.serverCpuMs ?? 0)) * 1000) / steps };
}

export async function measureW2(instance: SystemInstance): Promise<Figures> {
  const w2 = need(instance.w2, 'w2').bind(instance);
  await w2(WARM_UP.width);
  return { ...(await timed(instance, () => w2(SIZES.width))) };
}

export async function measureW3(instance: SystemInstance): Promise<Figures> {
  const w3 = need(instance.w3, 'w3').bind(instance);
  for (let i = 0; i < WARM_UP.w3Samples; i++) await w3();
  const latencies: number[] = [];
  const t = await timed(instance, async () => {
    for (let i = 0; i < SIZES.w3Samples; i++) {
      const started = performance.now();
      await w3();
      latencies.push(performance.now() - started);
    }
  });
  return {
    ...t,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    cpuUsPerWorkflow: ((t.cpuMs + (t.serverCpuMs ?? 0)) * 1000) / SIZES.w3Samples,
  };
}
