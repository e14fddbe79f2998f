/**
 * A run of a definition on its graph: each task's state, read from the run's journal. Entries are
 * named by the task's JSON pointer, optionally followed by a space and a qualifier (`/do/0/each/do/0/add #2`);
 * an entry belongs to the deepest task whose pointer starts its name. A compound task (do, for, fork,
 * try) may journal nothing itself: its state comes from its children's. The task a running or waiting
 * run is at has no entry yet (an entry is written when its task ends): the task the run's progress
 * names (an approval does), else a compound task whose own step within its run is the latest entry
 * (a try deciding to retry, a for reading its items), else the one task the flow leads to from the
 * latest entry, when there is only one. A wait of the engine's own (a signal, an event, a sleep, a
 * child run) is named by what it waits for, not by a task: it belongs to the task the flow was at,
 * found the same way (a retry's back-off to its try).
 */
import type { ApiDefinitionGraph, ApiJournalEntry, ApiRun } from '@baton/server/client';

export const TASK_STATES = ['completed', 'failed', 'running', 'waiting'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export interface TaskRunState {
  state: TaskState;
  /** The task's own journal entries' positions (iterations, attempts, their parts), in order. */
  seqs: number[];
  /**
   * How many times it ran: the repeats its entries name (`#2`, `#1.3`: an iteration or an attempt);
   * the parts of one run (` output`, ` while`) do not count.
   */
  runs: number;
}

type Graph = Pick<ApiDefinitionGraph, 'nodes' | 'edges'>;

/** The task (node id) a journal entry belongs to, if any. */
export function taskOfEntry(name: string, ids: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  for (const id of ids) {
    if (!id.startsWith('/')) continue;
    const fits = name === id || name.startsWith(`${id} `) || name.startsWith(`${id}/`);
    if (fits && (best === undefined || id.length > best.length)) best = id;
  }
  return best;
}

export function taskStates(
  graph: Graph,
  run: Pick<ApiRun, 'status'> & Partial<Pick<ApiRun, 'progress'>>,
  journal: readonly ApiJournalEntry[],
): Map<string, TaskRunState> {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const states = new Map<string, Omit<TaskRunState, 'runs'> & { last: number; repeats: Set<string> }>();
  let latest: { id: string; name: string } | undefined;
  for (const entry of [...journal].sort((a, b) => a.seq - b.seq)) {
    const id = taskOfEntry(entry.name, ids) ?? (entry.kind === 'step' ? undefined : waitingTask(graph, states, latest));
    if (id === undefined) continue;
    latest = { id, name: entry.name };
    // A skipped step gave its fallback: its task went on, as after a completed one.
    const status: TaskState = entry.status === 'skipped' ? 'completed' : entry.status;
    const state = states.get(id) ?? { state: status, seqs: [], last: entry.seq, repeats: new Set<string>() };
    state.seqs.push(entry.seq);
    state.state = status;
    state.last = entry.seq;
    // Only the task's own entries name its repeats (a child's `#2` is the child's).
    if (entry.name === id || entry.name.startsWith(`${id} `)) state.repeats.add(repeatOf(entry.name.slice(id.length)));
    states.set(id, state);
  }

  const active = run.status === 'running' || run.status === 'waiting';
  if (active) {
    const current = progressTask(run, ids) ?? (latest !== undefined && ownStep(graph, latest) ? latest.id : currentTask(graph, states));
    if (current !== undefined) {
      const own = states.get(current) ?? { seqs: [], repeats: new Set<string>() };
      states.set(current, { ...own, state: run.status === 'waiting' ? 'waiting' : 'running', last: Infinity });
    }
  }

  // Compound tasks, deepest first: the state of their latest activity; a running child keeps them running.
  const children = new Map<string, string[]>();
  for (const n of graph.nodes) if (n.parent !== undefined) children.set(n.parent, [...(children.get(n.parent) ?? []), n.id]);
  const depth = (id: string): number => {
    let d = 0;
    for (let p = graph.nodes.find((n) => n.id === id)?.parent; p !== undefined; p = graph.nodes.find((n) => n.id === p)?.parent) d++;
    return d;
  };
  for (const id of [...children.keys()].sort((a, b) => depth(b) - depth(a))) {
    const own = states.get(id);
    const latest = (children.get(id) ?? [])
      .map((child) => states.get(child))
      .filter((s) => s !== undefined)
      .sort((a, b) => b.last - a.last)[0];
    if (latest === undefined) continue;
    if (own !== undefined && own.last > latest.last) continue;
    const ongoing = latest.state === 'running' || latest.state === 'waiting';
    // A child failed and nothing ran after it in the group: the group failed, unless the run goes on.
    const state = ongoing ? latest.state : latest.state === 'failed' && active ? 'running' : latest.state;
    states.set(id, { state, seqs: own?.seqs ?? [], last: latest.last, repeats: own?.repeats ?? new Set() });
  }
  return new Map([...states].map(([id, { state, seqs, repeats }]) => [id, { state, seqs, runs: Math.max(repeats.size, 1) }]));
}

/** The task an entry of the engine's own (named by what it waits for) was journaled by. */
function waitingTask(graph: Graph, states: ReadonlyMap<string, { last: number }>, latest: { id: string; name: string } | undefined): string | undefined {
  if (latest !== undefined && ownStep(graph, latest)) return latest.id;
  return currentTask(graph, states);
}

/** Whether an entry is a compound task's own step within its run (a try's ` catch`, a for's ` in`): the task goes on. */
function ownStep(graph: Graph, entry: { id: string; name: string }): boolean {
  const ends = entry.name.endsWith(' output') || entry.name.endsWith(' winner');
  return entry.name.startsWith(`${entry.id} `) && !ends && graph.nodes.some((n) => n.parent === entry.id);
}

/** The task a run's progress names as the one it waits at (`call: baton.approval` does), if it is one of the graph's. */
function progressTask(run: Pick<ApiRun, 'status'> & Partial<Pick<ApiRun, 'progress'>>, ids: ReadonlySet<string>): string | undefined {
  const progress = run.progress;
  if (run.status !== 'waiting' || typeof progress !== 'object' || progress === null) return undefined;
  const task = (progress as { task?: unknown }).task;
  return typeof task === 'string' && ids.has(task) ? task : undefined;
}

/** The repeat a qualifier names (` #2 output` → `#2`), or '' for none. */
function repeatOf(qualifier: string): string {
  return qualifier.split(' ').find((word) => word.startsWith('#')) ?? '';
}

/** Where the flow goes from the latest journaled task, when that is a single task not yet journaled. */
function currentTask(graph: Graph, states: ReadonlyMap<string, { last: number }>): string | undefined {
  let from = 'start';
  let latest = -1;
  for (const [id, s] of states) {
    if (s.last <= latest) continue;
    latest = s.last;
    from = id;
  }
  const isParent = new Set(graph.nodes.flatMap((n) => (n.parent === undefined ? [] : [n.parent])));
  const parentOf = new Map(graph.nodes.map((n) => [n.id, n.parent]));
  // Into a group: its first task; the flow follows plain edges until it reaches a task.
  let candidates = graph.edges.filter((e) => e.from === from && e.kind !== 'loop' && e.kind !== 'retry' && e.kind !== 'catch').map((e) => e.to);
  for (let hops = 0; hops < 20 && candidates.length === 1; hops++) {
    const next = candidates[0]!;
    // Leaving a group (an edge to an ancestor): go on from the group.
    const leaving = isAncestor(next, from, parentOf);
    if (!isParent.has(next) || (!leaving && states.has(next))) break;
    const edges = graph.edges.filter((e) => e.from === next && e.kind !== 'loop' && e.kind !== 'retry' && e.kind !== 'catch');
    candidates = edges.filter((e) => e.to !== next && (leaving ? !isAncestor(next, e.to, parentOf) : isAncestor(next, e.to, parentOf))).map((e) => e.to);
    from = next;
  }
  const only = candidates.length === 1 ? candidates[0] : undefined;
  return only === undefined || only === 'end' || states.has(only) ? undefined : only;
}

function isAncestor(ancestor: string, id: string, parentOf: ReadonlyMap<string, string | undefined>): boolean {
  for (let p = parentOf.get(id); p !== undefined; p = parentOf.get(p)) if (p === ancestor) return true;
  return false;
}
