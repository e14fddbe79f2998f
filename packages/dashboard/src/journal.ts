/**
 * Reading a run's journal for the views: which entries are operations worth drawing, how they group
 * into stages (entries whose times overlap ran in parallel: `Promise.all` over steps), the time span
 * a timeline covers, the LLM calls among step outputs, the compensations (saga) and the steps they
 * undo, and the child run each child entry answered.
 */
import type { ApiJournalEntry, ApiRun } from '@baton/server/client';

/** Journaled values (`ctx.now()`, `ctx.random()`, `ctx.uuid()`, patches): listed, not drawn. */
export const VALUE_KINDS: ReadonlySet<string> = new Set(['now', 'random', 'uuid', 'patch']);

export function drawnEntries(journal: readonly ApiJournalEntry[]): ApiJournalEntry[] {
  return journal.filter((entry) => !VALUE_KINDS.has(entry.kind)).sort((a, b) => a.seq - b.seq);
}

export interface Stage {
  /** One entry, or several that ran at the same time (parallel branches). */
  entries: ApiJournalEntry[];
}

/** Consecutive entries (by position) that overlap in time share a stage. */
export function stagesOf(entries: readonly ApiJournalEntry[]): Stage[] {
  const stages: Stage[] = [];
  let current: { stage: Stage; start: number; end: number } | undefined;
  for (const entry of entries) {
    const start = Date.parse(entry.startedAt);
    const end = Date.parse(entry.endedAt);
    // Steps started in the same millisecond were started together (Promise.all), even if one took none.
    // Child, signal and event entries are stamped when they are answered: only a true overlap counts.
    const together = start === current?.start && entry.kind === 'step' && current.stage.entries.every((e) => e.kind === 'step');
    if (current !== undefined && (start < current.end || together) && entry.kind !== 'compensation') {
      current.stage.entries.push(entry);
      current.end = Math.max(current.end, end);
    } else {
      current = { stage: { entries: [entry] }, start, end };
      stages.push(current.stage);
    }
  }
  return stages;
}

/**
 * When an entry ran, for the timeline: a child run's entry is written when the child ends, so the
 * child's own start and end stand for it when the child is known.
 */
export function entryTimes(entry: ApiJournalEntry, child: ApiRun | undefined): { start: number; end: number } {
  if (child !== undefined && child.endedAt !== undefined) return { start: Date.parse(child.startedAt ?? child.createdAt), end: Date.parse(child.endedAt) };
  return { start: Date.parse(entry.startedAt), end: Date.parse(entry.endedAt) };
}

export interface Span {
  start: number;
  end: number;
}

/** From the run's start to its end (or now, while it goes on), covering every entry. */
export function timeSpan(run: ApiRun, entries: readonly ApiJournalEntry[], now: number): Span {
  let start = Date.parse(run.startedAt ?? run.createdAt);
  let end = run.endedAt === undefined ? now : Date.parse(run.endedAt);
  for (const entry of entries) {
    start = Math.min(start, Date.parse(entry.startedAt));
    end = Math.max(end, Date.parse(entry.endedAt));
  }
  return { start, end: Math.max(end, start + 1) };
}

/** A model call's result as journaled by `ctx.llm` / `ctx.agent` (`kind: 'baton.llm'`). */
export interface LlmOutput {
  kind: 'baton.llm';
  text?: string;
  object?: unknown;
  toolCalls?: { id: string; name: string; input: unknown }[];
  model?: string;
  usage?: { inputTokens?: number; outputTokens?: number; totalTokens?: number };
  costUsd?: number;
  priced?: boolean;
  cached?: boolean;
  failures?: { model: string; code?: string; status?: number; message: string }[];
  finishReason?: string;
  /** What was sent to the model that answered (its last round): the system text and the messages. */
  request?: { system?: string; messages?: LlmMessage[] };
}

/** A message of a model call's prompt (the AI SDK's shape): a text, or parts (text, tool calls, tool results). */
export interface LlmMessage {
  role: string;
  content: string | readonly Record<string, unknown>[];
}

/** The model call an entry journaled, if it is one (`ctx.llm` journals its prompt under `request`). */
export function llmOutputOf(entry: ApiJournalEntry): LlmOutput | undefined {
  const output = entry.output as { kind?: unknown } | null | undefined;
  if (output === null || typeof output !== 'object' || output.kind !== 'baton.llm') return undefined;
  return output as LlmOutput;
}

/**
 * Whether a model call's cost is unknown: its model has no price (`priced: false`; its `costUsd` is
 * then 0, which is not what it cost). A cache hit cost nothing, whatever its model.
 */
export function unpriced(llm: LlmOutput): boolean {
  return llm.priced === false && llm.cached !== true;
}

/** What every model call of the journal cost, with their tokens; `unpriced` calls have no known cost. */
export function llmTotals(journal: readonly ApiJournalEntry[]): { calls: number; costUsd: number; tokens: number; unpriced: number } | undefined {
  let calls = 0;
  let costUsd = 0;
  let tokens = 0;
  let unpricedCalls = 0;
  for (const entry of journal) {
    const llm = llmOutputOf(entry);
    if (llm === undefined) continue;
    calls++;
    if (unpriced(llm)) unpricedCalls++;
    else costUsd += llm.costUsd ?? 0;
    tokens += llm.usage?.totalTokens ?? 0;
  }
  return calls === 0 ? undefined : { calls, costUsd, tokens, unpriced: unpricedCalls };
}

/**
 * The child run each `child` entry started, by the entry's position: the child run records it
 * (`parentSeq`). A child that continued as new is followed to the last run of its chain, whose end
 * the entry records.
 */
export function childRunsOf(run: ApiRun, children: readonly ApiRun[]): Map<number, ApiRun> {
  const byId = new Map(children.map((child) => [child.id, child]));
  const linked = new Map<number, ApiRun>();
  for (const child of children) {
    if (child.parentId !== run.id || child.parentSeq === undefined || (child.continuedFrom !== undefined && byId.has(child.continuedFrom))) continue;
    let last = child;
    for (let hops = 0; last.continuedTo !== undefined && byId.has(last.continuedTo) && hops < 1000; hops++) last = byId.get(last.continuedTo)!;
    linked.set(child.parentSeq, last);
  }
  return linked;
}

/** A compensation (saga) entry and the step it undid. */
export interface Compensation {
  entry: ApiJournalEntry;
  /** The step's entry (absent only from a journal cut short). */
  step: ApiJournalEntry | undefined;
}

/** The compensations the run has journaled, in the order they ran (the undone steps', latest first). */
export function compensationsOf(journal: readonly ApiJournalEntry[]): Compensation[] {
  const bySeq = new Map(journal.map((entry) => [entry.seq, entry]));
  return journal
    .filter((entry) => entry.kind === 'compensation')
    .sort((a, b) => a.seq - b.seq)
    .map((entry) => ({ entry, step: entry.compensates === undefined ? undefined : bySeq.get(entry.compensates) }));
}

/** Each undone step's position, with the compensation that undid it (or failed to). */
export function undoneSteps(journal: readonly ApiJournalEntry[]): Map<number, ApiJournalEntry> {
  const undone = new Map<number, ApiJournalEntry>();
  for (const entry of journal) if (entry.kind === 'compensation' && entry.compensates !== undefined) undone.set(entry.compensates, entry);
  return undone;
}

/** The name a compensation undoes: its entry is named `compensate:<step>`. */
export function compensatedName(entry: ApiJournalEntry): string {
  return entry.name.startsWith('compensate:') ? entry.name.slice('compensate:'.length) : entry.name;
}

export const KIND_LABELS: Record<string, string> = {
  step: 'step',
  sleep: 'sleep',
  signal: 'signal',
  event: 'event',
  child: 'child run',
  compensation: 'compensation',
  now: 'now()',
  random: 'random()',
  uuid: 'uuid()',
  patch: 'patch',
  escalation: 'escalation',
};

/**
 * What an escalation did, in words, for its journal entry ("escalated to legal at …" is the inbox's;
 * here the entry's own time shows beside it), and "decided by default" for a wait that a `decide`
 * stage ended; undefined for other entries.
 */
export function escalationNote(entry: ApiJournalEntry): string | undefined {
  if (entry.kind === 'signal') {
    const input = entry.input as { decidedBy?: unknown } | undefined;
    return input?.decidedBy === 'escalation' ? 'decided by default' : undefined;
  }
  if (entry.kind !== 'escalation') return undefined;
  const output = (entry.output ?? {}) as { to?: string; channels?: string[]; undelivered?: string[] };
  if (entry.name === 'reassign') return `escalated to ${output.to ?? '?'}`;
  if (entry.name === 'remind') return 'reminded';
  if (entry.name === 'notify') return `notified ${(output.channels ?? []).join(', ')}`;
  return 'decided by default';
}
