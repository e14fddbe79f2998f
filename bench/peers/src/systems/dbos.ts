/**
 * DBOS Transact 5.3.0 with its durable default: workflows and steps checkpointed in its system
 * database (here the round's PostgreSQL database), each step's result committed before the next
 * step runs. Workflows are started with `DBOS.startWorkflow` and awaited through the handle; steps
 * are `DBOS.runStep`. DBOS is one instance per process, which the child process gives it.
 */
import { DBOS } from '@dbos-inc/dbos-sdk';
import type { PeerSystem, SystemInstance } from '../system.js';
import { packageVersion } from '../versions.js';

const VERSION = packageVersion('@dbos-inc/dbos-sdk');

/** The workflows, registered anew on each start (close() clears DBOS's registry). */
function register() {
  const chain = DBOS.registerWorkflow(
    async (steps: number): Promise<number> => {
      let value = 0;
      for (let i = 0; i < steps; i++) {
        const previous = value;
        value = await DBOS.runStep(async () => previous + 1, { name: 'add' });
      }
      return value;
    },
    { name: 'chain' },
  );
  const fanOut = DBOS.registerWorkflow(
    async (width: number): Promise<number> => {
      const values = await Promise.all(Array.from({ length: width }, (_, i) => DBOS.runStep(async () => i, { name: 'branch' })));
      return values.reduce((sum, v) => sum + v, 0);
    },
    { name: 'fanOut' },
  );
  const single = DBOS.registerWorkflow(async (input: number): Promise<number> => DBOS.runStep(async () => input + 1, { name: 'one' }), {
    name: 'single',
  });
  return { chain, fanOut, single };
}

async function run<A extends unknown[], R>(workflow: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  const handle = await DBOS.startWorkflow(workflow)(...args);
  return handle.getResult();
}

export const systems: PeerSystem[] = [
  {
    id: 'dbos',
    label: `DBOS Transact ${VERSION}, durable default (system database on PostgreSQL)`,
    kind: 'durable',
    async start(context) {
      const workflows = register();
      DBOS.setConfig({ name: 'peer-bench', systemDatabaseUrl: context.pgUrl, logLevel: 'error' });
      await DBOS.launch();
      const instance: SystemInstance = {
        pids: [],
        async w1(count, steps) {
          const handles = await Promise.all(Array.from({ length: count }, () => DBOS.startWorkflow(workflows.chain)(steps)));
          const results = await Promise.all(handles.map((h) => h.getResult()));
          if (results.some((r) => r !== steps)) throw new Error('a workflow returned a wrong result');
        },
        async w1seq(count, steps) {
          for (let i = 0; i < count; i++) if ((await run(workflows.chain, steps)) !== steps) throw new Error('a workflow returned a wrong result');
        },
        async w2(width) {
          if ((await run(workflows.fanOut, width)) !== (width * (width - 1)) / 2) throw new Error('wrong sum');
        },
        async w3() {
          if ((await run(workflows.single, 1)) !== 2) throw new Error('wrong result');
        },
        async ten() {
          if ((await run(workflows.chain, 10)) !== 10) throw new Error('wrong result');
        },
        async close() {
          await DBOS.shutdown({ deregister: true });
        },
      };
      return instance;
    },
  },
];
