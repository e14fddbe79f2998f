/** The workflows an engine (or client) knows, by name and version; the last one registered per name is current. */
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { WorkflowRef } from '../store/store.js';
import { isWorkflow, type AnyWorkflow } from '../workflow/workflow.js';

export type WorkflowList = readonly AnyWorkflow[] | Readonly<Record<string, unknown>>;

export class WorkflowRegistry {
  readonly #byName = new Map<string, { current: AnyWorkflow; versions: Map<string, AnyWorkflow> }>();
  #limited = false;

  constructor(workflows?: WorkflowList) {
    if (workflows !== undefined) for (const wf of WorkflowRegistry.collect(workflows)) this.add(wf);
  }

  /** Accepts an array of workflows or a module namespace (every exported workflow is taken). */
  static collect(workflows: WorkflowList): AnyWorkflow[] {
    const values: unknown[] = Array.isArray(workflows) ? [...(workflows as unknown[])] : Object.values(workflows);
    return values.filter(isWorkflow);
  }

  add(workflow: AnyWorkflow): void {
    if (!isWorkflow(workflow))
      throw new BatonError(ErrorCode.InvalidArgument, 'Only workflows made by defineWorkflow() can be registered.', { retryable: false });
    const entry = this.#byName.get(workflow.name);
    if (entry === undefined) {
      this.#byName.set(workflow.name, { current: workflow, versions: new Map([[workflow.version, workflow]]) });
      this.#noteLimits(workflow);
      return;
    }
    const existing = entry.versions.get(workflow.version);
    if (existing !== undefined && existing !== workflow) {
      throw new BatonError(
        ErrorCode.InvalidArgument,
        `Workflow '${workflow.name}' version '${workflow.version}' is registered twice. Give the new code a new version.`,
        { retryable: false },
      );
    }
    entry.versions.set(workflow.version, workflow);
    entry.current = workflow;
    this.#noteLimits(workflow);
  }

  #noteLimits(workflow: AnyWorkflow): void {
    if (workflow.options.concurrency !== undefined || workflow.options.rateLimit !== undefined) this.#limited = true;
  }

  get(name: string, version?: string): AnyWorkflow | undefined {
    const entry = this.#byName.get(name);
    if (entry === undefined) return undefined;
    return version === undefined || version === '' ? entry.current : entry.versions.get(version);
  }

  /** The current version of each workflow. */
  current(): AnyWorkflow[] {
    return [...this.#byName.values()].map((e) => e.current);
  }

  list(): AnyWorkflow[] {
    return [...this.#byName.values()].flatMap((e) => [...e.versions.values()]);
  }

  refs(): WorkflowRef[] {
    const refs: WorkflowRef[] = [];
    for (const [name, entry] of this.#byName) {
      for (const version of entry.versions.keys()) refs.push({ name, version, current: version === entry.current.version });
    }
    return refs;
  }

  /** Whether any loaded workflow limits its runs (concurrency or rate). */
  hasLimits(): boolean {
    // Versions are only ever added, so this is known as they arrive (it is asked at every claim).
    return this.#limited;
  }

  get size(): number {
    return this.#byName.size;
  }
}
