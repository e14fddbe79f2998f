/**
 * Every system the harness knows, in the order of the first round. A child process loads only the
 * module of the system it runs (`loadSystem`): some libraries change process-wide state when they
 * are imported (instrumentation, hooks, patched drivers), and one system must not pay for another's.
 */
import type { PeerSystem } from '../system.js';

type SystemModule = () => Promise<{ systems: PeerSystem[] }>;

const MODULES = {
  baton: () => import('./baton.js'),
  dbos: () => import('./dbos.js'),
  restate: () => import('./restate.js'),
  mastra: () => import('./mastra.js'),
  langgraph: () => import('./langgraph.js'),
  'graphile-worker': () => import('./graphile-worker.js'),
  'pg-boss': () => import('./pg-boss.js'),
  bullmq: () => import('./bullmq.js'),
} satisfies Record<string, SystemModule>;

/** Which module defines each system, by id, in the order of the first round. */
const SYSTEM_MODULES: Record<string, keyof typeof MODULES> = {
  'baton-strict': 'baton',
  'baton-batched': 'baton',
  dbos: 'dbos',
  restate: 'restate',
  mastra: 'mastra',
  'langgraph-postgres': 'langgraph',
  'langgraph-sqlite': 'langgraph',
  'graphile-worker': 'graphile-worker',
  'pg-boss': 'pg-boss',
  bullmq: 'bullmq',
};

/** The ids of every system, in the order of the first round. */
export const SYSTEM_IDS: readonly string[] = Object.keys(SYSTEM_MODULES);

/** One system, loading only the module that defines it; undefined for an unknown id. */
export async function loadSystem(id: string): Promise<PeerSystem | undefined> {
  const module = SYSTEM_MODULES[id];
  if (module === undefined) return undefined;
  const { systems } = await MODULES[module]();
  return systems.find((system) => system.id === id);
}

/** Every system (the parent process, which lists them and measures none). */
export async function loadSystems(): Promise<PeerSystem[]> {
  const loaded = await Promise.all(SYSTEM_IDS.map((id) => loadSystem(id)));
  return loaded.filter((system): system is PeerSystem => system !== undefined);
}
