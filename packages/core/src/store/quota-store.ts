/**
 * The quota part of the storage seam: per-namespace limits set by admins, and the start that keeps
 * them. A start under a quota counts the namespace's runs and inserts its run in one transaction that
 * holds the namespace's quota row, so two starts racing for the last slot cannot both get it.
 */
import type { AuditEntry } from './activity.js';
import type { NewRun, RunRecord } from './records.js';

/** The limits of one namespace; an absent limit is no limit. */
export interface NamespaceQuotaLimits {
  /** Runs created in the namespace in any 60 s window. */
  runsPerMinute?: number;
  /** Runs of the namespace not yet ended (queued, running or waiting) at once. */
  concurrentRuns?: number;
  /** USD spent on model calls by the namespace's runs created since 00:00 UTC. */
  modelSpendPerDayUsd?: number;
}

export interface NamespaceQuota extends NamespaceQuotaLimits {
  namespace: string;
  updatedAt: number;
  /** The actor (API key id, 'local'…) who set it last. */
  updatedBy: string;
}

/** The quota a start or a model call would exceed. */
export const QuotaKind = {
  RunsPerMinute: 'runsPerMinute',
  ConcurrentRuns: 'concurrentRuns',
  ModelSpendPerDayUsd: 'modelSpendPerDayUsd',
} as const;
export type QuotaKind = (typeof QuotaKind)[keyof typeof QuotaKind];

/** Why a start under a quota was refused: the quota, its limit, and when it frees (ms), when known. */
export interface QuotaRefusal {
  quota: QuotaKind;
  limit: number;
  retryAt?: number;
}

export type QuotaStartResult = { run: RunRecord; created: boolean } | { refused: QuotaRefusal };

export interface QuotaStore {
  /** Sets a namespace's limits (replacing all of them), written with `audit`. */
  setQuota(quota: NamespaceQuota, audit?: AuditEntry): Promise<void>;
  getQuota(namespace: string): Promise<NamespaceQuota | undefined>;
  /** Every namespace's quota, by namespace. */
  listQuotas(): Promise<NamespaceQuota[]>;
  /** Removes a namespace's quota; false when it had none. */
  deleteQuota(namespace: string, audit?: AuditEntry): Promise<boolean>;
  /**
   * Creates a queued run (as `createRun` does) if its namespace's quota, read in the same transaction,
   * allows it: fewer than `runsPerMinute` runs created in (now - 60 s, now] and fewer than
   * `concurrentRuns` runs queued, running or waiting. An id that exists returns that run. A refused
   * start changes nothing.
   */
  createRunWithinQuota(run: NewRun, now: number, audit?: AuditEntry): Promise<QuotaStartResult>;
  /** USD spent on model calls by the namespace's runs created at or after `since` (a whole UTC hour, ms). */
  modelSpendSince(namespace: string, since: number): Promise<number>;
}
