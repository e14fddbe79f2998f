/**
 * Runs the escalation policy of one signal wait. Each stage has a journal position of its own, taken
 * right after the wait's; a stage waits on a durable timer at its position (so a waiting run costs no
 * worker memory and any worker fires it once it is due), and once done it is journaled there together
 * with its audit entry, in one write fenced by the run's lease: a stage happens once, whichever worker
 * fires it. Stage times count from when the wait began, which every stage's entry records, so replay
 * and other workers compute the same times. An answer (or the wait's own timeout) stops the stages.
 * A reassign stage also claims the task in the inbox for its new assignee (claimed by `escalation`).
 */
import type { JournalEntry, WaitEscalation } from '../store/records.js';
import type { AuditEntry } from '../store/activity.js';
import type { Notification } from '../notify/notifier.js';
import { Severity } from '../notify/notifier.js';
import type { RunState, Wait } from '../engine/run-state.js';
import type { ResolvedStage } from './escalation-policy.js';
import type { ZodType } from 'zod';
import { ErrorCode } from '../errors/errors.js';
import { validate } from '../errors/validation.js';

/** The actor that escalation's changes are audited under. */
export const ESCALATION_ACTOR = 'escalation';

/** What a stage's journal entry records. */
interface StageRecord {
  action: ResolvedStage['action'];
  /** When the wait began and when this stage was due. */
  began: number;
  due: number;
  to?: string;
  channels?: string[];
  /** For remind and notify: the channels that did not take the notification. */
  undelivered?: string[];
}

export interface EscalationHooks {
  /** True while the wait is still open (no answer, no timeout). */
  open(): boolean;
  /** Ends the wait with a `decide` stage's value (journaled at the wait's own position with the stage). */
  decide(value: unknown, stageEntry: JournalEntry, audit: AuditEntry): Promise<void>;
}

export class SignalEscalation {
  readonly #s: RunState;
  readonly #seq: number;
  readonly #signal: string;
  readonly #stages: ResolvedStage[];
  /** The journal entry of each stage's position, where it has happened. */
  readonly #entries: (JournalEntry | undefined)[];
  readonly #state: WaitEscalation;
  #hooks: EscalationHooks | undefined;
  #pending: { seq: number; wait: Wait } | undefined;
  #stopped = false;

  /** Takes the positions of the stages, right after the wait's own position `seq`; `now` is when the wait was asked for. */
  constructor(s: RunState, seq: number, signal: string, stages: ResolvedStage[], now: number) {
    this.#s = s;
    this.#seq = seq;
    this.#signal = signal;
    this.#stages = stages;
    this.#entries = stages.map((stage) => s.cursor.take('escalation', stage.action).entry);
    const began = this.#began(now);
    this.#state = { signal, seq, began, stages: [] };
    for (const entry of this.#entries) {
      if (entry === undefined || entry.status !== 'completed') continue;
      const record = s.env.codec.decode(entry.output) as StageRecord;
      this.#state.stages.push(eventOf(record, entry.endedAt));
      if (record.action === 'reassign' && record.to !== undefined) this.#state.assignee = record.to;
    }
  }

  /** Begins (or goes on with) the stages still to come. */
  start(hooks: EscalationHooks): void {
    this.#hooks = hooks;
    this.#s.escalations.set(this.#seq, this.#state);
    this.#next();
  }

  /** The answer came or the wait timed out: later stages never happen. */
  stop(): void {
    this.#stopped = true;
    this.#s.escalations.delete(this.#seq);
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending !== undefined && this.#s.waits.get(pending.seq) === pending.wait) {
      pending.wait.timer?.cancel();
      this.#s.waits.delete(pending.seq);
    }
  }

  #position(index: number): number {
    return this.#seq + 1 + index;
  }

  /** When the wait began: recorded by any stage that happened, else by the timer of the next one, else now. */
  #began(now: number): number {
    for (const entry of this.#entries) if (entry?.status === 'completed') return (this.#s.env.codec.decode(entry.output) as StageRecord).began;
    const index = this.#entries.findIndex((e) => e === undefined);
    const timer = index < 0 ? undefined : this.#s.cursor.timer(this.#position(index));
    return timer === undefined ? now : timer - this.#stages[index]!.afterMs;
  }

  #next(): void {
    const s = this.#s;
    if (this.#stopped || s.mode !== 'live') return;
    const index = this.#entries.findIndex((e) => e === undefined);
    if (index < 0) {
      delete this.#state.next;
      return;
    }
    const stage = this.#stages[index]!;
    const seq = this.#position(index);
    const due = s.cursor.timer(seq) ?? this.#state.began + stage.afterMs;
    this.#state.next = { action: stage.action, at: due };
    if (due <= s.env.clock.now()) {
      void this.#fire(index, due);
      return;
    }
    const wait: Wait = { kind: 'timer', op: { kind: 'escalation', name: stage.action }, until: due };
    this.#pending = { seq, wait };
    void s.wait(seq, wait, () => {
      this.#pending = undefined;
      void this.#fire(index, due);
    });
  }

  async #fire(index: number, due: number): Promise<void> {
    const s = this.#s;
    const hooks = this.#hooks!;
    const stage = this.#stages[index]!;
    const seq = this.#position(index);
    // Counted as running, so the run does not suspend while the stage is under way.
    s.active++;
    try {
      await s.barrier();
      if (this.#stopped || s.mode !== 'live' || !hooks.open()) return;
      const startedAt = s.env.clock.now();
      const record: StageRecord = { action: stage.action, began: this.#state.began, due };
      if (stage.action === 'reassign') record.to = stage.to;
      if (stage.action === 'remind' || stage.action === 'notify') {
        record.channels = stage.channels;
        const undelivered = await this.#notify(stage, index, due);
        if (undelivered.length > 0) record.undelivered = undelivered;
        if (this.#stopped || s.mode !== 'live' || !hooks.open()) return;
      }
      const now = s.env.clock.now();
      const entry: JournalEntry = {
        runId: s.runId,
        seq,
        kind: 'escalation',
        name: stage.action,
        status: 'completed',
        output: s.env.codec.encode(record, `escalation stage ${index} of run ${s.runId}`),
        attempts: 1,
        startedAt,
        endedAt: now,
      };
      const audit: AuditEntry = {
        actor: ESCALATION_ACTOR,
        namespace: s.run.namespace,
        action: `escalation.${stage.action}`,
        target: s.runId,
        result: 'ok',
        detail: JSON.stringify({
          signal: this.#signal,
          stage: index,
          ...(record.to === undefined ? {} : { to: record.to }),
          ...(record.channels === undefined ? {} : { channels: record.channels }),
        }),
        at: now,
      };
      this.#entries[index] = entry;
      this.#state.stages.push(eventOf(record, now));
      if (record.to !== undefined) this.#state.assignee = record.to;
      s.env.logger.info({ runId: s.runId, workflow: s.run.workflow, signal: this.#signal, stage: index, action: stage.action }, 'task escalated');
      if (stage.action === 'decide') {
        this.stop();
        await hooks.decide(stage.value, entry, audit);
        return;
      }
      // A reassign assigns the task in the inbox too, in the same write: the inbox shows it as the new assignee's.
      const inboxClaim = record.to === undefined ? undefined : { runId: s.runId, assignee: record.to, claimedBy: ESCALATION_ACTOR, claimedAt: now };
      void s.write({ journal: [entry], audit, ...(inboxClaim === undefined ? {} : { inboxClaim }) });
      this.#next();
    } catch (error) {
      s.env.logger.error({ runId: s.runId, workflow: s.run.workflow, signal: this.#signal, stage: index, err: error }, 'escalation stage failed');
    } finally {
      s.active--;
      s.scheduleIdleCheck();
    }
  }

  /** Sends a remind or notify stage's notification; returns the channels that did not take it. */
  async #notify(stage: ResolvedStage & { action: 'remind' | 'notify' }, index: number, due: number): Promise<string[]> {
    const s = this.#s;
    const notifier = s.env.notifier;
    if (notifier === undefined) {
      s.env.logger.warn({ runId: s.runId, channels: stage.channels }, 'an escalation stage notifies channels, but the engine has no notifier');
      return [...stage.channels];
    }
    const assignee = this.#state.assignee;
    const who = assignee === undefined ? 'its assignee' : assignee;
    const title =
      stage.action === 'remind'
        ? `Reminder: run ${s.runId} (${s.run.workflow}) waits for '${this.#signal}' from ${who}`
        : `Overdue: run ${s.runId} (${s.run.workflow}) waits for '${this.#signal}'`;
    const notification: Notification = {
      // The same stage gives the same id, so a notification sent again after a crash can be deduplicated.
      id: `${s.runId}:${this.#position(index)}`,
      kind: 'escalation',
      severity: stage.action === 'remind' ? Severity.Info : Severity.Warning,
      title,
      text: stage.message ?? `${title}. It has waited since ${new Date(this.#state.began).toISOString()}; answer it in the inbox.`,
      at: due,
      namespace: s.run.namespace,
      workflow: s.run.workflow,
      runId: s.runId,
      data: { action: stage.action, signal: this.#signal, stage: index, began: this.#state.began, ...(assignee === undefined ? {} : { assignee }) },
    };
    try {
      const outcomes = await notifier.notify(stage.channels, notification);
      return outcomes.filter((o) => !o.delivered).map((o) => o.channel);
    } catch (error) {
      s.env.logger.error({ runId: s.runId, channels: stage.channels, err: error }, 'the notifier failed');
      return [...stage.channels];
    }
  }
}

function eventOf(record: StageRecord, at: number): WaitEscalation['stages'][number] {
  return {
    action: record.action,
    at,
    ...(record.to === undefined ? {} : { to: record.to }),
    ...(record.channels === undefined ? {} : { channels: record.channels }),
  };
}

/**
 * A `decide` stage ends the wait with its value: journaled at the wait's position (with `input`
 * `{ decidedBy: 'escalation', stage }`), together with the stage's entry and audit, in one write.
 * A value that fails the wait's schema fails the wait with BATON_INVALID_SIGNAL, like a bad answer.
 */
export async function journalDecision<T>(
  s: RunState,
  seq: number,
  name: string,
  value: unknown,
  schema: ZodType | undefined,
  stageEntry: JournalEntry,
  audit: AuditEntry,
): Promise<T> {
  const now = s.env.clock.now();
  const entry: JournalEntry = { runId: s.runId, seq, kind: 'signal', name, status: 'completed', attempts: 1, startedAt: now, endedAt: now };
  entry.input = s.env.codec.encode({ decidedBy: 'escalation', stage: stageEntry.seq - seq - 1 }, `decision of signal '${name}'`);
  try {
    if (schema !== undefined) value = validate(schema, value, s.validation(ErrorCode.InvalidSignal, `the default decision of signal '${name}'`));
    entry.output = s.env.codec.encode(value, `the default decision of signal '${name}'`);
  } catch (error) {
    await s.write({ journal: [stageEntry, { ...entry, status: 'failed', error: s.stored(error) }], audit });
    throw error;
  }
  void s.write({ journal: [stageEntry, entry], audit });
  s.emitAfterWrite({ type: 'signal.received', runId: s.runId, workflow: s.run.workflow, signal: name, seq });
  return value as T;
}
