/**
 * Mastra workflows (core 0.24.9) on `@mastra/pg` 0.17.10's PostgresStore, in the round's database.
 *
 * A workflow of N sequential steps is `createWorkflow(…)` with N `createStep` steps joined by `.then`,
 * each adding its output to the sum it passes on; the fan-out is `.parallel([...])` over `width` steps
 * (Mastra's parallel takes a list of distinct steps, so a workflow is built per width) followed by a join
 * step that sums the branches' outputs. Each run is `createRunAsync()` then `start()`.
 *
 * Durability: Mastra's default (`shouldPersistSnapshot` always true): the run's snapshot is written to
 * PostgreSQL when the run is created and after every step (after a parallel block as a whole), each
 * write awaited before the next step. Workflows are built on first use and registered with the Mastra
 * instance the way its constructor registers them.
 */

import { Mastra } from '@mastra/core/mastra';
import { createStep, createWorkflow } from '@mastra/core/workflows';
import { PostgresStore } from '@mastra/pg';
import { z } from 'zod';
import type { PeerSystem, SystemContext, SystemInstance } from '../system.js';

const Sum = z.object({ sum: z.number() });

/**
 * The slice of a workflow this adapter uses, with the types loosened: the library types each `.then`
 * from the schemas of the step before, which a chain built in a loop cannot follow.
 */
interface LooseWorkflow {
  then(step: unknown): LooseWorkflow;
  parallel(steps: readonly unknown[]): LooseWorkflow;
  commit(): LooseWorkflow;
  __registerMastra(mastra: Mastra): void;
  __registerPrimitives(primitives: { logger: ReturnType<Mastra['getLogger']>; storage: ReturnType<Mastra['getStorage']> }): void;
  createRunAsync(): Promise<{ start(args: { inputData: unknown }): Promise<{ status: string; result?: unknown; error?: unknown }> }>;
}

function newWorkflow(id: string, inputSchema: z.ZodTypeAny): LooseWorkflow {
  return createWorkflow({ id, inputSchema, outputSchema: Sum }) as unknown as LooseWorkflow;
}

/** N steps in a chain; step i outputs i + 1, added to the sum it hands on. */
function chainWorkflow(steps: number): LooseWorkflow {
  let workflow = newWorkflow(`chain-${steps}`, Sum);
  for (let i = 0; i < steps; i++) {
    workflow = workflow.then(
      createStep({ id: `step${i}`, inputSchema: Sum, outputSchema: Sum, execute: async ({ inputData }) => ({ sum: inputData.sum + i + 1 }) }),
    );
  }
  return workflow.commit();
}

/** `width` parallel steps (branch i outputs i + 1) and a join that adds their outputs up. */
function fanOutWorkflow(width: number): LooseWorkflow {
  const branches = Array.from({ length: width }, (_, i) =>
    createStep({ id: `branch${i}`, inputSchema: Sum, outputSchema: Sum, execute: async () => ({ sum: i + 1 }) }),
  );
  const join = createStep({
    id: 'join',
    inputSchema: z.record(Sum),
    outputSchema: Sum,
    execute: async ({ inputData }) => ({ sum: Object.values(inputData).reduce((total, branch) => total + branch.sum, 0) }),
  });
  return newWorkflow(`fanout-${width}`, Sum).parallel(branches).then(join).commit();
}

/** 1 + 2 + … + n: what a chain of n steps or a fan-out of n branches adds up to. */
function expectedSum(n: number): number {
  return (n * (n + 1)) / 2;
}

async function start(context: SystemContext): Promise<SystemInstance> {
  const storage = new PostgresStore({ connectionString: context.pgUrl });
  await storage.init();
  // A connection that ends while closing must not become an unhandled 'error' on the pool.
  storage.db.$pool.on('error', (error) => context.log(`mastra pool: ${error.message}`));
  const mastra = new Mastra({ storage, logger: false });

  const workflows = new Map<string, LooseWorkflow>();
  const workflow = (key: string, build: () => LooseWorkflow): LooseWorkflow => {
    let built = workflows.get(key);
    if (!built) {
      built = build();
      built.__registerMastra(mastra);
      built.__registerPrimitives({ logger: mastra.getLogger(), storage: mastra.getStorage() });
      workflows.set(key, built);
    }
    return built;
  };
  const runOnce = async (flow: LooseWorkflow, expected: number, what: string): Promise<void> => {
    const run = await flow.createRunAsync();
    const result = await run.start({ inputData: { sum: 0 } });
    const sum = (result.result as { sum?: number } | undefined)?.sum;
    if (result.status !== 'success' || sum !== expected) {
      throw new Error(`mastra: ${what} ended ${result.status} with ${String(sum)}, expected ${expected}: ${String(result.error ?? '')}`);
    }
  };
  const chain = (steps: number): Promise<void> =>
    runOnce(
      workflow(`chain-${steps}`, () => chainWorkflow(steps)),
      expectedSum(steps),
      `a chain of ${steps} steps`,
    );

  return {
    pids: [],
    async w1(count, steps) {
      await Promise.all(Array.from({ length: count }, () => chain(steps)));
    },
    async w1seq(count, steps) {
      for (let i = 0; i < count; i++) await chain(steps);
    },
    w2: (width) =>
      runOnce(
        workflow(`fanout-${width}`, () => fanOutWorkflow(width)),
        expectedSum(width),
        `a fan-out of ${width}`,
      ),
    w3: () => chain(1),
    ten: () => chain(10),
    async close() {
      await mastra.shutdown();
      // The store's close() ends its pool without waiting; end the pool itself and wait for it.
      await storage.db.$pool.end();
    },
  };
}

export const systems: PeerSystem[] = [
  {
    id: 'mastra',
    label: 'Mastra 0.24.9 workflows + @mastra/pg 0.17.10, snapshot persisted after each step (default)',
    kind: 'durable',
    start,
  },
];
