/**
 * @baton/testkit: helpers for testing workflows and stores, with any test runner (nothing here
 * imports one): `createTestEnv` for users' tests of their workflows, the engine harness, condition
 * waits and bulk data of Baton's own tests. The Store conformance suite, which needs vitest, is the
 * `@baton/testkit/conformance` entry.
 */
export { createTestEnv } from './test-env/test-env.js';
export type { TestEnv, TestEnvOptions, TestRun, StepMock } from './test-env/test-env.js';
export { writeBulkRuns } from './bulk-runs.js';
export { startHarness, waitFor, waitForStatus, withStore, advance, deferred } from './harness.js';
export type { StoreFactory, Harness } from './harness.js';
