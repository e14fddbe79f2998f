/**
 * Loads the definitions deployed into an engine's store into the engine, without a restart: all of
 * them at start, then what is new every few seconds (one cheap read of the deploy counter), and at
 * once when `refresh()` is called (after a deploy made through this process).
 *
 * Runs stay pinned: a run records its workflow version, and an engine claims only runs of versions
 * it has loaded, so a run of a version deployed since the last poll waits in its queue (it never
 * fails) until the next poll loads that version, by its (name, version) from the store.
 */
import { defaultLogger, errorMessage, type AnyWorkflow, type Engine, type Logger, type StoredDefinition } from '@baton/core';
import type { DefinitionFormat } from '../definition/definition.js';
import type { InterpreterOptions } from '../runtime/interpreter-options.js';
import { workflowOfDefinition } from './definition-workflows.js';
import { readDefinition } from './deploy.js';

export interface DefinitionLoaderOptions {
  engine: Engine;
  /** How definitions run on this engine (hosts, secrets, shell and script). `resolveWorkflow` defaults to the engine's registry. */
  interpreter?: InterpreterOptions;
  /** How often the store is asked for new deploys. Default 2 s. */
  pollIntervalMs?: number;
  logger?: Logger;
}

export class DefinitionLoader {
  readonly #engine: Engine;
  readonly #interpreter: InterpreterOptions;
  readonly #pollIntervalMs: number;
  readonly #logger: Logger;
  /** The deploy counter loaded up to. */
  #seen = 0;
  /** Refreshes run one after another. */
  #refreshing: Promise<number> = Promise.resolve(0);
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(options: DefinitionLoaderOptions) {
    this.#engine = options.engine;
    const engine = options.engine;
    this.#interpreter = { resolveWorkflow: (name, version) => engine.workflows.get(name, version), ...options.interpreter };
    this.#pollIntervalMs = options.pollIntervalMs ?? 2000;
    this.#logger = options.logger ?? defaultLogger;
  }

  /** Loads every deployed definition, then polls for new ones. Call it once the engine has started. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.refresh();
    this.#arm();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
  }

  /** Loads the definitions deployed since the last look; resolves with how many were added. */
  refresh(): Promise<number> {
    this.#refreshing = this.#refreshing.then(
      () => this.#load(),
      () => this.#load(),
    );
    return this.#refreshing;
  }

  #arm(): void {
    this.#timer = setTimeout(() => {
      if (!this.#running) return;
      this.refresh().then(
        () => this.#arm(),
        (error: unknown) => {
          this.#logger.warn({ err: error }, 'looking for newly deployed definitions failed; trying again later');
          if (this.#running) this.#arm();
        },
      );
    }, this.#pollIntervalMs);
    this.#timer.unref();
  }

  async #load(): Promise<number> {
    const store = this.#engine.store;
    if ((await store.latestDefinitionSeq()) <= this.#seen) return 0;
    const deployed = await store.listDefinitions({ afterSeq: this.#seen });
    const workflows: AnyWorkflow[] = [];
    for (const stored of deployed) {
      const workflow = await this.#workflow(stored);
      if (workflow !== undefined) workflows.push(workflow);
    }
    await this.#engine.addWorkflows(workflows);
    this.#seen = Math.max(this.#seen, ...deployed.map((d) => d.seq));
    if (workflows.length > 0) this.#logger.info({ definitions: workflows.map((w) => `${w.name}@${w.version}`) }, 'loaded deployed definitions');
    return workflows.length;
  }

  /** The workflow of a stored definition; one this engine cannot run (validated under other rules) is logged and skipped. */
  async #workflow(stored: StoredDefinition): Promise<AnyWorkflow | undefined> {
    const known = this.#engine.workflows.get(stored.name, stored.version);
    if (known !== undefined) return known;
    try {
      const definition = await readDefinition(stored.source, { format: stored.format as DefinitionFormat });
      // Its workflow name as deployed: outside 'default' it carries the tenant namespace the document's name does not.
      return workflowOfDefinition({ ...definition, workflowName: stored.name }, this.#interpreter, stored.namespace);
    } catch (error) {
      this.#logger.error(
        { err: error, workflow: stored.name, version: stored.version },
        `deployed definition ${stored.name}@${stored.version} cannot be loaded here (${errorMessage(error)}); its runs wait for a worker that can run it`,
      );
      return undefined;
    }
  }
}
