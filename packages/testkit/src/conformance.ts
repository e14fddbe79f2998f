/**
 * @baton/testkit/conformance: the Store conformance suite every store must pass, and the checks of a
 * store upgraded from an earlier release. Needs vitest (its `describe`, `it` and `expect`).
 */
import { describe } from 'vitest';
import type { StoreFactory } from './harness.js';
import { activitySuite } from './suites/access/activity.suite.js';
import { apiKeysSuite } from './suites/access/api-keys.suite.js';
import { cacheSuite } from './suites/cache/cache.suite.js';
import { workflowCatalogSuite } from './suites/catalog/workflow-catalog.suite.js';
import { definitionsSuite } from './suites/definitions/definitions.suite.js';
import { definitionNamespacesSuite } from './suites/definitions/definition-namespaces.suite.js';
import { eventsSuite } from './suites/events/events.suite.js';
import { startedRunsSuite } from './suites/events/started-runs.suite.js';
import { eventNamespacesSuite } from './suites/events/event-namespaces.suite.js';
import { flowControlSuite } from './suites/flow-control/flow-control.suite.js';
import { flowControlNamespacesSuite } from './suites/flow-control/namespaces.suite.js';
import { inboxSuite } from './suites/insight/inbox.suite.js';
import { overviewSuite } from './suites/insight/overview.suite.js';
import { overviewUnpricedSuite } from './suites/insight/overview-unpriced.suite.js';
import { statsSuite } from './suites/insight/stats.suite.js';
import { immediateWritesSuite } from './suites/runs/immediate-writes.suite.js';
import { replaySuite } from './suites/runs/replay.suite.js';
import { versionMoveSuite } from './suites/runs/version-move.suite.js';
import { replaysSuite } from './suites/replays/replays.suite.js';
import { quotasSuite } from './suites/quotas/quotas.suite.js';
import { failuresSuite } from './suites/reviews/failures.suite.js';
import { leaseRecoverySuite } from './suites/runs/lease-recovery.suite.js';
import { recoverySuite } from './suites/runs/recovery.suite.js';
import { sagaCancelSuite } from './suites/runs/saga-cancel.suite.js';
import { signalCheckSuite } from './suites/runs/signal-check.suite.js';
import { stepInputSuite } from './suites/runs/step-input.suite.js';
import { storeBasicsSuite } from './suites/runs/store-basics.suite.js';
import { waitingSuite } from './suites/runs/waiting.suite.js';
import { escalationSuite } from './suites/runs/escalation.suite.js';
import { workflowApiSuite } from './suites/runs/workflow-api.suite.js';
import { schedulesSuite } from './suites/schedules/schedules.suite.js';
import { scheduleNamespacesSuite } from './suites/schedules/schedule-namespaces.suite.js';
import { textSuite } from './suites/text/text.suite.js';
import { governanceSuite } from './suites/governance/governance.suite.js';
import { alertStoreSuite } from './suites/alerts/alert-store.suite.js';
import { alertEvaluationSuite } from './suites/alerts/alert-evaluation.suite.js';

export {
  expectOldRunsFinish,
  expectTriggeredRunsRecorded,
  expectUnpricedCallsCounted,
  oldModelCallRows,
  oldReleaseRows,
  oldReleaseTime,
  oldTriggeredRows,
} from './upgrade.js';
export { expectNamespacesUpgraded, oldNamespaceRows } from './upgrade-namespaces.js';
export type { StoreFactory } from './harness.js';
export { blobStoreSuite } from './suites/blobs/blob-store.suite.js';
export type { BlobStoreFactory } from './suites/blobs/blob-store.suite.js';
export { blobPayloadsSuite } from './suites/blobs/blob-payloads.suite.js';
export type { BlobStorage } from './suites/blobs/blob-payloads.suite.js';

/** The suites of each concern, in the order they run; each under the name of its `describe` block. */
const CONFORMANCE_BY_CONCERN: readonly (readonly [string, readonly ((factory: StoreFactory) => void)[]])[] = [
  [
    'runs, journal and claims (RunStore)',
    [
      storeBasicsSuite,
      workflowApiSuite,
      waitingSuite,
      escalationSuite,
      signalCheckSuite,
      sagaCancelSuite,
      stepInputSuite,
      recoverySuite,
      leaseRecoverySuite,
      immediateWritesSuite,
      replaySuite,
      versionMoveSuite,
    ],
  ],
  ['flow control: queues and rate limits (FlowControlStore)', [flowControlSuite, flowControlNamespacesSuite]],
  ['schedules (ScheduleStore)', [schedulesSuite, scheduleNamespacesSuite]],
  ['events, triggers and started runs (EventStore)', [eventsSuite, startedRunsSuite, eventNamespacesSuite]],
  ['access: API keys, audit log and change feed (AccessStore)', [activitySuite, apiKeysSuite]],
  ['cache (CacheStore)', [cacheSuite]],
  ['insight: overview, stats and inbox (OverviewStore, InboxStore)', [statsSuite, overviewSuite, overviewUnpricedSuite, inboxSuite]],
  ['workflow catalog (WorkflowCatalog)', [workflowCatalogSuite]],
  ['definitions (DefinitionStore)', [definitionsSuite, definitionNamespacesSuite]],
  ['replay checks (ReplayStore)', [replaysSuite]],
  ['namespace quotas (QuotaStore)', [quotasSuite]],
  ['governance: cost reports and agent policies (GovernanceStore)', [governanceSuite]],
  ['alerts: rules, transitions, leadership and evaluation (AlertStore)', [alertStoreSuite, alertEvaluationSuite]],
  ['failed runs: skipped steps, failure workflows, review (ReviewStore)', [failuresSuite]],
  ['text no store can keep, across fields', [textSuite]],
];

/**
 * Registers the whole conformance suite (vitest `describe` blocks) for a store. Call it from a test
 * file of the store's package: `runStoreConformance({ name: 'sqlite', create: async () => new SqliteStore(...) })`.
 *
 * One `describe` block per concern of the storage seam (the interfaces in `@baton/core`'s `store/`
 * folder, one suite folder each under `suites/`), so a failure names the part of the store it is in.
 * Suites that drive the engine over a store sit with the concern they exercise most; text that no
 * store can keep is checked across every field, so it has a group of its own.
 */
export function runStoreConformance(factory: StoreFactory): void {
  describe(`Store conformance: ${factory.name}`, () => {
    for (const [concern, suites] of CONFORMANCE_BY_CONCERN) {
      describe(concern, () => {
        for (const suite of suites) suite(factory);
      });
    }
  });
}
