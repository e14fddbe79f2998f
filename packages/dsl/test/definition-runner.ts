/**
 * Runs definitions on a real engine for the tests: a store (a SQLite file by default), the
 * interpreter's workflow, and the run's outcome with its DSL error object and journal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, silentLogger, type AnyWorkflow, type Store } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { definitionWorkflow, parseDefinition, type InterpreterOptions, type WorkflowErrorObject } from '@baton/dsl';

export interface Outcome {
  runId: string;
  status: 'completed' | 'failed' | 'cancelled';
  output?: unknown;
  /** The DSL error of a failed run. */
  fault?: WorkflowErrorObject;
  error?: unknown;
  /** The names of the journal's step entries, in order. */
  steps: string[];
  /** The journal's step entries: name, status and output. */
  entries: { name: string; status: string; output?: unknown }[];
}

export class DefinitionRunner {
  readonly #dir = mkdtempSync(join(tmpdir(), 'baton-dsl-'));
  readonly #open: { engine: Engine; store: Store }[] = [];
  #files = 0;

  constructor(private readonly createStore: () => Store = () => new SqliteStore({ path: join(this.#dir, `dsl-${++this.#files}.db`) })) {}

  /** Parses `text` (YAML or JSON) into its interpreter workflow. */
  async workflow(text: string, options: InterpreterOptions = {}): Promise<AnyWorkflow> {
    const parsed = await parseDefinition(text);
    if (!parsed.ok) throw new Error(`The definition is invalid: ${parsed.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`);
    return definitionWorkflow(parsed.definition, options);
  }

  /** A started engine running `workflows` on a fresh store. */
  async engine(workflows: AnyWorkflow[]): Promise<Engine> {
    const store = this.createStore();
    const engine = new Engine({ store, workflows, logger: silentLogger, pollIntervalMs: 20 });
    await engine.start();
    this.#open.push({ engine, store });
    return engine;
  }

  /** Runs the definition to its end on a fresh engine. */
  async run(text: string, input: unknown = {}, options: InterpreterOptions = {}): Promise<Outcome> {
    const workflow = await this.workflow(text, options);
    const engine = await this.engine([workflow]);
    const handle = await engine.client.start(workflow, input);
    return this.outcome(engine, handle.id);
  }

  /** Waits for the run's end and reads its outcome. */
  async outcome(engine: Engine, runId: string): Promise<Outcome> {
    let output: unknown;
    let error: unknown;
    let failed = false;
    try {
      output = await engine.client.result(runId, { timeoutMs: 60_000 });
    } catch (e) {
      failed = true;
      error = e;
    }
    const journal = await engine.client.journal(runId);
    const entries = journal.filter((entry) => entry.kind === 'step').map((entry) => ({ name: entry.name, status: entry.status, output: entry.output }));
    const steps = entries.map((entry) => entry.name);
    if (!failed) return { runId, status: 'completed', output, steps, entries };
    const fault = (error as { details?: { error?: WorkflowErrorObject } }).details?.error;
    const status = (error as { code?: string }).code === 'BATON_CANCELLED' ? 'cancelled' : 'failed';
    return { runId, status, error, steps, entries, ...(fault === undefined ? {} : { fault }) };
  }

  async close(): Promise<void> {
    for (const { engine, store } of this.#open.splice(0)) {
      await engine.stop({ timeoutMs: 1000 });
      await store.close();
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
