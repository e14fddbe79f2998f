/**
 * The planning part of the demo `npm start` runs: a paragraph describing a purchase request becomes
 * a Serverless Workflow definition through a durable `baton.plan` run (each round's answer validated
 * against the deployment's catalog), and the valid definition is simulated on a private in-memory
 * store before anyone deploys it. With no model configured, Baton's rule-based offline planner
 * answers (see ai-model.ts), so this runs offline and plans the same definition every time.
 */
import type { Client, Engine } from '@baton/core';
import { PLANNER_WORKFLOW, catalogFromStore, plan, simulate, type PlanResult, type SimulatedTask, type SimulationResult } from '@baton/dsl';
import { SqliteStore } from '@baton/sqlite';

/** The process the demo plans: it uses the examples' invoice-approval workflow. */
export const PLANNING_PARAGRAPH =
  'When a purchase request comes in, a manager must approve it if the amount is above 5,000 EUR, and then the invoice-approval workflow runs on the invoice document. Finally, notify the requester by email.';

/** The sample the planned definition is simulated with: over 5,000 EUR, so the approval branch is taken. */
export const PLANNING_SAMPLE = {
  amount: 7_400,
  document: [
    'Invoice: INV-2030-0077',
    'Vendor: Contoso Office Supply',
    'PO: PO-2003',
    'Currency: EUR',
    'Line: Standing desks | 8 | 925.00',
    'Total: 7400.00',
  ].join('\n'),
  requesterEmail: 'ravi.patel@example.com',
};

export interface PlannerDemoOptions {
  client: Client;
  /** The engine the planning run goes to; the demo checks it has the planner workflow, and reads its catalog for the simulation. */
  engine?: Engine;
  log: (line: string) => void;
  /** Real time to wait for the planning run. */
  timeoutMs: number;
}

export interface PlannerDemoResult {
  readonly plan: PlanResult;
  readonly simulation?: SimulationResult;
}

/** Plans the paragraph, logs each round and the definition, and simulates a valid one; undefined when the planner is not registered. */
export async function plannerDemo({ client, engine, log, timeoutMs }: PlannerDemoOptions): Promise<PlannerDemoResult | undefined> {
  if (engine !== undefined && engine.workflows.get(PLANNER_WORKFLOW) === undefined) {
    log(`demo: the planner workflow (${PLANNER_WORKFLOW}) is not registered with this engine; skipping the planning demo`);
    return undefined;
  }
  log(`demo: planning a workflow from a paragraph (a durable ${PLANNER_WORKFLOW} run): "${PLANNING_PARAGRAPH}"`);
  const result = await plan({ description: PLANNING_PARAGRAPH }, { client, timeoutMs });
  for (const round of result.rounds) {
    const verdict = round.valid
      ? 'valid'
      : `${round.issues.length} problem${round.issues.length === 1 ? '' : 's'}: ${round.issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`;
    log(`demo: plan round ${round.round} (${round.model}): ${verdict} · ${round.tokens.total} tokens, $${round.costUsd.toFixed(4)}`);
  }
  if (!result.valid || result.definition === undefined) {
    log(`demo: the plan is still invalid after ${result.rounds.length} round${result.rounds.length === 1 ? '' : 's'}; nothing to simulate`);
    return { plan: result };
  }
  log(`demo: planned ${result.workflowName ?? 'a workflow'} ${result.version ?? ''}:`.replace(/ :$/, ':'));
  for (const line of result.definition.trimEnd().split('\n')) log(`  │ ${line}`);

  const catalog = engine === undefined ? undefined : await catalogFromStore(engine.store, { workflows: engine.workflows });
  const simulation = await simulate(result.definition, PLANNING_SAMPLE, {
    store: () => new SqliteStore({ path: ':memory:' }),
    scenario: { approvals: { '*': { approved: true, comment: 'Within the quarterly budget.' } } },
    ...(catalog === undefined ? {} : { catalog }),
  });
  log(
    `demo: simulated it (nothing leaves the process) with amount ${PLANNING_SAMPLE.amount} EUR and a manager who approves: ${describePath(simulation.path)} → ${simulation.status}`,
  );
  log(
    `demo: the planned definition is not deployed: open the dashboard's "New workflow" page to plan one yourself, simulate it with other inputs, and deploy it`,
  );
  return { plan: result, simulation };
}

/** The path as one line: each top-level task, and the case a switch took (none is not shown). */
export function describePath(path: readonly SimulatedTask[]): string {
  return path
    .filter((task) => task.depth === 0)
    .map(
      (task) =>
        `${task.name}${task.branch === undefined || task.branch === 'none' ? '' : ` [${task.branch}]`}${task.status === 'completed' ? '' : ` (${task.status})`}`,
    )
    .join(' → ');
}
