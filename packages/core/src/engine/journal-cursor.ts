/**
 * Replay positions. Every ctx operation takes the next position when it is called; the cursor
 * answers what the previous executions recorded there (a journal entry, or an operation the run
 * was waiting at) and detects code that asks for something else (non-determinism).
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { EntryKind, JournalEntry, RunRecord, StepRetryRecord } from '../store/records.js';

const BODY_KINDS: ReadonlySet<EntryKind> = new Set(['step', 'sleep', 'signal', 'child', 'now', 'random', 'uuid', 'patch', 'escalation']);

interface Operation {
  kind: EntryKind;
  name: string;
}

export class JournalCursor {
  readonly #runId: string;
  readonly #workflow: string;
  readonly #journal = new Map<number, JournalEntry>();
  readonly #pending = new Map<number, Operation>();
  readonly #timers: Record<string, number>;
  readonly #visited = new Set<number>();
  readonly #maxJournalSeq: number;
  /** The highest position earlier executions are known to have reached (journal, waits, retries). */
  readonly #maxKnownSeq: number;
  #next = 1;
  /** Told of every position taken that has a journal entry (a replay debugger stops there). */
  onReplayed: ((seq: number, entry: JournalEntry) => void) | undefined;

  constructor(run: RunRecord, journal: JournalEntry[], retries: StepRetryRecord[]) {
    this.#runId = run.id;
    this.#workflow = run.workflow;
    let max = 0;
    for (const entry of journal) {
      this.#journal.set(entry.seq, entry);
      if (entry.seq > max) max = entry.seq;
    }
    this.#maxJournalSeq = max;
    for (const p of run.waits?.pending ?? []) this.#pending.set(p.seq, { kind: p.kind, name: p.name });
    this.#timers = run.waits?.timers ?? {};
    this.#maxKnownSeq = Math.max(max, ...this.#pending.keys(), ...retries.map((r) => r.seq));
  }

  /** The journal entries earlier executions recorded. */
  entries(): Iterable<JournalEntry> {
    return this.#journal.values();
  }

  /** Takes the next position; throws BATON_NON_DETERMINISM if earlier executions had another operation there. */
  take(kind: EntryKind, name: string): { seq: number; entry: JournalEntry | undefined } {
    const seq = this.#next++;
    const entry = this.#journal.get(seq);
    const recorded: Operation | undefined = entry ?? this.#pending.get(seq);
    if (recorded !== undefined && (recorded.kind !== kind || recorded.name !== name)) {
      throw this.nonDeterminism(seq, `${recorded.kind} '${recorded.name}'`, `${kind} '${name}'`);
    }
    if (entry !== undefined) {
      this.#visited.add(seq);
      this.onReplayed?.(seq, entry);
    }
    return { seq, entry };
  }

  /**
   * For `ctx.patched(id)`: 'new' when the run reaches this point on new code (a marker is to be
   * journaled at `seq`), 'old' when earlier executions passed it on old code, 'replayed' when the
   * marker is already journaled. Only 'new' and 'replayed' take the position.
   */
  patch(id: string): { state: 'new' | 'old' | 'replayed'; seq: number } {
    const seq = this.#next;
    const entry = this.#journal.get(seq);
    if (entry?.kind === 'patch' && entry.name === id) {
      this.#next++;
      this.#visited.add(seq);
      this.onReplayed?.(seq, entry);
      return { state: 'replayed', seq };
    }
    // Inside the recorded history (including a gap left by an operation that never finished) the
    // old code was here; past its end this is new code.
    if (entry !== undefined || this.#pending.has(seq) || seq <= this.#maxKnownSeq) return { state: 'old', seq };
    this.#next++;
    return { state: 'new', seq };
  }

  /** How many positions the code has taken so far. */
  get taken(): number {
    return this.#next - 1;
  }

  /** True once the code has taken every position earlier executions are known to have reached. */
  get reachedKnown(): boolean {
    return this.#next > this.#maxKnownSeq;
  }

  /** True while the code is still inside what earlier executions recorded. */
  get replaying(): boolean {
    return this.#next <= this.#maxKnownSeq;
  }

  /** The deadline a timer at `seq` was given by an earlier execution. */
  timer(seq: number): number | undefined {
    return this.#timers[String(seq)];
  }

  /** The first recorded body operation the code never asked for (checked when the workflow returns). */
  unvisited(): JournalEntry | undefined {
    for (const [seq, entry] of this.#journal) if (BODY_KINDS.has(entry.kind) && !this.#visited.has(seq)) return entry;
    return undefined;
  }

  isCompensated(seq: number): boolean {
    for (const entry of this.#journal.values()) if (entry.kind === 'compensation' && entry.compensates === seq) return true;
    return false;
  }

  /** Records an entry written by this execution where later lookups need it (compensations). */
  add(entry: JournalEntry): void {
    this.#journal.set(entry.seq, entry);
  }

  /** The last position used by anyone so far: compensations are appended after it. */
  lastSeq(): number {
    let max = Math.max(this.#maxJournalSeq, this.#next - 1);
    for (const seq of this.#journal.keys()) if (seq > max) max = seq;
    return max;
  }

  nonDeterminism(seq: number, recorded: string, requested: string): BatonError {
    return new BatonError(
      ErrorCode.NonDeterminism,
      `Non-determinism in run ${this.#runId} of '${this.#workflow}': at position ${seq} the journal holds ${recorded} but the code now asks for ${requested}. The journal was not changed. Make the code take the same path for runs already past this point (ctx.patched() helps), then resume the run.`,
      { runId: this.#runId, retryable: false, details: { seq, journaled: recorded, requested } },
    );
  }
}
