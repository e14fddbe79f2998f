/**
 * Replay checks through the client: a process that holds candidate code reports what replaying runs
 * against it found, and anyone who may see a run reads its latest results. A report is audited like
 * every change of a client that acts for someone (`replay.report`), and names only runs of the
 * client's namespace.
 */
import type { Auditor } from './auditor.js';
import { BatonError, ErrorCode } from '../errors/errors.js';
import { runNotFound } from '../store/store-rules.js';
import { checkReplayReport } from '../replay/replay-report.js';
import { MAX_REPLAY_CHECKS_PER_RUN, type ReplayCheckInfo, type ReplayCheckRecord, type RunReplayRecord } from '../store/replay-store.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time/clock.js';
import { uuidv7 } from '../util/ids.js';
import { assertStorableText } from '../util/text.js';

export class Replays {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #auditor: Auditor;
  readonly #visible: (runId: string) => Promise<boolean>;

  /** @internal made by Client, with its way of telling whether it sees a run. */
  constructor(store: Store, clock: Clock, auditor: Auditor, visible: (runId: string) => Promise<boolean>) {
    this.#store = store;
    this.#clock = clock;
    this.#auditor = auditor;
    this.#visible = visible;
  }

  /**
   * Keeps a check: `candidate` names the code (a commit, a build), `results` are what `replayRun`
   * answered for each run. Bad reports throw BATON_INVALID_ARGUMENT or BATON_INVALID_TEXT, a run
   * this client does not see BATON_RUN_NOT_FOUND; either way nothing is written.
   */
  async record(report: { candidate: string; results: unknown[] }): Promise<ReplayCheckInfo> {
    const id = uuidv7(this.#clock.now());
    return this.#auditor.run('replay.report', id, async (audit) => {
      const checked = checkReplayReport(report);
      const namespace = this.#auditor.actor?.namespace;
      return this.#store.recordReplays(
        {
          id,
          candidate: checked.candidate,
          by: this.#auditor.actor?.id ?? 'local',
          ...(namespace === undefined ? {} : { namespace }),
          results: checked.results,
        },
        this.#clock.now(),
        audit === undefined ? undefined : { ...audit, detail: JSON.stringify({ candidate: checked.candidate, runs: checked.results.length }) },
      );
    });
  }

  /** A check with its results, if this client's namespace made it (a client without one sees every check). */
  async get(id: string): Promise<ReplayCheckRecord | undefined> {
    assertStorableText(id, 'check id');
    if (typeof id !== 'string' || id.length > 200) return undefined;
    const check = await this.#store.getReplayCheck(id);
    const namespace = this.#auditor.actor?.namespace;
    return check === undefined || (namespace !== undefined && check.namespace !== namespace) ? undefined : check;
  }

  /** A run's results, latest check first (each run keeps its latest MAX_REPLAY_CHECKS_PER_RUN). Throws BATON_RUN_NOT_FOUND for a run this client does not see. */
  async forRun(runId: string, limit = MAX_REPLAY_CHECKS_PER_RUN): Promise<RunReplayRecord[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_REPLAY_CHECKS_PER_RUN)
      throw new BatonError(ErrorCode.InvalidArgument, `limit must be an integer from 1 to ${MAX_REPLAY_CHECKS_PER_RUN}, not ${String(limit)}.`, {
        retryable: false,
      });
    if (!(await this.#visible(runId))) throw runNotFound(runId);
    return this.#store.listReplays(runId, limit);
  }
}
