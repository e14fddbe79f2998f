/**
 * Runs and journal entries as clients see them: payloads decoded, times as Dates, errors as plain
 * objects with their cause chain. The client, the inbox and the CLI all show runs in these shapes.
 */
import { fromStoredError } from '../engine/stored-errors.js';
import type { PayloadCodec } from '../payload/payload-codec.js';
import type { JournalEntry, PlannedCompensation, RunRecord, RunStatus, StoredError } from '../store/records.js';

export interface RunError {
  name: string;
  message: string;
  code?: string;
  /** The error that caused this one (e.g. the application error under BATON_STEP_FAILED). */
  cause?: RunError;
}

/** A run as clients see it: payloads decoded, times as Dates. */
export interface RunInfo {
  id: string;
  workflow: string;
  version: string;
  status: RunStatus;
  input: unknown;
  output?: unknown;
  error?: RunError;
  progress?: unknown;
  queue: string;
  priority: number;
  parentId?: string;
  /** For a child run: the position of the entry that started it in its parent's journal. */
  parentSeq?: number;
  continuedFrom?: string;
  continuedTo?: string;
  cancelRequested: boolean;
  compensating: boolean;
  /** For a run that compensated: the steps it undoes (or undid), latest first, from when compensation began. */
  compensationPlan?: PlannedCompensation[];
  wakeAt?: Date;
  waitingFor?: { signals: string[]; children: string[] };
  claims: number;
  namespace: string;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
  startedAt?: Date;
  endedAt?: Date;
}

export interface JournalEntryInfo {
  seq: number;
  kind: JournalEntry['kind'];
  name: string;
  status: JournalEntry['status'];
  /** What the operation worked on (a step's `input` option, a compensation's step result), decoded. */
  input?: unknown;
  output?: unknown;
  error?: RunError;
  attempts: number;
  startedAt: Date;
  endedAt: Date;
  durationMs: number;
  compensates?: number;
}

/** A stored run as a client shows it; a payload the codec cannot decode is shown as its text. */
export function runInfo(run: RunRecord, codec: PayloadCodec): RunInfo {
  const info: RunInfo = {
    id: run.id,
    workflow: run.workflow,
    version: run.version,
    status: run.status,
    input: safeDecode(run.input, codec),
    queue: run.queue,
    priority: run.priority,
    cancelRequested: run.cancelRequested,
    compensating: run.phase === 'compensating',
    claims: run.claims,
    namespace: run.namespace,
    tags: run.tags,
    createdAt: new Date(run.createdAt),
    updatedAt: new Date(run.updatedAt),
  };
  if (run.output !== undefined) info.output = safeDecode(run.output, codec);
  if (run.error !== undefined) info.error = plainError(run.error, codec);
  if (run.progress !== undefined) info.progress = safeDecode(run.progress, codec);
  if (run.parentId !== undefined) info.parentId = run.parentId;
  if (run.parentSeq !== undefined) info.parentSeq = run.parentSeq;
  if (run.continuedFrom !== undefined) info.continuedFrom = run.continuedFrom;
  if (run.continuedTo !== undefined) info.continuedTo = run.continuedTo;
  if (run.compensationPlan !== undefined) info.compensationPlan = run.compensationPlan;
  if (run.wakeAt !== undefined && run.status === 'waiting') info.wakeAt = new Date(run.wakeAt);
  if (run.waits !== undefined && run.status === 'waiting') info.waitingFor = { signals: run.waits.signals, children: run.waits.children };
  if (run.startedAt !== undefined) info.startedAt = new Date(run.startedAt);
  if (run.endedAt !== undefined) info.endedAt = new Date(run.endedAt);
  return info;
}

/** A journal entry as a client shows it. */
export function journalEntryInfo(e: JournalEntry, codec: PayloadCodec): JournalEntryInfo {
  const info: JournalEntryInfo = {
    seq: e.seq,
    kind: e.kind,
    name: e.name,
    status: e.status,
    attempts: e.attempts,
    startedAt: new Date(e.startedAt),
    endedAt: new Date(e.endedAt),
    durationMs: e.endedAt - e.startedAt,
  };
  if (e.input !== undefined) info.input = safeDecode(e.input, codec);
  if (e.output !== undefined) info.output = safeDecode(e.output, codec);
  if (e.error !== undefined) info.error = plainError(e.error, codec);
  if (e.compensates !== undefined) info.compensates = e.compensates;
  return info;
}

function safeDecode(text: string | undefined, codec: PayloadCodec): unknown {
  // A spilled payload is shown as where it is; GET /api/blobs/{id} downloads it.
  const blobId = codec.spilledBlobId(text);
  if (blobId !== undefined)
    return { $blob: { id: blobId, size: (JSON.parse(text as string) as { v: { size: number } }).v.size, contentType: 'application/json' } };
  try {
    return codec.decode(text);
  } catch {
    return text;
  }
}

function plainError(e: StoredError, codec: PayloadCodec): RunError {
  const out: RunError = { name: e.name, message: e.message };
  if (e.code !== undefined) out.code = e.code;
  const cause = causeChain(fromStoredError(codec, e).cause, 0);
  if (cause !== undefined) out.cause = cause;
  return out;
}

function causeChain(error: unknown, depth: number): RunError | undefined {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  const e = error as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
  const out: RunError = { name: String(e.name ?? 'Error'), message: String(e.message ?? '') };
  if (typeof e.code === 'string') out.code = e.code;
  const cause = causeChain(e.cause, depth + 1);
  if (cause !== undefined) out.cause = cause;
  return out;
}
