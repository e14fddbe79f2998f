/**
 * The replay file: one run's history as a JSON document, `{ format: 'baton.replay/1', run, journal,
 * stepRetries?, exportedAt, bakedWith?, redacted? }`. `run` is the run's record as the store keeps it
 * (payloads encoded, times in epoch ms; lease fields left out), `journal` its entries without the
 * repeated run id. `baton replay --export` writes these files, `GET /api/runs/{id}/history` answers
 * one, and `baton replay --from` and `replayRun` read them back, so a deploy check can run where the
 * database is out of reach. Parsing refuses a file that is not one with BATON_INVALID_REPLAY_FILE
 * naming the problem and where it is.
 */
import { z } from 'zod';
import { BatonError, ErrorCode } from '../errors/errors.js';
import { EntryKind, RunPhase, RunStatus, type JournalEntry, type RunRecord, type StepRetryRecord, type StoredError } from '../store/records.js';
import { redactError, redactPayload } from './replay-redact.js';
import type { ReplayInput } from './replay-run.js';

export const REPLAY_FILE_FORMAT = 'baton.replay/1';

/** A run's record as a replay file holds it: as stored, without its lease. */
export type ReplayFileRun = Omit<RunRecord, 'leaseOwner' | 'leaseExpiresAt'>;

export interface ReplayFile {
  format: typeof REPLAY_FILE_FORMAT;
  run: ReplayFileRun;
  /** The journal in order, each entry without `runId` (it is `run.id`). */
  journal: Omit<JournalEntry, 'runId'>[];
  /** Failed attempts of steps the run is still retrying, when known. */
  stepRetries?: StepRetryRecord[];
  /** When the file was written (ISO 8601). */
  exportedAt: string;
  /** The Baton version that wrote it. */
  bakedWith?: string;
  /** True when payloads were replaced by placeholders (see replay-redact.ts). */
  redacted?: boolean;
}

export interface ReplayFileOptions {
  exportedAt?: Date;
  bakedWith?: string;
  /** Replace payload values by placeholders of the same type and shape. */
  redact?: boolean;
}

/** The replay file of a run's history. */
export function replayFileOf(input: ReplayInput, options: ReplayFileOptions = {}): ReplayFile {
  const { leaseOwner: _owner, leaseExpiresAt: _expires, ...stored } = input.run;
  const redact = options.redact === true;
  const run: ReplayFileRun = redact ? redactRun(stored) : stored;
  const journal = input.journal.map(({ runId: _runId, ...entry }) => (redact ? redactEntry(entry) : entry));
  const file: ReplayFile = { format: REPLAY_FILE_FORMAT, run, journal, exportedAt: (options.exportedAt ?? new Date()).toISOString() };
  if (input.stepRetries !== undefined && input.stepRetries.length > 0) {
    file.stepRetries = redact ? input.stepRetries.map((r) => (r.error === undefined ? r : { ...r, error: redactError(r.error) })) : input.stepRetries;
  }
  if (options.bakedWith !== undefined) file.bakedWith = options.bakedWith;
  if (redact) file.redacted = true;
  return file;
}

/** What `replayRun` takes, from a parsed file. */
export function replayInputOf(file: ReplayFile): ReplayInput {
  const run: RunRecord = { ...file.run };
  const journal: JournalEntry[] = file.journal.map((entry) => ({ ...entry, runId: run.id }));
  return file.stepRetries === undefined ? { run, journal } : { run, journal, stepRetries: file.stepRetries };
}

/** Parses a replay file's text; `name` (its path) goes into the error. Throws BATON_INVALID_REPLAY_FILE. */
export function parseReplayFile(text: string, name = 'replay file'): ReplayFile {
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidFile(name, `it is not JSON (${(error as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw invalidFile(name, 'it is not a JSON object');
  const format = (json as { format?: unknown }).format;
  if (format !== REPLAY_FILE_FORMAT) {
    throw invalidFile(name, `its format is ${JSON.stringify(format)}, not "${REPLAY_FILE_FORMAT}" (write it with baton replay --export)`);
  }
  const parsed = ReplayFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.map(String).join('.')}`;
    throw invalidFile(name, `${issue?.message ?? 'it does not match the format'}${where}`);
  }
  const file = parsed.data as ReplayFile;
  let previous = 0;
  for (const entry of file.journal) {
    if (entry.seq <= previous) throw invalidFile(name, `its journal is out of order at position ${entry.seq}`);
    previous = entry.seq;
  }
  return file;
}

function invalidFile(name: string, problem: string): BatonError {
  return new BatonError(ErrorCode.InvalidReplayFile, `${name} is not a replay file: ${problem}.`, { retryable: false, details: { file: name } });
}

function redactRun(run: ReplayFileRun): ReplayFileRun {
  const out: ReplayFileRun = { ...run, input: redactPayload(run.input) };
  if (run.output !== undefined) out.output = redactPayload(run.output);
  if (run.progress !== undefined) out.progress = redactPayload(run.progress);
  if (run.error !== undefined) out.error = redactError(run.error);
  if (run.cancelReason !== undefined) out.cancelReason = redactError(run.cancelReason);
  return out;
}

function redactEntry(entry: Omit<JournalEntry, 'runId'>): Omit<JournalEntry, 'runId'> {
  const out = { ...entry };
  if (entry.input !== undefined) out.input = redactPayload(entry.input);
  if (entry.output !== undefined) out.output = redactPayload(entry.output);
  if (entry.error !== undefined) out.error = redactError(entry.error);
  return out;
}

const time = z.number().finite();
const count = z.number().int().nonnegative();
const StoredErrorSchema: z.ZodType<StoredError> = z.object({
  name: z.string(),
  message: z.string(),
  code: z.string().optional(),
  encoded: z.string().optional(),
});
const entryKind = z.enum(Object.values(EntryKind) as [EntryKind, ...EntryKind[]]);

const RunSchema = z.object({
  id: z.string().min(1),
  workflow: z.string().min(1),
  version: z.string().min(1),
  status: z.enum(Object.values(RunStatus) as [RunStatus, ...RunStatus[]]),
  input: z.string(),
  output: z.string().optional(),
  error: StoredErrorSchema.optional(),
  queue: z.string(),
  priority: z.number(),
  parentId: z.string().optional(),
  parentSeq: count.optional(),
  continuedFrom: z.string().optional(),
  continuedTo: z.string().optional(),
  progress: z.string().optional(),
  cancelRequested: z.boolean(),
  cancelReason: StoredErrorSchema.optional(),
  phase: z.enum(Object.values(RunPhase) as [RunPhase, ...RunPhase[]]),
  endStatus: z.enum(Object.values(RunStatus) as [RunStatus, ...RunStatus[]]).optional(),
  compensationPlan: z.array(z.object({ seq: count, name: z.string() })).optional(),
  wakeAt: time.optional(),
  waits: z
    .object({
      signals: z.array(z.string()),
      children: z.array(z.string()),
      timers: z.record(z.string(), time),
      pending: z.array(z.object({ seq: count, kind: entryKind, name: z.string(), since: time.optional() })).optional(),
      since: time.optional(),
    })
    .optional(),
  claims: count,
  concurrencyKey: z.string().optional(),
  concurrencyLimit: z.number().optional(),
  rateKey: z.string().optional(),
  rateLimit: z.object({ limit: z.number(), periodMs: z.number(), burst: z.number().optional() }).optional(),
  namespace: z.string(),
  tags: z.array(z.string()),
  createdAt: time,
  updatedAt: time,
  startedAt: time.optional(),
  endedAt: time.optional(),
});

const EntrySchema = z.object({
  seq: z.number().int().positive(),
  kind: entryKind,
  name: z.string(),
  status: z.enum(['completed', 'failed']),
  input: z.string().optional(),
  output: z.string().optional(),
  error: StoredErrorSchema.optional(),
  attempts: count,
  startedAt: time,
  endedAt: time,
  compensates: count.optional(),
});

const ReplayFileSchema = z.object({
  format: z.literal(REPLAY_FILE_FORMAT),
  run: RunSchema,
  journal: z.array(EntrySchema),
  stepRetries: z.array(z.object({ seq: count, attempts: count, nextAttemptAt: time, error: StoredErrorSchema.optional() })).optional(),
  exportedAt: z.string(),
  bakedWith: z.string().optional(),
  redacted: z.boolean().optional(),
});
