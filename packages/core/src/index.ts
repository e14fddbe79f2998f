/**
 * @baton/core: the workflow API, the engine, the client and the Store interface with the records it
 * holds. What a Store backend is built from (row mappers, SQL fragments, the rules a store applies in
 * its transactions, the worker's claim and commit protocol) lives in @baton/core/store-kit.
 */

// The workflow API.
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

// The engine.
export { Engine } from './engine/engine.js';
export type { EngineOptions } from './engine/engine.js';
export { formatEngineId, parseEngineId } from './engine/engine-id.js';
export type { EngineIdentity } from './engine/engine-id.js';
export type { Durability } from './engine/engine-internals.js';
export type { EngineEvent, EngineEventListener, EngineEventScope, EventError } from './engine/engine-events.js';
export { WorkflowRegistry } from './engine/workflow-registry.js';
export type { WorkflowList } from './engine/workflow-registry.js';
export { defaultLogger, silentLogger } from './engine/logger.js';
export type { Logger } from './engine/logger.js';

// The client and its parts.
export { Client } from './client/client.js';
export { Auditor, isAudited, markAudited } from './client/auditor.js';
export type { Actor } from './client/auditor.js';
export { Schedules } from './client/schedules.js';
export { Events } from './client/events.js';
export { Inbox } from './client/inbox.js';
export { currentCatalogEntry } from './client/known-workflows.js';
export type { JsonSchemaValidator, SchemaIssue } from './client/signal-check.js';
export type { InboxEntry, InboxClaimInfo, InboxList, InboxEscalation } from './client/inbox.js';
export { Replays } from './client/replays.js';
export type { EmitOptions, EventInfo } from './client/events.js';
export type { CreateScheduleOptions, UpdateScheduleOptions, ScheduleInfo } from './client/schedules.js';
export type { MigrateFilter, MigrateOptions, MigrationResult } from './client/client.js';
export type { ClientOptions, StartOptions, RunHandle, ResultOptions, RunInfo, RunError, JournalEntryInfo, ListOptions } from './client/client.js';

// Errors, payloads, time, retries, ids, text and API keys.
export { BatonError, TerminalError, ErrorCode, isBatonError, hasErrorCode, isTerminalError, errorMessage } from './errors/errors.js';
export type { BatonErrorOptions } from './errors/errors.js';
export { runNotFound } from './store/store-rules.js';
export { scheduleNotFound } from './store/sql-rows.js';
export { PayloadCodec, defaultPayloadCodec, DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_BLOB_THRESHOLD_BYTES } from './payload/payload-codec.js';
export type { PayloadCodecOptions, PayloadOwner } from './payload/payload-codec.js';
export { BlobValue, isBlobValue } from './blob/blob-value.js';
export type { BlobReference, BlobReader } from './blob/blob-value.js';
export { DEFAULT_CONTENT_TYPE, BLOB_ID } from './blob/blob-store.js';
export type { BlobStore, BlobInfo, BlobPutOptions, BlobSource, BlobListOptions } from './blob/blob-store.js';
export { DiskBlobStore } from './blob/disk-blob-store.js';
export type { DiskBlobStoreOptions } from './blob/disk-blob-store.js';
export { Blobs, blobIdsIn } from './blob/blobs.js';
export { chunksOf, checkBlobId, blobNotFound, blobExists } from './blob/blob-source.js';
export { collectBlobs } from './blob/blob-retention.js';
export type { BlobCollection } from './blob/blob-retention.js';
export { systemClock, ManualClock } from './time/clock.js';
export type { Clock, TimerHandle } from './time/clock.js';
export { toMillis } from './time/duration.js';
export type { Duration } from './time/duration.js';
export { resolveRetryPolicy, shouldRetry, backoffDelay, DEFAULT_RETRY_POLICY } from './retry/retry-policy.js';
export type { RetryPolicy, ResolvedRetryPolicy } from './retry/retry-policy.js';
export { uuidv7, isValidRunId, seededRandom } from './util/ids.js';
export { assertStorableText, unstorableCharacter } from './util/text.js';
export { ALL_NAMESPACES, ROLES, isNamespaceName, keyActsEverywhere, keyMayActIn, newApiKey, parseApiKey, verifyApiKey, roleAllows } from './auth/api-keys.js';
export type { Role, ApiKeyRecord } from './auth/api-keys.js';

// The Store, and the records it holds and returns.
export type { Store } from './store/store.js';
export { RunStatus, RunPhase, EntryKind, JournalEntryStatus, TERMINAL_STATUSES, isTerminalStatus } from './store/records.js';
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
  WaitEscalation,
  EscalationEvent,
  PendingOperation,
  PlannedCompensation,
  StoredError,
} from './store/records.js';
export type { RateLimit, QueueRecord, StartControl } from './store/flow-control.js';
export { Severity, channelConfigSchema, channelsConfigSchema } from './notify/index.js';
export type { Notification, Notifier, ChannelOutcome, ChannelConfig, ChannelsConfig } from './notify/index.js';
export { EscalationAction, defineEscalation, escalationIssues } from './escalation/escalation-policy.js';
export type { EscalationStage, RemindStage, ReassignStage, NotifyStage, DecideStage, EscalationIssue } from './escalation/escalation-policy.js';
export { alertRuleSchema, alertConditionSchema, alertsFileSchema, crossCheckRules, describeIssues, ALERT_CONDITION_KINDS } from './alerts/alert-rule.js';
export type { AlertRule, AlertRuleInput, AlertCondition, AlertConditionKind, AlertsFile } from './alerts/alert-rule.js';
export { AlertEvaluator, ALERTS_LEADERSHIP } from './alerts/alert-evaluator.js';
export type { AlertEvaluatorOptions } from './alerts/alert-evaluator.js';
export { alertNotification, formatAlertValue } from './alerts/alert-notification.js';
export { AlertTransitionKind } from './store/alert-store.js';
export type {
  AlertRuleRecord,
  AlertRuleSource,
  AlertState,
  NewAlertTransition,
  AlertTransitionRecord,
  AlertTransitionFilter,
  AlertMeasure,
} from './store/alert-store.js';
export { assertEventType } from './events/events.js';
export type { EventRecord, NewEvent, EventMatch, EventTriggerRecord, EventWaitRecord } from './events/events.js';
export { planTicks, nextTick, tickRunId, resolveSchedule, ON_TIME_MS } from './schedule/schedule.js';
export type { ScheduleOptions, ScheduleRecord, OverlapPolicy, CatchupPolicy } from './schedule/schedule.js';
export type { StartedRun, StartedRunFilter } from './store/started-runs.js';
export { AUDIT_OK } from './store/activity.js';
export type { AuditEntry, AuditRecord, AuditFilter, ChangeRecord, ChangeFilter, ChangePage } from './store/activity.js';
export type { CacheEntry } from './store/cache.js';
export type { NamespaceQueueStats, StoreStats, QueueStats } from './store/store-stats.js';
export { OVERVIEW_MAX_BUCKETS } from './store/overview.js';
export type { Overview, OverviewFilter, OverviewBucket, WorkflowOverview, LlmUsageTotals } from './store/overview.js';
export type { InboxClaim, InboxFilter, InboxItem, InboxPage } from './store/inbox.js';
export { CostGroupBy, CostInterval, COST_MAX_DAYS } from './store/costs.js';
export type { CostFilter, CostReport, CostRow } from './store/costs.js';
export { AgentPolicy, PolicySubject, policyRefusal } from './governance/agent-policy-rules.js';
export type { AgentPolicyRecord, PolicyRule } from './governance/agent-policy-rules.js';
export { POLICY_REFUSED_ACTION, runAgentPolicy, ensurePolicyAllows } from './governance/agent-policy.js';
export { CatalogKind } from './store/workflow-catalog.js';
export type { CatalogFilter, CatalogRegistration, CatalogWorkflow } from './store/workflow-catalog.js';
export type { DefinitionFilter, DefinitionSummary, DefinitionVersion, DeployOutcome, NewDefinition, StoredDefinition } from './store/definition-store.js';
export { DEFAULT_DEFINITION_NAMESPACE, definitionTenantOf, definitionWorkflowNameIn } from './store/definition-store.js';
export { REDACTED, REPLAY_FILE_FORMAT, parseReplayFile, replayFileOf, replayInputOf, replayRun, workflowSource } from './replay/index.js';
export type { ReplayFile, ReplayFileOptions, ReplayFileRun, ReplayInput, ReplayOptions, ReplayDivergence, ReplayEnd, ReplayResult } from './replay/index.js';
export { checkReplayReport, REPLAY_TEXT_LIMITS, type ReplayReport } from './replay/replay-report.js';
export { MAX_REPLAY_CHECKS_PER_RUN, MAX_REPLAY_RESULTS } from './store/replay-store.js';
export { QuotaKind } from './store/quota-store.js';
export type { NamespaceQuota, NamespaceQuotaLimits, QuotaRefusal, QuotaStartResult, QuotaStore } from './store/quota-store.js';
export { Quotas } from './client/quotas.js';
export { ensureModelSpendQuota, utcDayStart } from './tenants/model-spend-quota.js';
export type { RunReview, FailureWorkflowSetting } from './store/review-store.js';
export { Reviews, MAX_REVIEW_NOTE } from './client/reviews.js';
export { FAILURE_RUN_TAG, failureRunId, type FailedRunInfo } from './engine/failure-workflow.js';
export type { NewReplayCheck, ReplayCheckInfo, ReplayCheckRecord, ReplaySummary, RunReplayRecord } from './store/replay-store.js';
