/**
 * The review of failed runs through the client: the queue of failed runs no one has marked resolved
 * yet, marking one resolved (with a note), and each namespace's failure workflow. Retrying or
 * resuming a run from the queue is `client.retry` / `client.resume`: the run leaves the queue, and
 * comes back if it fails again. Every change is audited like every change of a client that acts
 * for someone (`run.resolve`, `namespace.failureWorkflow`).
 */
import type { Auditor } from './auditor.js';
import { invalidArgument } from './run-arguments.js';
import { runNotFound } from '../store/store-rules.js';
import type { FailureWorkflowSetting, RunReview } from '../store/review-store.js';
import type { RunRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time/clock.js';
import { assertStorableText } from '../util/text.js';

/** The longest note a resolution keeps. */
export const MAX_REVIEW_NOTE = 2000;

const WORKFLOW_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;
const NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/;

export class Reviews {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #auditor: Auditor;
  readonly #visible: (runId: string) => Promise<RunRecord | undefined>;

  /** @internal made by Client, with its way of reading a run it sees. */
  constructor(store: Store, clock: Clock, auditor: Auditor, visible: (runId: string) => Promise<RunRecord | undefined>) {
    this.#store = store;
    this.#clock = clock;
    this.#auditor = auditor;
    this.#visible = visible;
  }

  /**
   * Marks the run's current failure resolved: it leaves the review queue (until it fails again).
   * Throws BATON_RUN_NOT_FOUND, BATON_RUN_NOT_FAILED for a run that is not failed, or
   * BATON_INVALID_ARGUMENT for a note longer than MAX_REVIEW_NOTE characters.
   */
  async resolve(runId: string, options: { note?: string } = {}): Promise<RunReview> {
    assertStorableText(runId, 'run id');
    const note = options.note;
    return this.#auditor.run(
      'run.resolve',
      runId,
      async (audit) => {
        if (note !== undefined && (typeof note !== 'string' || note.length > MAX_REVIEW_NOTE)) {
          throw invalidArgument(`A resolution's note is text of at most ${MAX_REVIEW_NOTE} characters.`);
        }
        assertStorableText(note, 'note');
        if ((await this.#visible(runId)) === undefined) throw runNotFound(runId);
        const by = this.#auditor.actor?.id;
        return this.#store.resolveRun(
          runId,
          { ...(note === undefined ? {} : { note }), ...(by === undefined ? {} : { resolvedBy: by }) },
          this.#clock.now(),
          audit,
        );
      },
      note === undefined ? undefined : { note },
    );
  }

  /** The resolution of the run's current failure, if it is failed and marked resolved. */
  async get(runId: string): Promise<RunReview | undefined> {
    if ((await this.#visible(runId)) === undefined) return undefined;
    return this.#store.getRunReview(runId);
  }

  /** The failure workflow of a namespace (default: this client's, else 'default'). */
  async failureWorkflow(namespace?: string): Promise<FailureWorkflowSetting | undefined> {
    return this.#store.getFailureWorkflow(this.#namespace(namespace));
  }

  /**
   * Names the workflow started with each failure of the namespace's runs (whose workflow names none
   * of its own), or with `undefined` names none. The namespace defaults to this client's; a client
   * acting in a namespace sets only its own. Throws BATON_INVALID_ARGUMENT for an invalid name.
   */
  async setFailureWorkflow(workflow: string | undefined, namespace?: string): Promise<FailureWorkflowSetting | undefined> {
    let target: string;
    try {
      target = this.#namespace(namespace);
    } catch (error) {
      await this.#auditor.record('namespace.failureWorkflow', String(namespace), (error as { code: string }).code);
      throw error;
    }
    return this.#auditor.run(
      'namespace.failureWorkflow',
      target,
      async (audit) => {
        if (workflow !== undefined && (typeof workflow !== 'string' || !WORKFLOW_NAME.test(workflow))) {
          throw invalidArgument('A failure workflow is named by 1-200 letters, digits and . _ : / - (starting with a letter or digit).');
        }
        return this.#store.setFailureWorkflow(target, workflow, this.#clock.now(), audit);
      },
      { workflow: workflow ?? null },
    );
  }

  /** Every namespace's failure workflow this client sees (only its own namespace's when it acts in one). */
  async listFailureWorkflows(): Promise<FailureWorkflowSetting[]> {
    const all = await this.#store.listFailureWorkflows();
    const own = this.#auditor.actor?.namespace;
    return own === undefined ? all : all.filter((s) => s.namespace === own);
  }

  #namespace(namespace: string | undefined): string {
    const own = this.#auditor.actor?.namespace;
    if (namespace === undefined) return own ?? 'default';
    if (typeof namespace !== 'string' || !NAMESPACE.test(namespace)) throw invalidArgument('A namespace is 1-100 letters, digits and . _ : / -.');
    if (own !== undefined && namespace !== own)
      throw invalidArgument(`This client acts in namespace '${own}': it cannot read or set namespace '${namespace}'.`);
    return namespace;
  }
}
