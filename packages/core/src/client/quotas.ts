/**
 * Namespace quotas through the client: set, read, list and remove (changes audited), and the start
 * that keeps a namespace's run quotas. Who may change a quota is the caller's policy (the HTTP API
 * lets only admin keys of the 'default' namespace).
 */
import type { Auditor } from './auditor.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time/clock.js';
import type { AuditEntry } from '../store/activity.js';
import type { NewRun, RunRecord } from '../store/records.js';
import type { NamespaceQuota, NamespaceQuotaLimits } from '../store/quota-store.js';
import { assertNamespace, checkQuotaLimits } from '../tenants/quota-limits.js';
import { quotaExceeded } from '../tenants/quota-errors.js';

export class Quotas {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #auditor: Auditor;

  constructor(store: Store, clock: Clock, auditor: Auditor) {
    this.#store = store;
    this.#clock = clock;
    this.#auditor = auditor;
  }

  /** Sets `namespace`'s limits, replacing the ones it had (an absent limit is no limit). */
  async set(namespace: string, limits: NamespaceQuotaLimits): Promise<NamespaceQuota> {
    return this.#auditor.run(
      'quota.set',
      String(namespace).slice(0, 200),
      async (audit) => {
        assertNamespace(namespace);
        const quota: NamespaceQuota = {
          namespace,
          ...checkQuotaLimits(limits ?? {}),
          updatedAt: this.#clock.now(),
          updatedBy: this.#auditor.actor?.id ?? 'local',
        };
        await this.#store.setQuota(quota, audit);
        return quota;
      },
      { ...limits },
    );
  }

  async get(namespace: string): Promise<NamespaceQuota | undefined> {
    assertNamespace(namespace);
    return this.#store.getQuota(namespace);
  }

  list(): Promise<NamespaceQuota[]> {
    return this.#store.listQuotas();
  }

  /** Removes `namespace`'s quota; false when it had none. */
  async remove(namespace: string): Promise<boolean> {
    return this.#auditor.run('quota.delete', String(namespace).slice(0, 200), async (audit) => {
      assertNamespace(namespace);
      return this.#store.deleteQuota(namespace, audit);
    });
  }
}

/**
 * Creates `run` under its namespace's run quotas, or returns undefined when the namespace has none
 * (the caller starts it the usual way). Throws BATON_QUOTA_EXCEEDED when a quota refuses it.
 */
export async function startWithinQuota(
  store: Store,
  run: NewRun,
  now: number,
  audit: AuditEntry | undefined,
): Promise<{ run: RunRecord; created: boolean } | undefined> {
  const namespace = run.namespace ?? 'default';
  const quota = await store.getQuota(namespace);
  if (quota === undefined || (quota.runsPerMinute === undefined && quota.concurrentRuns === undefined)) return undefined;
  const result = await store.createRunWithinQuota(run, now, audit);
  if ('refused' in result) throw quotaExceeded(namespace, result.refused, `Run ${run.id} of workflow '${run.workflow}' was not started.`, run.id);
  return result;
}
