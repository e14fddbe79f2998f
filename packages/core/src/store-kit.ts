/**
 * @baton/core/store-kit: what a Store backend is built from, and nothing a workflow author needs. The
 * seam's concern interfaces and the assembly that composes them, the row shapes and mappers shared by
 * the SQL stores, and the pure rules (flow control, event planning, overview maths) a store applies
 * inside its transactions. Also the engine's group commit (WriteBatcher), through which the
 * conformance suite drives a store's commits as the engine does.
 */
export { AssembledStore } from './store/store-assembly.js';
export type { StoreParts } from './store/store-assembly.js';
export type {
  Store,
  StoreCapabilities,
  RunStore,
  FlowControlStore,
  ScheduleStore,
  EventStore,
  AccessStore,
  CacheStore,
  OverviewStore,
  InboxStore,
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
  ScheduleFire,
  VersionMove,
  VersionMoveRefusal,
  VersionMoveResult,
} from './store/store.js';
export type { EventListFilter } from './store/event-store.js';
export type { WorkflowCatalog } from './store/workflow-catalog.js';
export type { DefinitionStore } from './store/definition-store.js';
export type { ReplayStore } from './store/replay-store.js';
export type { QuotaStore } from './store/quota-store.js';
export { toQuota, type QuotaRow } from './store/quota-rows.js';
export type { GovernanceStore } from './store/governance-store.js';
export { toCostReport, assertCostFilter, COST_DAY_MS } from './store/costs.js';
export type { CostDayRow } from './store/costs.js';
export type { AlertStore } from './store/alert-store.js';
export type { ReviewStore } from './store/review-store.js';
export {
  replaySummary,
  replayCheckValues,
  replayResultValues,
  replayPruneStatement,
  toReplayCheckInfo,
  toReplayResult,
  REPLAY_CHECK_COLUMNS,
  REPLAY_RESULT_COLUMNS,
} from './store/replay-rows.js';
export type { ReplayCheckRow, ReplayResultRow } from './store/replay-rows.js';
export { endStatus, endsRun, finishedHint, finishedOutcome, type EndingTransition } from './store/run-outcome.js';
export { SEARCHED_INPUT_CHARS } from './store/records.js';
export { WriteBatcher } from './engine/write-batcher.js';
export type { SubmitOptions } from './engine/write-batcher.js';

export { versionMoveRefusal, type VersionMoveState } from './store/store-rules.js';
export { runNotFound, runEnded, assertRequeueable, encodeRunCursor, decodeRunCursor, loadMigrations, assertMigrated } from './store/store-rules.js';
export type { Migration } from './store/store-rules.js';
export {
  toRunRecord,
  toJournalEntry,
  toSignal,
  toStepRetry,
  toChild,
  toFlowCandidate,
  toQueueRecord,
  parseError,
  errorText,
  toEventRecord,
  toEventTrigger,
  toEventWait,
  toApiKeyRecord,
  toStoreStats,
  toQueueStats,
  toAuditRecord,
  auditValues,
  AUDIT_COLUMNS,
  toChangeRecord,
  likeEscaped,
  toScheduleRecord,
  scheduleValues,
  scheduleExists,
  scheduleIdTaken,
  scheduleNotFound,
  SCHEDULE_COLUMNS,
  SCHEDULE_UPSERT,
} from './store/sql-rows.js';
export type {
  RunRow,
  JournalRow,
  FlowCandidateRow,
  QueueRow,
  ScheduleRow,
  ApiKeyRow,
  AuditRow,
  ChangeRow,
  StatsQueueRow,
  StatsCountRow,
  EventRow,
  EventTriggerRow,
  EventWaitRow,
} from './store/sql-rows.js';
export { toDefinitionVersion, toStoredDefinition, definitionValues, definitionRegistration, DEFINITION_VERSION_COLUMNS } from './store/definition-rows.js';
export type { DefinitionRow } from './store/definition-rows.js';
export { toCatalogWorkflow, orderedRegistrations, currentVersions } from './store/catalog-rows.js';
export type { CatalogRow } from './store/catalog-rows.js';
export { toOverview, assertOverviewFilter, overviewPlan, binnedPercentile, OVERVIEW_MAX_BUCKETS, STATS_HOUR_MS, DURATION_BIN_BASE } from './store/overview.js';
export type { OverviewPlan, OverviewRows } from './store/overview.js';
export { humanSignals, assertWaitingForPerson, toInboxPage } from './store/inbox.js';
export type { InboxRow } from './store/inbox.js';
export { eventOrigin, scheduleOrigin } from './store/started-runs.js';
export { admitRuns, rateDecision, rateParameters, conformsAt, isLimitedQueue, queueSlot, queueRateKey } from './store/flow-control.js';
export type { RateDecision, FlowCandidate, FlowState, Admission, QueueLimits } from './store/flow-control.js';
export { planEmit, eventMatches, encodedEvent, eventSignalName } from './events/events.js';
export type { EmitPlan } from './events/events.js';
export { toAlertRule, toAlertState, toAlertTransition, stateAfter, hourOf } from './store/alert-rows.js';
export type { AlertRuleRow, AlertStateRow, AlertTransitionRow } from './store/alert-rows.js';
export { toRunReview, toFailureWorkflow, assertResolvable, type RunReviewRow, type FailureWorkflowRow } from './store/review-rows.js';
