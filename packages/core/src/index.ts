/** @baton/core: the workflow API, the engine, the client and the Store interface. */
export { defineWorkflow, isWorkflow } from './workflow/workflow.js';
export type {
  Workflow,
  AnyWorkflow,
  WorkflowOptions,
  WorkflowFunction,
  WorkflowInput,
  WorkflowOutput,
  EventTrigger,
  WorkflowSchedule,
} from './workflow/workflow.js';
export { TIMED_OUT } from './workflow/workflow-context.js';
export { registerContextExtension } from './workflow/context-extensions.js';
export type { ContextExtension, ExtensionServices } from './workflow/context-extensions.js';
export type {
  WorkflowContext,
  StepInfo,
  StepOptions,
  WaitForSignalOptions,
  WaitForEventOptions,
  ReceivedEvent,
  ChildOptions,
  TimedOut,
} from './workflow/workflow-context.js';

export { defineQueue, defineRateLimit, isQueueDefinition } from './workflow/flow.js';
export type { ScheduleFire } from './store/store.js';
export type { StoreStats, QueueStats } from './store/store-stats.js';
export type { CacheEntry } from './store/cache.js';
export { CatalogKind } from './store/workflow-catalog.js';
export { toDefinitionVersion, toStoredDefinition, definitionValues, definitionRegistration, DEFINITION_VERSION_COLUMNS } from './store/definition-rows.js';
export type { DefinitionRow } from './store/definition-rows.js';
export type {
  DefinitionFilter,
  DefinitionStore,
  DefinitionSummary,
  DefinitionVersion,
  DeployOutcome,
  NewDefinition,
  StoredDefinition,
} from './store/definition-store.js';
export { toCatalogWorkflow, orderedRegistrations, currentVersions } from './store/catalog-rows.js';
export { currentCatalogEntry } from './client/known-workflows.js';
export type { CatalogRow } from './store/catalog-rows.js';
export type { CatalogFilter, CatalogRegistration, CatalogWorkflow, WorkflowCatalog } from './store/workflow-catalog.js';
export { toOverview, assertOverviewFilter, overviewPlan, binnedPercentile, OVERVIEW_MAX_BUCKETS, STATS_HOUR_MS, DURATION_BIN_BASE } from './store/overview.js';
export type { Overview, OverviewFilter, OverviewBucket, OverviewPlan, OverviewRows, WorkflowOverview, LlmUsageTotals } from './store/overview.js';
export { eventOrigin, scheduleOrigin } from './store/started-runs.js';
export type { StartedRun, StartedRunFilter } from './store/started-runs.js';
export { humanSignals, assertWaitingForPerson, toInboxPage } from './store/inbox.js';
export type { InboxClaim, InboxFilter, InboxItem, InboxPage, InboxRow } from './store/inbox.js';
export { AUDIT_OK } from './store/activity.js';
export type { AuditEntry, AuditRecord, AuditFilter, ChangeRecord, ChangeFilter, ChangePage } from './store/activity.js';
export type {
  QueueDefinition,
  QueueOptions,
  ConcurrencyOption,
  RateLimitOption,
  DebounceOption,
  ThrottleOption,
  RateLimiter,
  RateLimiterOptions,
  StepRateLimit,
} from './workflow/flow.js';
export { admitRuns, rateDecision, rateParameters, conformsAt, isLimitedQueue, queueSlot, queueRateKey } from './store/flow-control.js';
export type { RateLimit, RateDecision, FlowCandidate, FlowState, Admission, QueueRecord, QueueLimits, StartControl } from './store/flow-control.js';

export { Engine } from './engine/engine.js';
export type { EngineOptions } from './engine/engine.js';
export { formatEngineId, parseEngineId } from './engine/engine-id.js';
export type { EngineIdentity } from './engine/engine-id.js';
export type { Durability } from './engine/engine-internals.js';
export type { EngineEvent, EngineEventListener, EventError } from './engine/engine-events.js';
export { WorkflowRegistry } from './engine/workflow-registry.js';
export type { WorkflowList } from './engine/workflow-registry.js';
export { defaultLogger, silentLogger } from './engine/logger.js';
export type { Logger } from './engine/logger.js';
export { WriteBatcher } from './engine/write-batcher.js';
export type { SubmitOptions } from './engine/write-batcher.js';

export { Client } from './client/client.js';
export { Auditor, isAudited, markAudited } from './client/auditor.js';
export type { Actor } from './client/auditor.js';
export { Schedules } from './client/schedules.js';
export { Events } from './client/events.js';
export { Inbox } from './client/inbox.js';
export type { JsonSchemaValidator, SchemaIssue } from './client/signal-check.js';
export type { InboxEntry, InboxClaimInfo, InboxList } from './client/inbox.js';
export type { EmitOptions, EventInfo } from './client/events.js';
export type { CreateScheduleOptions, UpdateScheduleOptions, ScheduleInfo } from './client/schedules.js';
export type { ClientOptions, StartOptions, RunHandle, ResultOptions, RunInfo, RunError, JournalEntryInfo, ListOptions } from './client/client.js';

export { BatonError, TerminalError, ErrorCode, isBatonError, hasErrorCode, isTerminalError, errorMessage } from './errors/errors.js';
export type { BatonErrorOptions } from './errors/errors.js';

export { PayloadCodec, defaultPayloadCodec, DEFAULT_MAX_PAYLOAD_BYTES } from './payload/payload-codec.js';
export type { PayloadCodecOptions } from './payload/payload-codec.js';

export { systemClock, ManualClock } from './time/clock.js';
export type { Clock, TimerHandle } from './time/clock.js';
export { toMillis } from './time/duration.js';
export type { Duration } from './time/duration.js';

export { resolveRetryPolicy, shouldRetry, backoffDelay, DEFAULT_RETRY_POLICY } from './retry/retry-policy.js';
export type { RetryPolicy, ResolvedRetryPolicy } from './retry/retry-policy.js';

export { RunStatus, RunPhase, EntryKind, TERMINAL_STATUSES, isTerminalStatus, SEARCHED_INPUT_CHARS } from './store/records.js';
export type {
  RunRecord,
  JournalEntry,
  SignalRecord,
  StepRetryRecord,
  ChildRecord,
  NewRun,
  RunFilter,
  RunPage,
  RunWaits,
  PendingOperation,
  PlannedCompensation,
  StoredError,
} from './store/records.js';
export type {
  Store,
  StoreCapabilities,
  WorkflowRef,
  ClaimRequest,
  ClaimedRun,
  Lease,
  LeaseStatus,
  RunTransition,
  WriteOp,
  WriteResult,
  StoreHint,
} from './store/store.js';
export { uuidv7, isValidRunId, seededRandom } from './util/ids.js';
export { assertStorableText, unstorableCharacter } from './util/text.js';
export { runNotFound, runEnded, assertRequeueable, encodeRunCursor, decodeRunCursor, loadMigrations } from './store/store-rules.js';
export type { Migration } from './store/store-rules.js';
export { toRunRecord, toJournalEntry, toSignal, toStepRetry, toChild, toFlowCandidate, toQueueRecord, parseError, errorText } from './store/sql-rows.js';
export type { RunRow, JournalRow, FlowCandidateRow, QueueRow, ScheduleRow } from './store/sql-rows.js';
export { toEventRecord, toEventTrigger, toEventWait, toApiKeyRecord } from './store/sql-rows.js';
export type { ApiKeyRow, AuditRow, ChangeRow, StatsQueueRow, StatsCountRow } from './store/sql-rows.js';
export { toStoreStats, toQueueStats } from './store/sql-rows.js';
export { toAuditRecord, auditValues, AUDIT_COLUMNS, toChangeRecord, likeEscaped } from './store/sql-rows.js';
export { ROLES, newApiKey, parseApiKey, verifyApiKey, roleAllows } from './auth/api-keys.js';
export type { Role, ApiKeyRecord } from './auth/api-keys.js';
export type { EventRow, EventTriggerRow, EventWaitRow } from './store/sql-rows.js';
export { toScheduleRecord, scheduleValues, scheduleExists, scheduleNotFound, SCHEDULE_COLUMNS, SCHEDULE_UPSERT } from './store/sql-rows.js';
export { planEmit, eventMatches, encodedEvent, eventSignalName, assertEventType } from './events/events.js';
export type { EventRecord, NewEvent, EventMatch, EventTriggerRecord, EventWaitRecord, EmitPlan } from './events/events.js';
export { planTicks, nextTick, tickRunId, resolveSchedule, ON_TIME_MS } from './schedule/schedule.js';
export type { ScheduleOptions, ScheduleRecord, OverlapPolicy, CatchupPolicy } from './schedule/schedule.js';
