/**
 * The approval inbox through the client: the runs of the client's namespace that wait for a person's
 * signal, and claims on them (who handles which). Claims and releases are audited like every change
 * of a client that acts for someone. Approving or rejecting is sending the signal (`client.signal`).
 */
import type { Auditor } from './auditor.js';
import type { RunInfo } from './run-info.js';
import { BatonError, ErrorCode } from '../errors/errors.js';
import { assertStorableText } from '../util/text.js';
import { humanSignals, waitingSince, type InboxClaim } from '../store/inbox.js';
import { runNotFound } from '../store/store-rules.js';
import type { EscalationEvent, RunRecord, WaitEscalation } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time/clock.js';

export interface InboxClaimInfo {
  assignee: string;
  claimedBy: string;
  claimedAt: Date;
}

/** One run waiting for a person. */
export interface InboxEntry {
  run: RunInfo;
  /** The signals it waits for that a person sends. */
  signals: string[];
  /** When it began to wait. */
  since: Date;
  /** When its wait times out, if a timer bounds it. */
  deadline?: Date;
  claim?: InboxClaimInfo;
  /** How far the task's escalation has gone, when its wait has a policy. */
  escalation?: InboxEscalation;
}

/** The escalation of an inbox task: who it was reassigned to, the stages that happened, the next one. */
export interface InboxEscalation {
  /** The person or group the last `reassign` stage gave the task to. */
  assignee?: string;
  began: Date;
  stages: { action: EscalationEvent['action']; at: Date; to?: string; channels?: string[] }[];
  next?: { action: string; at: Date };
}

export interface InboxList {
  entries: InboxEntry[];
  nextCursor?: string;
}

const MAX_ASSIGNEE = 200;

export class Inbox {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #auditor: Auditor;
  readonly #info: (run: RunRecord) => RunInfo;

  /** @internal made by Client, with its way of decoding runs. */
  constructor(store: Store, clock: Clock, auditor: Auditor, info: (run: RunRecord) => RunInfo) {
    this.#store = store;
    this.#clock = clock;
    this.#auditor = auditor;
    this.#info = info;
  }

  /** Runs waiting for a person's signal, oldest wait first; `nextCursor` pages on. */
  async list(options: { limit?: number; cursor?: string } = {}): Promise<InboxList> {
    const limit = options.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalid(`limit must be an integer from 1 to 1000, not ${String(limit)}.`);
    const namespace = this.#auditor.actor?.namespace;
    const page = await this.#store.listInbox({
      limit,
      ...(namespace === undefined ? {} : { namespace }),
      ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
    });
    const entries = page.items.map(({ run, claim }) => {
      const entry: InboxEntry = { run: this.#info(run), signals: humanSignals(run.waits), since: new Date(waitingSince(run)) };
      const escalation = run.waits?.escalations?.find((e) => entry.signals.includes(e.signal));
      // With an escalation the run also wakes for its stages: the deadline is the wait's own timeout.
      const deadline = escalation === undefined ? run.wakeAt : run.waits?.timers[String(escalation.seq)];
      if (deadline !== undefined) entry.deadline = new Date(deadline);
      if (claim !== undefined) entry.claim = claimInfo(claim);
      if (escalation !== undefined) entry.escalation = escalationInfo(escalation);
      return entry;
    });
    return { entries, ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) };
  }

  /**
   * Assigns a waiting run to `assignee` (replacing an earlier claim). Throws BATON_RUN_NOT_FOUND for
   * a run this client cannot see, BATON_RUN_NOT_WAITING when it waits for no person's signal now.
   */
  async claim(runId: string, assignee: string): Promise<InboxClaimInfo> {
    if (typeof runId !== 'string' || runId.length === 0) throw invalid('claim() needs the id of a run.');
    assertStorableText(runId, 'run id');
    assertStorableText(assignee, 'assignee');
    if (typeof assignee !== 'string' || assignee.trim().length === 0 || assignee.length > MAX_ASSIGNEE)
      throw invalid(`An assignee is a name of 1-${MAX_ASSIGNEE} characters.`);
    const claim: InboxClaim = { runId, assignee, claimedBy: this.#auditor.actor?.id ?? 'client', claimedAt: this.#clock.now() };
    const stored = await this.#auditor.run(
      'inbox.claim',
      runId,
      async (audit) => {
        await this.#mustSee(runId);
        return this.#store.claimInboxRun(claim, audit);
      },
      { assignee },
    );
    return claimInfo(stored);
  }

  /** Drops a run's claim; false when it had none. Throws BATON_RUN_NOT_FOUND for a run this client cannot see. */
  async release(runId: string): Promise<boolean> {
    if (typeof runId !== 'string' || runId.length === 0) throw invalid('release() needs the id of a run.');
    assertStorableText(runId, 'run id');
    const released = await this.#auditor.run('inbox.release', runId, async (audit) => {
      await this.#mustSee(runId);
      return this.#store.releaseInboxRun(runId, audit);
    });
    // Nothing changed: recorded on its own, as every call that changes nothing is.
    if (!released) await this.#auditor.record('inbox.release', runId, 'none');
    return released;
  }

  async #mustSee(runId: string): Promise<void> {
    const run = await this.#store.getRun(runId);
    const namespace = this.#auditor.actor?.namespace;
    if (run === undefined || (namespace !== undefined && run.namespace !== namespace)) throw runNotFound(runId);
  }
}

function escalationInfo(e: WaitEscalation): InboxEscalation {
  const info: InboxEscalation = { began: new Date(e.began), stages: e.stages.map((stage) => ({ ...stage, at: new Date(stage.at) })) };
  if (e.assignee !== undefined) info.assignee = e.assignee;
  if (e.next !== undefined) info.next = { action: e.next.action, at: new Date(e.next.at) };
  return info;
}

function claimInfo(claim: InboxClaim): InboxClaimInfo {
  return { assignee: claim.assignee, claimedBy: claim.claimedBy, claimedAt: new Date(claim.claimedAt) };
}

function invalid(message: string): BatonError {
  return new BatonError(ErrorCode.InvalidArgument, message, { retryable: false });
}
