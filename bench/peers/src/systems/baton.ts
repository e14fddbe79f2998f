/**
 * Baton on PostgreSQL, in the harness's process: an engine and its client on `@baton/postgres`, in
 * a schema of the round's database. Two systems: strict (each step durable before the next one
 * starts, Baton's default) and batched (steps reach the database in group commits after the fact).
 * Engine concurrency is that of Baton's own benchmarks (bench/workloads): 256 for W1, 16 otherwise.
 */
import { Engine, defineWorkflow, silentLogger, type Durability } from '@baton/core';
import { PostgresStore } from '@baton/postgres';
import type { PeerSystem, SystemContext, SystemInstance } from '../system.js';

const chain = defineWorkflow<{ steps: number }, number>({ name: 'peers.chain' }, async (ctx, input) => {
  let value = 0;
  for (let i = 0; i < input.steps; i++) {
    const previous = value;
    value = await ctx.step('add', () => previous + 1);
  }
  return value;
});

const fanOut = defineWorkflow<{ width: number }, number>({ name: 'peers.fan-out' }, async (ctx, input) => {
  const values = await Promise.all(Array.from({ length: input.width }, (_, i) => ctx.step('branch', () => i)));
  return values.reduce((sum, v) => sum + v, 0);
});

const single = defineWorkflow<number, number>({ name: 'peers.single' }, async (ctx, input) => ctx.step('one', () => input + 1));

const WORKFLOWS = [chain, fanOut, single];

/** The concurrency bench/workloads give the engine: W1 256, the others 16. */
const CONCURRENT = 256;
const SEQUENTIAL = 16;

class BatonInstance implements SystemInstance {
  readonly pids: readonly number[] = [];
  readonly #store: PostgresStore;
  readonly #durability: Durability;
  #engine: Engine | undefined;
  #concurrency = 0;

  constructor(context: SystemContext, durability: Durability) {
    this.#store = new PostgresStore({ connectionString: context.pgUrl, schema: 'baton' });
    this.#durability = durability;
  }

  /** The engine for a concurrency; a change of concurrency replaces it (during a warm-up). */
  async engine(concurrency: number): Promise<Engine> {
    if (this.#engine !== undefined && this.#concurrency === concurrency) return this.#engine;
    await this.#engine?.stop({ timeoutMs: 1000 });
    const engine = new Engine({ store: this.#store, workflows: WORKFLOWS, concurrency, durability: this.#durability, logger: silentLogger });
    await engine.start();
    this.#engine = engine;
    this.#concurrency = concurrency;
    return engine;
  }

  async w1(workflows: number, steps: number): Promise<void> {
    const { client } = await this.engine(CONCURRENT);
    const handles = await Promise.all(Array.from({ length: workflows }, () => client.start(chain, { steps })));
    const results = await Promise.all(handles.map((h) => h.result()));
    if (results.some((r) => r !== steps)) throw new Error('a workflow returned a wrong result');
  }

  async w1seq(workflows: number, steps: number): Promise<void> {
    const { client } = await this.engine(SEQUENTIAL);
    for (let i = 0; i < workflows; i++) {
      if ((await (await client.start(chain, { steps })).result()) !== steps) throw new Error('a workflow returned a wrong result');
    }
  }

  async w2(width: number): Promise<void> {
    const { client } = await this.engine(SEQUENTIAL);
    if ((await (await client.start(fanOut, { width })).result()) !== (width * (width - 1)) / 2) throw new Error('wrong sum');
  }

  async w3(): Promise<void> {
    const { client } = await this.engine(SEQUENTIAL);
    if ((await (await client.start(single, 1)).result()) !== 2) throw new Error('wrong result');
  }

  async ten(): Promise<void> {
    await this.w1seq(1, 10);
  }

  async close(): Promise<void> {
    try {
      await this.#engine?.stop({ timeoutMs: 1000 });
    } finally {
      await this.#store.close();
    }
  }
}

function baton(durability: Durability): PeerSystem {
  return {
    id: `baton-${durability}`,
    label:
      durability === 'strict'
        ? 'Baton (this repository), PostgreSQL, strict: a step is durable before its successor starts'
        : 'Baton (this repository), PostgreSQL, batched: steps are group-committed after the fact',
    kind: durability === 'strict' ? 'durable' : 'batched',
    async start(context) {
      const instance = new BatonInstance(context, durability);
      // Create the schema and start an engine before the clock starts for any workload.
      await instance.engine(SEQUENTIAL);
      return instance;
    },
  };
}

export const systems: PeerSystem[] = [baton('strict'), baton('batched')];
