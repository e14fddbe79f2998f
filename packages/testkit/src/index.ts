/** @baton/testkit: the Store conformance suite every store must pass, and test helpers. */
import { describe } from 'vitest';
import type { StoreFactory } from './harness.js';
import { activitySuite } from './suites/activity.suite.js';
import { cacheSuite } from './suites/cache.suite.js';
import { inboxSuite } from './suites/inbox.suite.js';
import { immediateWritesSuite } from './suites/immediate-writes.suite.js';
import { leaseRecoverySuite } from './suites/lease-recovery.suite.js';
import { overviewSuite } from './suites/overview.suite.js';
import { overviewUnpricedSuite } from './suites/overview-unpriced.suite.js';
import { flowControlSuite } from './suites/flow-control.suite.js';
import { definitionsSuite } from './suites/definitions.suite.js';
import { eventsSuite } from './suites/events.suite.js';
import { recoverySuite } from './suites/recovery.suite.js';
import { schedulesSuite } from './suites/schedules.suite.js';
import { signalCheckSuite } from './suites/signal-check.suite.js';
import { startedRunsSuite } from './suites/started-runs.suite.js';
import { statsSuite } from './suites/stats.suite.js';
import { stepInputSuite } from './suites/step-input.suite.js';
import { textSuite } from './suites/text.suite.js';
import { sagaCancelSuite } from './suites/saga-cancel.suite.js';
import { storeBasicsSuite } from './suites/store-basics.suite.js';
import { waitingSuite } from './suites/waiting.suite.js';
import { workflowApiSuite } from './suites/workflow-api.suite.js';
import { workflowCatalogSuite } from './suites/workflow-catalog.suite.js';

export { writeBulkRuns } from './bulk-runs.js';
export {
  expectOldRunsFinish,
  expectTriggeredRunsRecorded,
  expectUnpricedCallsCounted,
  oldModelCallRows,
  oldReleaseRows,
  oldReleaseTime,
  oldTriggeredRows,
} from './upgrade.js';
export { startHarness, waitFor, waitForStatus, withStore, advance, deferred } from './harness.js';
export type { StoreFactory, Harness } from './harness.js';

/**
 * Registers the whole conformance suite (vitest `describe` blocks) for a store. Call it from a test
 * file of the store's package: `runStoreConformance({ name: 'sqlite', create: async () => new SqliteStore(...) })`.
 */
export function runStoreConformance(factory: StoreFactory): void {
  describe(`Store conformance: ${factory.name}`, () => {
    storeBasicsSuite(factory);
    workflowApiSuite(factory);
    waitingSuite(factory);
    signalCheckSuite(factory);
    sagaCancelSuite(factory);
    stepInputSuite(factory);
    recoverySuite(factory);
    leaseRecoverySuite(factory);
    immediateWritesSuite(factory);
    flowControlSuite(factory);
    schedulesSuite(factory);
    eventsSuite(factory);
    statsSuite(factory);
    activitySuite(factory);
    cacheSuite(factory);
    overviewSuite(factory);
    overviewUnpricedSuite(factory);
    inboxSuite(factory);
    startedRunsSuite(factory);
    workflowCatalogSuite(factory);
    definitionsSuite(factory);
    textSuite(factory);
  });
}
