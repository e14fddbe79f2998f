/**
 * Row shapes shared by the SQL stores (SQLite and PostgreSQL use the same columns) and their mapping
 * to the records of the Store interface. Times are epoch ms; JSON values are stored as text.
 */
import type { ScheduleRecord } from '../schedule/schedule.js';
import type { ApiKeyRecord } from '../auth/api-keys.js';
import type { EventMatch, EventRecord, EventTriggerRecord, EventWaitRecord } from '../events/events.js';
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { FlowCandidate, QueueRecord, RateLimit } from './flow-control.js';
import type { AuditEntry, AuditRecord, ChangeRecord } from './activity.js';
import type { NamespaceQueueStats, QueueStats, StoreStats } from './store-stats.js';
import type { ChildRecord, JournalEntry, PlannedCompensation, RunRecord, RunStatus, SignalRecord, StepRetryRecord, StoredError } from './records.js';

export interface RunRow {
  id: string;
  workflow: string;
  version: string;
  status: string;
  input: string;
  output: string | null;
  error: string | null;
  queue: string;
  priority: number;
  parent_id: string | null;
  parent_seq: number | null;
  continued_from: string | null;
  continued_to: string | null;
  progress: string | null;
  cancel_requested: number;
  cancel_error: string | null;
  phase: string;
  end_status: string | null;
  /** JSON of the PlannedCompensation list, set when compensation begins. */
  compensation_plan: string | null;
  wake_at: number | null;
  waits: string | null;
  ready_at: number | null;
  lease_owner: string | null;
  lease_token: string | null;
  lease_expires_at: number | null;
  claims: number;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  ended_at: number | null;
  concurrency_key: string | null;
  concurrency_limit: number | null;
  rate_key: string | null;
  /** JSON of the RateLimit. */
  rate_limit: string | null;
  namespace: string;
  /** JSON array of strings, NULL for none. */
  tags: string | null;
}

export interface JournalRow {
  run_id: string;
  seq: number;
  kind: string;
  name: string;
  status: string;
  input: string | null;
  output: string | null;
  error: string | null;
  attempts: number;
  started_at: number;
  ended_at: number;
  compensates: number | null;
}

export function parseError(text: string | null): StoredError | undefined {
  return text === null ? undefined : (JSON.parse(text) as StoredError);
}

export function errorText(error: StoredError | undefined): string | null {
  return error === undefined ? null : JSON.stringify(error);
}

export function toRunRecord(row: RunRow): RunRecord {
  const run: RunRecord = {
    id: row.id,
    workflow: row.workflow,
    version: row.version,
    status: row.status as RunStatus,
    input: row.input,
    queue: row.queue,
    priority: row.priority,
    cancelRequested: row.cancel_requested === 1,
    phase: row.phase === 'compensating' ? 'compensating' : 'body',
    claims: row.claims,
    namespace: row.namespace,
    tags: row.tags == null ? [] : (JSON.parse(row.tags) as string[]),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.output !== null) run.output = row.output;
  const error = parseError(row.error);
  if (error !== undefined) run.error = error;
  const cancelReason = parseError(row.cancel_error);
  if (cancelReason !== undefined) run.cancelReason = cancelReason;
  if (row.parent_id !== null) run.parentId = row.parent_id;
  if (row.parent_seq !== null) run.parentSeq = row.parent_seq;
  if (row.continued_from !== null) run.continuedFrom = row.continued_from;
  if (row.continued_to !== null) run.continuedTo = row.continued_to;
  if (row.progress !== null) run.progress = row.progress;
  if (row.end_status !== null) run.endStatus = row.end_status as RunStatus;
  if (row.compensation_plan != null) run.compensationPlan = JSON.parse(row.compensation_plan) as PlannedCompensation[];
  if (row.wake_at !== null) run.wakeAt = row.wake_at;
  if (row.waits !== null) run.waits = JSON.parse(row.waits) as RunRecord['waits'] & object;
  if (row.lease_owner !== null) run.leaseOwner = row.lease_owner;
  if (row.lease_expires_at !== null) run.leaseExpiresAt = row.lease_expires_at;
  if (row.started_at !== null) run.startedAt = row.started_at;
  if (row.ended_at !== null) run.endedAt = row.ended_at;
  if (row.concurrency_key != null) run.concurrencyKey = row.concurrency_key;
  if (row.concurrency_limit != null) run.concurrencyLimit = row.concurrency_limit;
  if (row.rate_key != null) run.rateKey = row.rate_key;
  if (row.rate_limit != null) run.rateLimit = JSON.parse(row.rate_limit) as RunRecord['rateLimit'] & object;
  return run;
}

export function toJournalEntry(row: JournalRow): JournalEntry {
  const entry: JournalEntry = {
    runId: row.run_id,
    seq: row.seq,
    kind: row.kind as JournalEntry['kind'],
    name: row.name,
    status: row.status === 'failed' || row.status === 'skipped' ? row.status : 'completed',
    attempts: row.attempts,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
  if (row.input !== null) entry.input = row.input;
  if (row.output !== null) entry.output = row.output;
  const error = parseError(row.error);
  if (error !== undefined) entry.error = error;
  if (row.compensates !== null) entry.compensates = row.compensates;
  return entry;
}

export function toSignal(row: { id: number; run_id: string; name: string; payload: string; created_at: number }): SignalRecord {
  return { id: row.id, runId: row.run_id, name: row.name, payload: row.payload, createdAt: row.created_at };
}

export function toStepRetry(row: { seq: number; attempts: number; next_attempt_at: number; error: string | null }): StepRetryRecord {
  const r: StepRetryRecord = { seq: row.seq, attempts: row.attempts, nextAttemptAt: row.next_attempt_at };
  const error = parseError(row.error);
  if (error !== undefined) r.error = error;
  return r;
}

export function toChild(row: {
  id: string;
  parent_seq: number | null;
  status: string;
  output: string | null;
  error: string | null;
  continued_to: string | null;
}): ChildRecord {
  const c: ChildRecord = { id: row.id, status: row.status as RunStatus };
  if (row.parent_seq !== null) c.parentSeq = row.parent_seq;
  if (row.output !== null) c.output = row.output;
  const error = parseError(row.error);
  if (error !== undefined) c.error = error;
  if (row.continued_to !== null) c.continuedTo = row.continued_to;
  return c;
}

/** A limited run as the flow-control claim reads it. */
export interface FlowCandidateRow {
  id: string;
  workflow: string;
  queue: string;
  status: string;
  claims: number;
  concurrency_key: string | null;
  concurrency_limit: number | null;
  rate_key: string | null;
  rate_limit: string | null;
}

export function toFlowCandidate(row: FlowCandidateRow): FlowCandidate {
  return {
    id: row.id,
    queue: row.queue,
    status: row.status,
    claims: row.claims,
    concurrencyKey: row.concurrency_key,
    concurrencyLimit: row.concurrency_limit,
    rateKey: row.rate_key,
    rate: row.rate_limit === null ? null : (JSON.parse(row.rate_limit) as RateLimit),
  };
}

export interface QueueRow {
  name: string;
  concurrency: number | null;
  rate_limit: string | null;
}

export function toQueueRecord(row: QueueRow): QueueRecord {
  const queue: QueueRecord = { name: row.name };
  if (row.concurrency !== null) queue.concurrency = row.concurrency;
  if (row.rate_limit !== null) queue.rateLimit = JSON.parse(row.rate_limit) as RateLimit;
  return queue;
}

export interface ScheduleRow {
  id: string;
  namespace: string;
  workflow: string;
  cron: string;
  timezone: string;
  input: string;
  overlap: string;
  catchup: string;
  catchup_limit: number;
  queue: string;
  priority: number;
  paused: number;
  source: string;
  next_at: number | null;
  last_tick_at: number | null;
  last_run_id: string | null;
  created_at: number;
  updated_at: number;
}

export function toScheduleRecord(row: ScheduleRow): ScheduleRecord {
  const schedule: ScheduleRecord = {
    id: row.id,
    namespace: row.namespace,
    workflow: row.workflow,
    cron: row.cron,
    timezone: row.timezone,
    input: row.input,
    overlap: row.overlap as ScheduleRecord['overlap'],
    catchup: row.catchup as ScheduleRecord['catchup'],
    catchupLimit: row.catchup_limit,
    queue: row.queue,
    priority: row.priority,
    paused: row.paused === 1,
    source: row.source === 'code' ? 'code' : 'api',
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.next_at !== null) schedule.nextAt = row.next_at;
  if (row.last_tick_at !== null) schedule.lastTickAt = row.last_tick_at;
  if (row.last_run_id !== null) schedule.lastRunId = row.last_run_id;
  return schedule;
}

/** A schedule's columns, in the order of SCHEDULE_COLUMNS. */
export const SCHEDULE_COLUMNS =
  'id, namespace, workflow, cron, timezone, input, overlap, catchup, catchup_limit, queue, priority, paused, source, next_at, last_tick_at, last_run_id, created_at, updated_at';

export function scheduleValues(s: ScheduleRecord): unknown[] {
  return [
    s.id,
    s.namespace,
    s.workflow,
    s.cron,
    s.timezone,
    s.input,
    s.overlap,
    s.catchup,
    s.catchupLimit,
    s.queue,
    s.priority,
    s.paused ? 1 : 0,
    s.source,
    s.nextAt ?? null,
    s.lastTickAt ?? null,
    s.lastRunId ?? null,
    s.createdAt,
    s.updatedAt,
  ];
}

/** The update part of a schedule upsert: a replaced schedule keeps its state unless its pattern or zone changed. */
export const SCHEDULE_UPSERT = `workflow = excluded.workflow, input = excluded.input, overlap = excluded.overlap, catchup = excluded.catchup,
  catchup_limit = excluded.catchup_limit, queue = excluded.queue, priority = excluded.priority, source = excluded.source,
  updated_at = excluded.updated_at,
  next_at = CASE WHEN schedules.paused = 1 THEN NULL
                 WHEN schedules.cron = excluded.cron AND schedules.timezone = excluded.timezone THEN schedules.next_at
                 ELSE excluded.next_at END,
  cron = excluded.cron, timezone = excluded.timezone`;

export function scheduleExists(id: string): BatonError {
  return new BatonError(ErrorCode.ScheduleExists, `A schedule with id '${id}' exists already: delete it first, or use another id.`, { retryable: false });
}

/** Schedule ids are unique across namespaces (a tick's run id is derived from the id): another namespace holds this one. */
export function scheduleIdTaken(id: string): BatonError {
  return new BatonError(
    ErrorCode.ScheduleExists,
    `The schedule id '${id}' is taken by a schedule of another namespace: schedule ids are unique across the deployment, so use another id.`,
    { retryable: false, details: { reason: 'other-namespace' } },
  );
}

export function scheduleNotFound(id: string): BatonError {
  return new BatonError(ErrorCode.ScheduleNotFound, `No schedule has id '${id}'.`, { retryable: false });
}

export interface EventRow {
  seq: number;
  namespace: string;
  id: string;
  type: string;
  source: string;
  subject: string | null;
  time: number;
  data: string;
  received_at: number;
}

export function toEventRecord(row: EventRow): EventRecord {
  const event: EventRecord = {
    seq: Number(row.seq),
    namespace: row.namespace,
    id: row.id,
    type: row.type,
    source: row.source,
    time: row.time,
    data: row.data,
    receivedAt: row.received_at,
  };
  if (row.subject !== null) event.subject = row.subject;
  return event;
}

export interface EventTriggerRow {
  namespace: string;
  workflow: string;
  type: string;
  match: string | null;
  input: string;
  queue: string;
  priority: number;
}

export function toEventTrigger(row: EventTriggerRow): EventTriggerRecord {
  const trigger: EventTriggerRecord = {
    namespace: row.namespace,
    workflow: row.workflow,
    type: row.type,
    input: row.input === 'data' ? 'data' : 'event',
    queue: row.queue,
    priority: row.priority,
  };
  if (row.match !== null) trigger.match = JSON.parse(row.match) as EventMatch;
  return trigger;
}

export interface EventWaitRow {
  run_id: string;
  namespace: string;
  seq: number;
  type: string;
  match: string | null;
}

export function toEventWait(row: EventWaitRow): EventWaitRecord {
  const wait: EventWaitRecord = { runId: row.run_id, namespace: row.namespace, seq: row.seq, type: row.type };
  if (row.match !== null) wait.match = JSON.parse(row.match) as EventMatch;
  return wait;
}

export interface ApiKeyRow {
  id: string;
  name: string;
  role: string;
  namespace: string;
  /** JSON list of further namespaces (`["*"]`: every one); null for a key of its own namespace only. */
  namespaces: string | null;
  hash: string;
  created_at: number;
  revoked_at: number | null;
}

export function toApiKeyRecord(row: ApiKeyRow): ApiKeyRecord {
  const key: ApiKeyRecord = {
    id: row.id,
    name: row.name,
    role: row.role as ApiKeyRecord['role'],
    namespace: row.namespace,
    hash: row.hash,
    createdAt: row.created_at,
  };
  if (row.namespaces !== null) key.namespaces = JSON.parse(row.namespaces) as string[];
  if (row.revoked_at !== null) key.revokedAt = row.revoked_at;
  return key;
}

export interface AuditRow {
  id: number | string;
  actor: string;
  namespace: string;
  action: string;
  target: string;
  result: string;
  detail: string | null;
  at: number | string;
}

export function toAuditRecord(row: AuditRow): AuditRecord {
  const record: AuditRecord = {
    id: Number(row.id),
    actor: row.actor,
    namespace: row.namespace,
    action: row.action,
    target: row.target,
    result: row.result,
    at: Number(row.at),
  };
  if (row.detail !== null) record.detail = row.detail;
  return record;
}

/** An audit entry as the column values of its insert, in AUDIT_COLUMNS order. */
export function auditValues(entry: AuditEntry): unknown[] {
  return [entry.actor, entry.namespace, entry.action, entry.target, entry.result, entry.detail ?? null, entry.at];
}
export const AUDIT_COLUMNS = 'actor, namespace, action, target, result, detail, at';

export interface ChangeRow {
  run_id: string;
  workflow: string;
  namespace: string;
  kind: string;
  status: string;
  seq: number | null;
  name: string | null;
  entry_kind: string | null;
  at: number | string;
}

export function toChangeRecord(row: ChangeRow, cursor: string): ChangeRecord {
  const change: ChangeRecord = {
    cursor,
    runId: row.run_id,
    workflow: row.workflow,
    namespace: row.namespace,
    kind: row.kind === 'entry' ? 'entry' : 'run',
    status: row.status,
    at: Number(row.at),
  };
  if (row.seq !== null) change.seq = row.seq;
  if (row.name !== null) change.name = row.name;
  if (row.entry_kind !== null) change.entryKind = row.entry_kind;
  return change;
}

/** `text` as a LIKE pattern that matches it literally (backslash escapes). */
export function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Queued runs of one queue (in one namespace, for the stats query), as a count query counts them. */
export interface StatsQueueRow {
  namespace?: string;
  queue: string;
  queued: number;
  oldest_created_at: number;
  oldest_ready_at: number | null;
}

export interface StatsCountRow {
  running: number;
  expired: number;
  waiting: number;
  waiting_for_signal: number;
}

/** The store's stats from its count queries: every defined queue listed, queues in name order. */
/** Queued runs per queue, with defined queues at zero, by name. */
export function toQueueStats(queued: StatsQueueRow[], defined: { name: string }[]): QueueStats[] {
  const queues = new Map<string, QueueStats>(defined.map((q) => [q.name, { queue: q.name, queued: 0 }]));
  for (const row of queued) {
    const stats: QueueStats = { queue: row.queue, queued: Number(row.queued), oldestCreatedAt: Number(row.oldest_created_at) };
    if (row.oldest_ready_at !== null) stats.oldestReadyAt = Number(row.oldest_ready_at);
    queues.set(row.queue, stats);
  }
  return [...queues.values()].sort((a, b) => (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : 0));
}

/** One namespace-and-queue row of the stats query as stats. */
function toNamespaceQueueStats(row: StatsQueueRow): NamespaceQueueStats {
  const stats: NamespaceQueueStats = {
    namespace: row.namespace ?? 'default',
    queue: row.queue,
    queued: Number(row.queued),
    oldestCreatedAt: Number(row.oldest_created_at),
  };
  if (row.oldest_ready_at !== null) stats.oldestReadyAt = Number(row.oldest_ready_at);
  return stats;
}

/** Rows per namespace and queue folded into one row per queue: counts added, oldest times the earliest. */
function perQueue(rows: StatsQueueRow[]): StatsQueueRow[] {
  const queues = new Map<string, StatsQueueRow>();
  for (const row of rows) {
    const seen = queues.get(row.queue);
    if (seen === undefined) {
      queues.set(row.queue, {
        queue: row.queue,
        queued: Number(row.queued),
        oldest_created_at: Number(row.oldest_created_at),
        oldest_ready_at: row.oldest_ready_at,
      });
      continue;
    }
    seen.queued += Number(row.queued);
    seen.oldest_created_at = Math.min(seen.oldest_created_at, Number(row.oldest_created_at));
    if (row.oldest_ready_at !== null)
      seen.oldest_ready_at = seen.oldest_ready_at === null ? Number(row.oldest_ready_at) : Math.min(Number(seen.oldest_ready_at), Number(row.oldest_ready_at));
  }
  return [...queues.values()];
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The store's stats from its count queries; `queued` has one row per namespace and queue. */
export function toStoreStats(queued: StatsQueueRow[], defined: { name: string }[], counts: StatsCountRow): StoreStats {
  return {
    queues: toQueueStats(perQueue(queued), defined),
    namespaceQueues: queued.map(toNamespaceQueueStats).sort((a, b) => byText(a.namespace, b.namespace) || byText(a.queue, b.queue)),
    running: Number(counts.running),
    waiting: Number(counts.waiting),
    waitingForSignal: Number(counts.waiting_for_signal),
    expiredLeases: Number(counts.expired),
  };
}
