/**
 * Checks a signal's data against the schema the run's workflow declares for it (`signals` in the
 * workflow's options) before the signal is stored, so bad data is refused to its sender instead of
 * failing the run's wait later. The schema is the run's own version's: its zod schema when this
 * process has the code, else the JSON Schema the store's workflow catalog keeps for it, checked by a
 * JSON Schema validator the process gives the client (core takes no validator of its own). A signal
 * the workflow does not declare, a run no schema is known for, and a catalog schema without a
 * validator are not checked here: the run's wait still checks what it consumes.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { RunRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { CatalogWorkflow } from '../store/workflow-catalog.js';
import type { Clock } from '../time/clock.js';
import type { WorkflowRegistry } from '../engine/workflow-registry.js';
import { currentCatalogEntry } from './known-workflows.js';

/** One field a value fails a schema at: its path ('' for the value itself) and what is wrong. */
export interface SchemaIssue {
  path: string;
  message: string;
}

/**
 * Checks `value` against a JSON Schema (an object or boolean, as JSON.parse gives it), returning every
 * issue found; an empty list when it matches. It is called with schemas read from the store (as a
 * workflow's zod produced them); a schema it cannot compile leaves the data unchecked here (return no
 * issues, or throw: the client then sends the signal, and the run's wait still checks it).
 */
export type JsonSchemaValidator = (schema: unknown, value: unknown) => SchemaIssue[];

/** How long a catalog entry read here is used before it is read again (a redeploy may change its schemas). */
const CATALOG_REREAD_MS = 60_000;

export class SignalCheck {
  readonly #store: Store;
  readonly #registry: WorkflowRegistry;
  readonly #clock: Clock;
  readonly #validator: JsonSchemaValidator | undefined;
  /** The signal schemas of catalog entries read, by workflow name and version, with when they were read. */
  readonly #cataloged = new Map<string, { signals: Record<string, unknown> | undefined; readAt: number }>();

  constructor(store: Store, registry: WorkflowRegistry, clock: Clock, validator: JsonSchemaValidator | undefined) {
    this.#store = store;
    this.#registry = registry;
    this.#clock = clock;
    this.#validator = validator;
  }

  /** Throws BATON_INVALID_SIGNAL, naming each wrong field, when `data` does not match the schema `run`'s workflow declares for `name`. */
  async check(run: RunRecord, name: string, data: unknown): Promise<void> {
    const issues = await this.#issues(run, name, data);
    if (issues === undefined || issues.length === 0) return;
    const fields = issues.slice(0, 50).map((i) => ({ path: i.path === '' ? '(root)' : i.path, message: i.message }));
    const list = fields.map((f) => `${f.path}: ${f.message}`).join('; ');
    throw new BatonError(
      ErrorCode.InvalidSignal,
      `Invalid data for signal '${name}' of run ${run.id} (workflow '${run.workflow}'): ${list}. Nothing was sent; fix the data and send the signal again.`,
      { retryable: false, runId: run.id, details: { signal: name, fields } },
    );
  }

  async #issues(run: RunRecord, name: string, data: unknown): Promise<SchemaIssue[] | undefined> {
    const workflow = this.#registry.get(run.workflow, run.version);
    if (workflow !== undefined) {
      const declared = workflow.options.signals;
      const schema = declared !== undefined && Object.hasOwn(declared, name) ? declared[name] : undefined;
      if (schema === undefined) return undefined;
      const parsed = schema.safeParse(data);
      return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    }
    if (this.#validator === undefined) return undefined;
    const declared = await this.#catalogSignals(run.workflow, run.version);
    if (declared === undefined || !Object.hasOwn(declared, name)) return undefined;
    try {
      return this.#validator(declared[name], data);
    } catch {
      return undefined;
    }
  }

  /** The signal schemas the catalog keeps for this version (the current one for a run not yet given a version). */
  async #catalogSignals(workflow: string, version: string): Promise<Record<string, unknown> | undefined> {
    const key = `${version}\u0000${workflow}`;
    const now = this.#clock.now();
    const cached = this.#cataloged.get(key);
    if (cached !== undefined && now - cached.readAt < CATALOG_REREAD_MS) return cached.signals;
    const entries = await this.#store.listWorkflowCatalog({ name: workflow });
    const entry = version === '' ? currentCatalogEntry(entries) : entries.find((e) => e.version === version);
    const signals = signalSchemasOf(entry);
    // An unknown version is read again next time: a worker that has it may register it in between.
    if (entry !== undefined) this.#cataloged.set(key, { signals, readAt: now });
    return signals;
  }
}

function signalSchemasOf(entry: CatalogWorkflow | undefined): Record<string, unknown> | undefined {
  if (entry?.signals === undefined) return undefined;
  try {
    const parsed = JSON.parse(entry.signals) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
