/**
 * A definition drawn as a graph, before any run: one node per task (named by its JSON pointer, the
 * `$task.reference` its journal entries carry), compound tasks (`do`, `for`, `fork`, `try`) as groups
 * of their children (and a listen task's `foreach` tasks), and edges that follow the DSL's flow rules: the order of a task list, `then`
 * (`continue`, `exit`, `end`, a sibling's name), switch cases, a `for` loop's way back, fork branches,
 * a try's catch and retry, and the way past a task whose `if` is false.
 *
 * The SDK's `buildGraph` is not used: it recurses into a task again for every way into it, so a
 * `then` back to an earlier task never ends (stack overflow) and a task reached by two switch cases
 * appears twice; it draws no loop edge, runs a try's catch after its body as if in sequence, and
 * points a `for` task's children at `/for/do/…` rather than their real pointer `/do/…`.
 */
import { caughtType, duration, list, record, taskKindOf, taskLabel, type TaskKind, type TaskObject } from './task-label.js';

export type GraphNodeKind = TaskKind | 'start' | 'end';

/**
 * The kinds of edges. An edge between a compound task and one of its descendants enters the group
 * (from the compound) or leaves it (to the compound); an edge from a compound to itself is its loop
 * (`for`), its retry (`try`), or, as `next`, the way through an empty or skipped body.
 */
export type GraphEdgeKind = 'next' | 'then' | 'case' | 'loop' | 'branch' | 'catch' | 'retry';

export interface DefinitionGraphNode {
  /** The task's JSON pointer (`/do/1/checkStock`), or `start` / `end`. */
  readonly id: string;
  readonly name: string;
  readonly kind: GraphNodeKind;
  /** The compound task (`do`, `for`, `fork`, `try`) this task is part of. */
  readonly parent?: string;
  /** What the task does in a few words: `call http GET …/pet/{petId}`, `wait PT5M`, `raise notFound`. */
  readonly label: string;
  /** The task's `if`: it runs only when this holds, and is passed by otherwise. */
  readonly condition?: string;
}

export interface DefinitionGraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: GraphEdgeKind;
  /** A switch case's `when` (or `default`), a catch's error type, a loop's `while`… */
  readonly label?: string;
}

export interface DefinitionGraph {
  readonly nodes: readonly DefinitionGraphNode[];
  readonly edges: readonly DefinitionGraphEdge[];
}

export const GRAPH_START = 'start';
export const GRAPH_END = 'end';

/** A named task at its place in the document. */
interface Entry {
  readonly id: string;
  readonly name: string;
  readonly task: TaskObject;
}

/** The graph of a workflow document (any object with a `do` list; the rest of the document is not read). */
export function definitionGraph(document: { readonly do?: unknown }): DefinitionGraph {
  const builder = new GraphBuilder();
  builder.node({ id: GRAPH_START, name: 'start', kind: 'start', label: 'start' });
  builder.node({ id: GRAPH_END, name: 'end', kind: 'end', label: 'end' });
  const first = builder.sequence(entriesOf(document.do, '/do'), undefined);
  builder.edge({ from: GRAPH_START, to: first ?? GRAPH_END, kind: 'next' });
  return builder.finish();
}

function entriesOf(tasks: unknown, pointer: string): Entry[] {
  return list(tasks).flatMap((item, index) => {
    const [name, task] = Object.entries(record(item))[0] ?? [];
    return name === undefined ? [] : [{ id: `${pointer}/${index}/${name}`, name, task: record(task) }];
  });
}

class GraphBuilder {
  readonly #nodes: DefinitionGraphNode[] = [];
  readonly #edges: DefinitionGraphEdge[] = [];
  /** Where the flow goes when a conditional task is passed by: its `continue` target. */
  readonly #skipTargets = new Map<string, string>();

  node(node: DefinitionGraphNode): void {
    this.#nodes.push(node);
  }

  /** Adds an edge; the same edge twice (two switch cases to one task) keeps one, with both labels. */
  edge(edge: DefinitionGraphEdge): void {
    const index = this.#edges.findIndex((e) => e.from === edge.from && e.to === edge.to && e.kind === edge.kind);
    const existing = this.#edges[index];
    if (existing === undefined) {
      this.#edges.push(edge.label === undefined ? { from: edge.from, to: edge.to, kind: edge.kind } : edge);
      return;
    }
    if (edge.label !== undefined && existing.label !== edge.label) {
      this.#edges[index] = { ...existing, label: existing.label === undefined ? edge.label : `${existing.label} / ${edge.label}` };
    }
  }

  /**
   * Adds a task list's tasks (and theirs) and the edges between them; returns the first task's id.
   * `parent` is the compound task the list belongs to: leaving the list (its end, `exit`) leads to
   * it, or to the workflow's end at the top level.
   */
  sequence(entries: readonly Entry[], parent: string | undefined): string | undefined {
    const leave = parent ?? GRAPH_END;
    const byName = new Map(entries.map((entry) => [entry.name, entry.id]));
    const target = (index: number, directive: unknown): string => {
      if (directive === 'end') return GRAPH_END;
      if (directive === 'exit') return leave;
      if (typeof directive === 'string' && directive !== 'continue') return byName.get(directive) ?? leave;
      return entries[index + 1]?.id ?? leave;
    };
    entries.forEach((entry, index) => {
      const kind = this.#task(entry, parent);
      if (typeof entry.task.if === 'string') this.#skipTargets.set(entry.id, target(index, 'continue'));
      if (kind === 'raise') return;
      if (kind === 'switch') return this.#switchEdges(entry, (directive) => target(index, directive));
      const then = entry.task.then;
      const flow = then === undefined || then === 'continue' ? 'next' : 'then';
      this.edge({ from: entry.id, to: target(index, then), kind: flow });
      // A caught error with no handlers goes on after the try; with a retry, the last attempt's error is not caught.
      const handler = record(entry.task.catch);
      if (kind === 'try' && list(handler.do).length === 0 && handler.retry === undefined) {
        this.edge({ from: entry.id, to: target(index, then), kind: 'catch', label: catchLabel(handler) });
      }
    });
    return entries[0]?.id;
  }

  /** Adds a task's node and, for a compound task, its children and the edges into its body. */
  #task(entry: Entry, parent: string | undefined): TaskKind | undefined {
    const kind = taskKindOf(entry.task);
    const condition = typeof entry.task.if === 'string' ? entry.task.if : undefined;
    this.node({
      id: entry.id,
      name: entry.name,
      kind: kind ?? 'do',
      ...(parent === undefined ? {} : { parent }),
      label: kind === undefined ? 'unknown task' : taskLabel(kind, entry.task),
      ...(condition === undefined ? {} : { condition }),
    });
    switch (kind) {
      case 'do':
        this.#body(entry.id, entriesOf(entry.task.do, `${entry.id}/do`), 'next');
        break;
      case 'for':
        this.#body(entry.id, entriesOf(entry.task.do, `${entry.id}/do`), 'next');
        this.edge({ from: entry.id, to: entry.id, kind: 'loop', label: typeof entry.task.while === 'string' ? `while ${entry.task.while}` : 'next item' });
        break;
      case 'fork':
        for (const branch of entriesOf(record(entry.task.fork).branches, `${entry.id}/fork/branches`)) this.#body(entry.id, [branch], 'branch');
        break;
      case 'try':
        this.#try(entry);
        break;
      case 'listen': {
        // A listen task with `foreach` runs its tasks for each event it consumes.
        const each = entriesOf(record(entry.task.foreach).do, `${entry.id}/foreach/do`);
        if (each.length === 0) break;
        this.#body(entry.id, each, 'next');
        this.edge({ from: entry.id, to: entry.id, kind: 'loop', label: 'next event' });
        break;
      }
      default:
        break;
    }
    return kind;
  }

  /** A compound's task list, entered from the compound; an empty one is passed straight through. */
  #body(id: string, entries: readonly Entry[], kind: 'next' | 'branch' | 'catch', label?: string): void {
    const first = this.sequence(entries, id);
    this.edge({ from: id, to: first ?? id, kind: first === undefined ? 'next' : kind, ...(label === undefined ? {} : { label }) });
  }

  #try(entry: Entry): void {
    this.#body(entry.id, entriesOf(entry.task.try, `${entry.id}/try`), 'next');
    const handler = record(entry.task.catch);
    const handlers = entriesOf(handler.do, `${entry.id}/catch/do`);
    if (handlers.length > 0) this.#body(entry.id, handlers, 'catch', catchLabel(handler));
    if (handler.retry !== undefined) this.edge({ from: entry.id, to: entry.id, kind: 'retry', label: retryLabel(handler.retry) });
  }

  /** A switch's cases, each to its `then`; without a default case, no match goes on as usual. */
  #switchEdges(entry: Entry, target: (directive: unknown) => string): void {
    let hasDefault = false;
    for (const item of list(entry.task.switch)) {
      const [name, value] = Object.entries(record(item))[0] ?? [];
      if (name === undefined) continue;
      const switchCase = record(value);
      const when = typeof switchCase.when === 'string' ? switchCase.when : undefined;
      if (when === undefined) hasDefault = true;
      this.edge({ from: entry.id, to: target(switchCase.then), kind: 'case', label: when ?? 'default' });
    }
    if (!hasDefault) this.edge({ from: entry.id, to: target(entry.task.then), kind: 'next', label: 'no case matched' });
  }

  /** The edges, with each conditional task's way past it (from wherever the flow reaches it). */
  finish(): DefinitionGraph {
    for (const [id, skipTo] of this.#skipTargets) {
      for (const into of this.#edges.filter((e) => e.to === id && e.kind !== 'loop' && e.kind !== 'retry')) {
        this.edge({ from: into.from, to: skipTo, kind: 'next', label: 'skipped' });
      }
    }
    return { nodes: this.#nodes, edges: this.#edges };
  }
}

function catchLabel(handler: Record<string, unknown>): string {
  const type = caughtType(handler);
  const when = typeof handler.when === 'string' ? ` when ${handler.when}` : '';
  const exceptWhen = typeof handler.exceptWhen === 'string' ? ` except when ${handler.exceptWhen}` : '';
  return `catch ${type ?? 'any error'}${when}${exceptWhen}`;
}

function retryLabel(retry: unknown): string {
  if (typeof retry === 'string') return `retry ${retry}`;
  const policy = record(retry);
  const count = record(record(policy.limit).attempt).count;
  const delay = policy.delay === undefined ? '' : ` after ${duration(policy.delay)}`;
  return `retry${typeof count === 'number' ? ` ×${count}` : ''}${delay}`;
}
