/**
 * The storage seam. The engine owns all workflow logic; a Store only keeps records and applies the
 * few state changes below atomically. Every store must pass the conformance suite in @baton/testkit.
 *
 * Invariants every implementation keeps:
 * - Every method that changes state does so in one transaction.
 * - `commit` applies each WriteOp only if the run's lease token still matches (fencing); a fenced-off
 *   op changes nothing and reports `leaseLost`, without affecting the other ops of the batch.
 * - A journal position (runId, seq) is written at most once; a second write is refused.
 * - Times come from the caller (`now`), never from the store's own clock, so tests can drive them.
 * - A method given an `audit` entry writes it in the transaction of the change it makes.
 * - Every run status change and journal entry is added to the change feed in its transaction.
 */
import type { RunStore } from './run-store.js';
import type { FlowControlStore } from './flow-control-store.js';
import type { ScheduleStore } from './schedule-store.js';
import type { EventStore } from './event-store.js';
import type { AccessStore } from './access-store.js';
import type { CacheStore } from './cache-store.js';
import type { InboxStore, OverviewStore } from './insight-store.js';
import type { WorkflowCatalog } from './workflow-catalog.js';
import type { DefinitionStore } from './definition-store.js';
import type { ReplayStore } from './replay-store.js';
import type { QuotaStore } from './quota-store.js';
import type { GovernanceStore } from './governance-store.js';
import type { AlertStore } from './alert-store.js';
import type { ReviewStore } from './review-store.js';
import type { RunPhase } from './records.js';

export type {
  WorkflowRef,
  ClaimRequest,
  ClaimedRun,
  Lease,
  LeaseStatus,
  RunTransition,
  RunOutcome,
  WriteOp,
  WriteResult,
  StoreHint,
  RunStore,
  VersionMove,
  VersionMoveRefusal,
  VersionMoveResult,
} from './run-store.js';
export type { ScheduleFire, ScheduleStore } from './schedule-store.js';
export type { FlowControlStore } from './flow-control-store.js';
export type { EventStore } from './event-store.js';
export type { AccessStore } from './access-store.js';
export type { CacheStore } from './cache-store.js';
export type { InboxStore, OverviewStore } from './insight-store.js';
export type { ReplayStore } from './replay-store.js';
export type { QuotaStore } from './quota-store.js';
export type { GovernanceStore } from './governance-store.js';
export type { AlertStore } from './alert-store.js';
export type { ReviewStore } from './review-store.js';

export interface StoreCapabilities {
  /** The store calls `subscribe` listeners when runs become ready in this process. */
  readonly localNotifications: boolean;
  /** Other processes may share the store (so the engine must also poll). */
  readonly sharedAcrossProcesses: boolean;
}

/**
 * The whole seam: one small interface per concern, each in its own file, and the lifecycle. A store
 * implements each concern in a module of its own and assembles them (see store-assembly.ts).
 */
export interface Store
  extends
    RunStore,
    FlowControlStore,
    ScheduleStore,
    EventStore,
    AccessStore,
    CacheStore,
    OverviewStore,
    InboxStore,
    WorkflowCatalog,
    DefinitionStore,
    ReplayStore,
    QuotaStore,
    GovernanceStore,
    AlertStore,
    ReviewStore {
  readonly capabilities: StoreCapabilities;

  /** Creates or migrates the schema (numbered migrations, applied under a lock). Idempotent. */
  init(): Promise<void>;
  close(): Promise<void>;
}

export type { RunPhase };
