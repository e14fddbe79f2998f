/**
 * The workloads, their sizes and the figures each reports; shared by the child that measures and
 * the parent that prints. The sizes are those of Baton's own benchmarks (bench/workloads), except
 * W3, which takes 200 samples instead of 500 to keep a round short.
 */
import type { WorkloadId } from './system.js';

export const WORKLOAD_IDS: readonly WorkloadId[] = ['W1', 'W1seq', 'W2', 'W3', 'TEN'];

export const SIZES = {
  workflows: 200,
  steps: 10,
  width: 1000,
  w3Samples: 200,
  /** 10-step workflows measured for TEN's per-workflow counters. */
  tenWorkflows: 20,
} as const;

/** Warm-up sizes, run in the same process just before each measurement. */
export const WARM_UP = { workflows: 20, seqWorkflows: 10, width: 100, w3Samples: 20 } as const;

export interface MetricSpec {
  key: string;
  label: string;
  unit: string;
  digits: number;
  /** Which way is better, for reading the ratios. */
  better: 'higher' | 'lower';
}

export interface WorkloadSpec {
  id: WorkloadId;
  title: string;
  metrics: readonly MetricSpec[];
}

const cpu: MetricSpec[] = [
  { key: 'cpuMs', label: 'CPU harness', unit: 'ms', digits: 0, better: 'lower' },
  { key: 'serverCpuMs', label: 'CPU servers', unit: 'ms', digits: 0, better: 'lower' },
];

export const WORKLOADS: readonly WorkloadSpec[] = [
  {
    id: 'W1',
    title: `${SIZES.workflows} workflows × ${SIZES.steps} sequential steps, started at once`,
    metrics: [
      { key: 'stepsPerSec', label: 'steps/s', unit: '/s', digits: 0, better: 'higher' },
      { key: 'cpuUsPerStep', label: 'CPU per step', unit: 'µs', digits: 0, better: 'lower' },
      ...cpu,
    ],
  },
  {
    id: 'W1seq',
    title: `the W1 workflows one after another`,
    metrics: [
      { key: 'msPerStep', label: 'ms per step', unit: 'ms', digits: 3, better: 'lower' },
      { key: 'cpuUsPerStep', label: 'CPU per step', unit: 'µs', digits: 0, better: 'lower' },
      ...cpu,
    ],
  },
  {
    id: 'W2',
    title: `one workflow, ${SIZES.width.toLocaleString('en-US')} parallel steps joined`,
    metrics: [{ key: 'wallMs', label: 'start to result', unit: 'ms', digits: 1, better: 'lower' }, ...cpu],
  },
  {
    id: 'W3',
    title: `${SIZES.w3Samples} one-step workflows one at a time, start to result`,
    metrics: [
      { key: 'p50Ms', label: 'p50', unit: 'ms', digits: 2, better: 'lower' },
      { key: 'p99Ms', label: 'p99', unit: 'ms', digits: 2, better: 'lower' },
      { key: 'cpuUsPerWorkflow', label: 'CPU per workflow', unit: 'µs', digits: 0, better: 'lower' },
    ],
  },
  {
    id: 'TEN',
    title: `one 10-step workflow: what it costs the database (mean of ${SIZES.tenWorkflows}, start and stop of the system subtracted)`,
    metrics: [
      { key: 'xactCommit', label: 'commits (database)', unit: '', digits: 1, better: 'lower' },
      { key: 'xids', label: 'writing xacts (server)', unit: '', digits: 1, better: 'lower' },
      { key: 'walRecords', label: 'WAL records (server)', unit: '', digits: 0, better: 'lower' },
      { key: 'walBytes', label: 'WAL bytes (server)', unit: 'B', digits: 0, better: 'lower' },
      { key: 'walSyncs', label: 'WAL syncs (server)', unit: '', digits: 1, better: 'lower' },
      { key: 'msPerWorkflow', label: 'per workflow', unit: 'ms', digits: 2, better: 'lower' },
    ],
  },
];

/** The figure a system's ratio to Baton strict is computed on, per workload. */
export const HEADLINE: Record<WorkloadId, string> = { W1: 'stepsPerSec', W1seq: 'msPerStep', W2: 'wallMs', W3: 'p50Ms', TEN: 'xactCommit' };

export function workloadSpec(id: WorkloadId): WorkloadSpec {
  const spec = WORKLOADS.find((w) => w.id === id);
  if (spec === undefined) throw new Error(`unknown workload ${id}`);
  return spec;
}
