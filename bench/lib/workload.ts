/** The shape every workload has: what it reports, its targets, and how one measurement runs. */
import type { Durability } from '@baton/core';

export interface Target {
  op: '>=' | '<=';
  value: number;
}

export interface MetricSpec {
  key: string;
  label: string;
  unit: string;
  /** Decimal places shown in the table. */
  digits: number;
  target?: Target;
}

/** One measurement: metric key to value. */
export type Sample = Record<string, number>;

export interface Workload {
  id: string;
  title: string;
  /** The durability modes measured; an empty list means the workload has no engine (the machine's own limit). */
  modes: readonly Durability[];
  metrics: readonly MetricSpec[];
  /** Run one unreported measurement per mode first, so the JIT has compiled the hot path. */
  warmUp: boolean;
  /** One measurement on a fresh database. `durability` is undefined for engine-less workloads. */
  measure(durability: Durability | undefined): Promise<Sample>;
}

export const BOTH_MODES: readonly Durability[] = ['strict', 'batched'];

export function meets(target: Target, value: number): boolean {
  return target.op === '>=' ? value >= target.value : value <= target.value;
}
