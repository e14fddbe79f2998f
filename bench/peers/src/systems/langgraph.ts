/**
 * LangGraph (JS) with a checkpointer, as two systems: `langgraph-postgres` (PostgresSaver on the round's
 * database, `setup()` first) and `langgraph-sqlite` (SqliteSaver on a file in the work folder, which
 * opens it in WAL mode).
 *
 * A workflow of N sequential steps is a StateGraph of N nodes in a chain, each adding its output to the
 * state; the fan-out is a node whose conditional edge returns one `Send` per branch to a `branch` node,
 * all joined by a `join` node. Each workflow is invoked with a thread_id of its own, and with
 * `durability: 'sync'`: the checkpoint of a step is written before the next step starts (the library's
 * default is 'async', which writes it while the next step runs).
 */

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Annotation, END, START, Send, StateGraph, type BaseCheckpointSaver } from '@langchain/langgraph';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import pg from 'pg';
import type { PeerSystem, SystemContext, SystemInstance } from '../system.js';

/** The state every graph carries: the sum of its steps' outputs (a reducer adds each update). */
const State = Annotation.Root({
  sum: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
  width: Annotation<number>({ reducer: (_, b) => b, default: () => 0 }),
});

type StateValue = typeof State.State;

/** A graph compiled against the checkpointer, as this adapter calls it. */
interface Invocable {
  invoke(input: Partial<StateValue>, config: { configurable: { thread_id: string }; durability: 'sync' }): Promise<StateValue>;
}

/** The node graphs are typed by their literal names; these are built in a loop, so the builder is loose. */
interface LooseGraph {
  addNode(name: string, action: (state: StateValue) => Partial<StateValue> | Send[]): LooseGraph;
  addEdge(from: string, to: string): LooseGraph;
  addConditionalEdges(from: string, route: (state: StateValue) => Send[]): LooseGraph;
  compile(options: { checkpointer: BaseCheckpointSaver }): Invocable;
}

function newGraph(): LooseGraph {
  return new StateGraph(State) as unknown as LooseGraph;
}

/** N nodes in a chain; step i outputs i + 1. */
function chainGraph(steps: number, checkpointer: BaseCheckpointSaver): Invocable {
  const graph = newGraph();
  for (let i = 0; i < steps; i++) graph.addNode(`step${i}`, () => ({ sum: i + 1 }));
  graph.addEdge(START, 'step0');
  for (let i = 1; i < steps; i++) graph.addEdge(`step${i - 1}`, `step${i}`);
  graph.addEdge(`step${steps - 1}`, END);
  return graph.compile({ checkpointer });
}

/** `width` branches sent from one node and joined; branch i outputs i + 1. */
function fanOutGraph(checkpointer: BaseCheckpointSaver): Invocable {
  const graph = newGraph()
    .addNode('fanout', () => ({}))
    .addNode('branch', (state) => ({ sum: (state as unknown as { branch: number }).branch + 1 }))
    .addNode('join', () => ({}));
  graph.addEdge(START, 'fanout');
  graph.addConditionalEdges('fanout', (state) => Array.from({ length: state.width }, (_, branch) => new Send('branch', { branch })));
  graph.addEdge('branch', 'join');
  graph.addEdge('join', END);
  return graph.compile({ checkpointer });
}

/** 1 + 2 + … + n: what a chain of n steps or a fan-out of n branches adds up to. */
function expectedSum(n: number): number {
  return (n * (n + 1)) / 2;
}

function instance(name: string, checkpointer: BaseCheckpointSaver, release: () => Promise<void>): SystemInstance {
  const chains = new Map<number, Invocable>();
  const fanOut = fanOutGraph(checkpointer);
  const invoke = async (graph: Invocable, input: Partial<StateValue>, expected: number, what: string): Promise<void> => {
    const state = await graph.invoke(input, { configurable: { thread_id: randomUUID() }, durability: 'sync' });
    if (state.sum !== expected) throw new Error(`${name}: ${what} added up to ${state.sum}, expected ${expected}`);
  };
  const chain = (steps: number): Promise<void> => {
    let graph = chains.get(steps);
    if (!graph) chains.set(steps, (graph = chainGraph(steps, checkpointer)));
    return invoke(graph, { sum: 0 }, expectedSum(steps), `a chain of ${steps} steps`);
  };
  return {
    pids: [],
    async w1(workflows, steps) {
      await Promise.all(Array.from({ length: workflows }, () => chain(steps)));
    },
    async w1seq(workflows, steps) {
      for (let i = 0; i < workflows; i++) await chain(steps);
    },
    w2: (width) => invoke(fanOut, { sum: 0, width }, expectedSum(width), `a fan-out of ${width}`),
    w3: () => chain(1),
    ten: () => chain(10),
    close: release,
  };
}

async function startPostgres(context: SystemContext): Promise<SystemInstance> {
  // The pool is ours (as `fromConnString` would make it) so that a closing connection's error is handled.
  const pool = new pg.Pool({ connectionString: context.pgUrl });
  pool.on('error', (error) => context.log(`langgraph-postgres pool: ${error.message}`));
  const checkpointer = new PostgresSaver(pool);
  await checkpointer.setup();
  return instance('langgraph-postgres', checkpointer, () => checkpointer.end());
}

async function startSqlite(context: SystemContext): Promise<SystemInstance> {
  const checkpointer = SqliteSaver.fromConnString(join(context.workDir, 'checkpoints.db'));
  const { db } = checkpointer as unknown as { db: { pragma(source: string, options: { simple: true }): unknown; close(): void } };
  context.log(`langgraph-sqlite: synchronous=${String(db.pragma('synchronous', { simple: true }))} (2 = FULL, 1 = NORMAL)`);
  return instance('langgraph-sqlite', checkpointer, async () => db.close());
}

export const systems: PeerSystem[] = [
  {
    id: 'langgraph-postgres',
    label: 'LangGraph 1.7.3 + PostgresSaver 1.0.5, durability sync',
    kind: 'durable',
    start: startPostgres,
  },
  {
    id: 'langgraph-sqlite',
    label: 'LangGraph 1.7.3 + SqliteSaver 1.0.4 (WAL), durability sync',
    kind: 'durable',
    notes: { TEN: 'stores in a SQLite file, not in PostgreSQL: no PostgreSQL commits or WAL to count' },
    start: startSqlite,
  },
];
