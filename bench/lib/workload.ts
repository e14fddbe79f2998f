/** The shape every workload has: what it reports, its targets, and how one measurement runs. */
import type { Durability } from '@baton/core';
import type { StoreFactory, StoreKind } from './stores.js';

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
  /** One target for every store, or one per store (a store without an entry has none). */
  target?: Target | Partial<Record<StoreKind, Target>>;
}

/**
 * A metric compared with the store's own floor (see commit-floor.ts), measured just before each
 * measurement of the workload: the sample gains the floor (`floorKey`) and the ratio (`key`).
 */
export interface FloorRatio {
  /** The ratio's key in the sample. */
  key: string;
  label: string;
  /** The metric divided by the floor. */
  metric: string;
  floor: 'singleCommitMs' | 'threeCommitsMs';
}

/** One measurement: metric key to value. */
export type Sample = Record<string, number>;

export interface Workload {
  id: string;
  title: string;
  /** The stores it runs on; default all. */
  stores?: readonly StoreKind[];
  /** The durability modes measured; an empty list means the workload has no engine (the machine's own limit). */
  modes: readonly Durability[];
  metrics: readonly MetricSpec[];
  /** At most this many measurements per mode, whatever --runs says (for slow workloads). */
  maxRuns?: number;
  /** Ratios to the store's floor, printed after the metrics. */
  floorRatios?: readonly FloorRatio[];
  /** Run one unreported measurement per mode first, so the JIT has compiled the hot path. */
  warmUp: boolean;
  /** One measurement on a fresh database from `stores`. `durability` is undefined for engine-less workloads. */
  measure(durability: Durability | undefined, stores: StoreFactory): Promise<Sample>;
}

export const BOTH_MODES: readonly Durability[] = ['strict', 'batched'];

export function targetFor(spec: MetricSpec, kind: StoreKind): Target | undefined {
  const target = spec.target;
  if (target === undefined || 'op' in target) return target as Target | undefined;
  return target[kind];
}

export function meets(target: Target, value: number): boolean {
  return target.op === '>=' ? value >= target.value : value <= target.value;
}
