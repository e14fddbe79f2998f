/** Flow control through engines: queue and per-key concurrency, start rate limits, priorities, queue selection. */
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  Client,
  Engine,
  ManualClock,
  defineQueue,
  defineRateLimit,
  defineWorkflow,
  silentLogger,
  type AnyWorkflow,
  type EngineOptions,
  type Store,
} from '@baton/core';
import { advance, waitFor, type StoreFactory } from '../../harness.js';

/** Engines on one database, each on its own store handle where the store can open another. */
async function engines(
  factory: StoreFactory,
  count: number,
  workflows: AnyWorkflow[],
  options: Partial<EngineOptions> = {},
  watch: (store: Store) => Store = (store) => store,
) {
  const first = await factory.create();
  const stores: Store[] = [first];
  for (let i = 1; i < count; i++) stores.push(factory.reopen === undefined ? first : await factory.reopen(first));
  const list = stores.map((store) => new Engine({ store: watch(store), workflows, logger: silentLogger, pollIntervalMs: 50, ...options }));
  for (const engine of list) await engine.start();
  return {
    engines: list,
    client: new Client({ store: first, workflows, ...(options.clock === undefined ? {} : { clock: options.clock }) }),
    async close() {
      await Promise.all(list.map((e) => e.stop({ timeoutMs: 2000 })));
      for (const store of new Set(stores)) await store.close();
    },
  };
}

/** What engines took from rate limiters: each event granted, at the engine's time of asking, and the takes still unanswered. */
function rateWatch() {
  const granted: { key: string; at: number }[] = [];
  let pending = 0;
  const watch = (store: Store): Store =>
    new Proxy(store, {
      get(target, prop) {
        if (prop === 'acquireRate') {
          return async (...args: Parameters<Store['acquireRate']>) => {
            pending++;
            try {
              const decision = await target.acquireRate(...args);
              if (decision.allowed) granted.push({ key: args[0], at: args[2] });
              return decision;
            } finally {
              pending--;
            }
          };
        }
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  return {
    watch,
    granted,
    get pending() {
      return pending;
    },
  };
}

/** Counts what is executing at once, overall and per key. */
function gauge() {
  const active = new Map<string, number>();
  const peak = new Map<string, number>();
  return {
    async hold(key: string, ms: number) {
      for (const k of [key, '*']) {
        active.set(k, (active.get(k) ?? 0) + 1);
        peak.set(k, Math.max(peak.get(k) ?? 0, active.get(k)!));
      }
      await delay(ms);
      for (const k of [key, '*']) active.set(k, active.get(k)! - 1);
    },
    peak: (key: string) => peak.get(key) ?? 0,
    keys: () => [...peak.keys()].filter((k) => k !== '*'),
  };
}

export function flowControlSuite(factory: StoreFactory): void {
  describe('flow control', () => {
    it("caps a queue's concurrency across engines", async () => {
      const g = gauge();
      const queue = defineQueue({ name: 'capped', concurrency: 2 });
      const wf = defineWorkflow({ name: 'in-capped', queue: 'capped' }, async (ctx, n: number) => {
        await ctx.step('work', () => g.hold('all', 40));
        return n;
      });
      const t = await engines(factory, 2, [wf], { queues: [queue], concurrency: 10 });
      try {
        const runs = await Promise.all(Array.from({ length: 10 }, (_, i) => t.client.start(wf, i)));
        expect(await Promise.all(runs.map((r) => r.result({ timeoutMs: 20_000 })))).toEqual(Array.from({ length: 10 }, (_, i) => i));
        expect(g.peak('*')).toBe(2);
      } finally {
        await t.close();
      }
    });

    it('runs one at a time per key, and different keys in parallel', async () => {
      const g = gauge();
      const wf = defineWorkflow(
        { name: 'per-customer', concurrency: { limit: 1, key: (input: { customer: string }) => input.customer } },
        async (ctx, input: { customer: string; n: number }) => {
          await ctx.step('work', () => g.hold(input.customer, 25));
          return input.n;
        },
      );
      const t = await engines(factory, 2, [wf], { concurrency: 10 });
      try {
        const inputs = Array.from({ length: 12 }, (_, n) => ({ customer: `c${n % 3}`, n }));
        const runs = await Promise.all(inputs.map((input) => t.client.start(wf, input)));
        expect(await Promise.all(runs.map((r) => r.result({ timeoutMs: 20_000 })))).toEqual(inputs.map((i) => i.n));
        expect(g.keys().sort()).toEqual(['c0', 'c1', 'c2']);
        for (const key of g.keys()) expect(g.peak(key), `runs of ${key} at once`).toBe(1);
        expect(g.peak('*')).toBeGreaterThan(1);
      } finally {
        await t.close();
      }
    });

    it('frees the slot while a run sleeps, and takes one again to resume', async () => {
      const order: string[] = [];
      const wf = defineWorkflow({ name: 'sleepy-slot', concurrency: { limit: 1 } }, async (ctx, name: string) => {
        await ctx.step('begin', () => void order.push(`${name}:begin`));
        if (name === 'first') await ctx.sleep(300);
        await ctx.step('end', () => void order.push(`${name}:end`));
        return name;
      });
      const t = await engines(factory, 1, [wf], { concurrency: 10 });
      try {
        const first = await t.client.start(wf, 'first');
        await waitFor(() => order.includes('first:begin'));
        const second = await t.client.start(wf, 'second');
        expect(await second.result({ timeoutMs: 10_000 })).toBe('second');
        expect(await first.result({ timeoutMs: 10_000 })).toBe('first');
        expect(order).toEqual(['first:begin', 'second:begin', 'second:end', 'first:end']);
      } finally {
        await t.close();
      }
    });

    it('starts at most N runs per period across engines, the rest in turn when they conform', async () => {
      const clock = new ManualClock();
      const started: number[] = [];
      const wf = defineWorkflow({ name: 'rate-limited', rateLimit: { limit: 2, period: '10s' } }, async (ctx, n: number) => {
        await ctx.step('start', () => void started.push(clock.now()));
        return n;
      });
      const t = await engines(factory, 2, [wf], { clock, concurrency: 10 });
      try {
        const t0 = clock.now();
        const runs = await Promise.all(Array.from({ length: 4 }, (_, i) => t.client.start(wf, i)));
        await waitFor(() => started.length === 1);
        await delay(100);
        expect(started).toHaveLength(1);
        await advance(clock, 4_999);
        await delay(100);
        expect(started).toHaveLength(1);
        await advance(clock, 1);
        await waitFor(() => started.length === 2);
        await advance(clock, 5_000);
        await waitFor(() => started.length === 3);
        await advance(clock, 5_000);
        await waitFor(() => started.length === 4);
        expect(started.map((at) => at - t0)).toEqual([0, 5_000, 10_000, 15_000]);
        expect(await Promise.all(runs.map((r) => r.result({ timeoutMs: 10_000 })))).toEqual([0, 1, 2, 3]);
      } finally {
        await t.close();
      }
    });

    it("limits a queue's start rate and lets a burst go at once", async () => {
      const clock = new ManualClock();
      const started: number[] = [];
      const queue = defineQueue({ name: 'bursty', rateLimit: { limit: 3, period: '3s', burst: 2 } });
      const wf = defineWorkflow({ name: 'in-bursty', queue: 'bursty' }, async (ctx) => {
        await ctx.step('start', () => void started.push(clock.now()));
      });
      const t = await engines(factory, 1, [wf], { clock, queues: [queue] });
      try {
        const t0 = clock.now();
        for (let i = 0; i < 4; i++) await t.client.start(wf, undefined);
        await waitFor(() => started.length === 2);
        await advance(clock, 1_000);
        await waitFor(() => started.length === 3);
        await advance(clock, 1_000);
        await waitFor(() => started.length === 4);
        expect(started.map((at) => at - t0)).toEqual([0, 0, 1_000, 2_000]);
      } finally {
        await t.close();
      }
    });

    it('debounces starts per key: one run, with the latest input, once the starts stop (and no later than maxWait)', async () => {
      const clock = new ManualClock();
      const ran: { doc: string; rev: number; at: number }[] = [];
      const wf = defineWorkflow(
        { name: 'reindex', debounce: { period: '5s', key: (input: { doc: string }) => input.doc, maxWait: '12s' } },
        async (ctx, input: { doc: string; rev: number }) => {
          await ctx.step('index', () => void ran.push({ ...input, at: clock.now() }));
          return input.rev;
        },
      );
      const t = await engines(factory, 2, [wf], { clock });
      try {
        const t0 = clock.now();
        const first = await t.client.start(wf, { doc: 'a', rev: 1 });
        expect(first.created).toBe(true);
        const other = await t.client.start(wf, { doc: 'b', rev: 1 });
        await advance(clock, 3_000);
        const second = await t.client.start(wf, { doc: 'a', rev: 2 });
        expect(second).toMatchObject({ id: first.id, created: false });
        await advance(clock, 2_000);
        // 'b' was left alone for 5 s; 'a' was pushed back by its second start.
        await waitFor(() => ran.length === 1);
        expect(ran).toEqual([{ doc: 'b', rev: 1, at: t0 + 5_000 }]);
        await advance(clock, 1_000);
        const third = await t.client.start(wf, { doc: 'a', rev: 3 });
        expect(third.id).toBe(first.id);
        await advance(clock, 4_999);
        await delay(100);
        expect(ran).toHaveLength(1);
        await advance(clock, 1);
        await waitFor(() => ran.length === 2);
        expect(ran[1]).toEqual({ doc: 'a', rev: 3, at: t0 + 11_000 });
        expect(await first.result({ timeoutMs: 10_000 })).toBe(3);
        expect(await other.result({ timeoutMs: 10_000 })).toBe(1);

        // A steady stream of starts runs no later than maxWait after the first of them.
        const start = clock.now();
        const stream = await t.client.start(wf, { doc: 'c', rev: 0 });
        for (let rev = 1; rev <= 3; rev++) {
          await advance(clock, 3_000);
          expect((await t.client.start(wf, { doc: 'c', rev })).id).toBe(stream.id);
        }
        // The last start asked for S + 14 s; maxWait caps it at S + 12 s.
        await advance(clock, 2_999);
        await delay(100);
        expect(ran.some((r) => r.doc === 'c')).toBe(false);
        await advance(clock, 1);
        await waitFor(() => ran.some((r) => r.doc === 'c'));
        expect(ran.find((r) => r.doc === 'c')).toEqual({ doc: 'c', rev: 3, at: start + 12_000 });
        // Once it started, the next start begins a new debounced run.
        const next = await t.client.start(wf, { doc: 'c', rev: 9 });
        expect(next.created).toBe(true);
        expect(next.id).not.toBe(stream.id);
      } finally {
        await t.close();
      }
    });

    it('throttles starts per key: one run per period, starts in between return it', async () => {
      const clock = new ManualClock();
      const ran: string[] = [];
      const wf = defineWorkflow(
        { name: 'sync-account', throttle: { period: '10s', key: (input: { account: string }) => input.account } },
        async (ctx, input: { account: string; n: number }) => {
          await ctx.step('sync', () => void ran.push(`${input.account}:${input.n}`));
        },
      );
      const t = await engines(factory, 2, [wf], { clock });
      try {
        const first = await t.client.start(wf, { account: 'x', n: 1 });
        expect(first.created).toBe(true);
        await waitFor(() => ran.length === 1);
        await advance(clock, 4_000);
        const inside = await Promise.all([t.client.start(wf, { account: 'x', n: 2 }), t.client.start(wf, { account: 'x', n: 3 })]);
        for (const handle of inside) expect(handle).toMatchObject({ id: first.id, created: false });
        const y = await t.client.start(wf, { account: 'y', n: 1 });
        expect(y.created).toBe(true);
        await waitFor(() => ran.length === 2);
        await advance(clock, 6_000);
        const later = await t.client.start(wf, { account: 'x', n: 4 });
        expect(later.created).toBe(true);
        await waitFor(() => ran.length === 3);
        expect(ran).toEqual(['x:1', 'y:1', 'x:4']);
      } finally {
        await t.close();
      }
    });

    it('rate-limits the steps that share a named limiter across engines, per key where asked', async () => {
      const clock = new ManualClock();
      const calls: { key: string; at: number }[] = [];
      const api = defineRateLimit({ name: 'partner-api', limit: 2, period: '2s' });
      const wf = defineWorkflow({ name: 'calls-api' }, async (ctx, tenant: string) => {
        for (let i = 0; i < 2; i++) {
          await ctx.step(`call-${i}`, () => void calls.push({ key: 'global', at: clock.now() }), { rateLimit: api });
          await ctx.step(`tenant-call-${i}`, () => void calls.push({ key: tenant, at: clock.now() }), { rateLimit: { limiter: api, key: tenant } });
        }
        return tenant;
      });
      const rates = rateWatch();
      const t = await engines(factory, 2, [wf], { clock }, rates.watch);
      try {
        const t0 = clock.now();
        const runs = await Promise.all(['t1', 't2'].map((tenant) => t.client.start(wf, tenant)));
        // A second at a time until every call was made, never while a take is unanswered: a loaded
        // machine may need more turns than the eight a quick one does, and more time passing only
        // spreads the calls further apart.
        for (let i = 0; i < 200 && calls.length < 8; i++) {
          await waitFor(() => rates.pending === 0);
          await delay(50);
          await advance(clock, 1_000);
        }
        await waitFor(() => calls.length === 8);
        expect(await Promise.all(runs.map((r) => r.result({ timeoutMs: 10_000 })))).toEqual(['t1', 't2']);
        for (const key of ['global', 't1', 't2'])
          expect(
            calls.filter((c) => c.key === key),
            `calls under ${key}`,
          ).toHaveLength(key === 'global' ? 4 : 2);
        // The limiter's grants, at the time each engine asked (a call runs once its answer arrives, which
        // on a loaded machine may be after the clock moved on): 4 under the shared limiter, 2 per tenant.
        const byKey = new Map<string, number[]>();
        for (const g of rates.granted) byKey.set(g.key, [...(byKey.get(g.key) ?? []), g.at - t0]);
        expect([...byKey.values()].map((times) => times.length).sort()).toEqual([2, 2, 4]);
        for (const [key, times] of byKey) {
          // One call a second at most (2 per 2 s, spread evenly).
          for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, `grants under ${key}: ${times.join(', ')}`).toBeGreaterThanOrEqual(1_000);
        }
      } finally {
        await t.close();
      }
    });

    it('suspends a run whose next rate-limited step is far off, and resumes it when the limiter allows', async () => {
      const clock = new ManualClock();
      const hourly = defineRateLimit({ name: 'hourly-report', limit: 1, period: '1 hour' });
      const ran: number[] = [];
      const wf = defineWorkflow({ name: 'reports' }, async (ctx) => {
        await ctx.step('first', () => void ran.push(clock.now()), { rateLimit: hourly });
        await ctx.step('second', () => void ran.push(clock.now()), { rateLimit: hourly });
        return ran.length;
      });
      const t = await engines(factory, 1, [wf], { clock });
      try {
        const t0 = clock.now();
        const run = await t.client.start(wf, undefined);
        await waitFor(async () => (await t.client.get(run.id))?.status === 'waiting');
        // The engine lets go of the run once its suspend committed, a moment after the status shows.
        await waitFor(() => t.engines[0]!.activeRuns === 0, { message: 'the engine to let go of the waiting run' });
        expect((await t.client.get(run.id))?.wakeAt?.getTime()).toBe(t0 + 3_600_000);
        await advance(clock, 3_600_000);
        expect(await run.result({ timeoutMs: 10_000 })).toBe(2);
        expect(ran.map((at) => at - t0)).toEqual([0, 3_600_000]);
      } finally {
        await t.close();
      }
    });

    it('claims higher priorities first, first come first served within a priority', async () => {
      const order: string[] = [];
      const wf = defineWorkflow({ name: 'prioritised' }, async (ctx, name: string) => {
        await ctx.step('run', () => void order.push(name));
      });
      const store = await factory.create();
      await store.init();
      const client = new Client({ store, workflows: [wf] });
      const engine = new Engine({ store, workflows: [wf], logger: silentLogger, concurrency: 1, pollIntervalMs: 50 });
      try {
        for (const [name, priority] of [
          ['low-1', 0],
          ['high-1', 5],
          ['low-2', 0],
          ['urgent', 9],
          ['high-2', 5],
        ] as const) {
          await client.start(wf, name, { priority });
          await delay(2);
        }
        await engine.start();
        await waitFor(() => order.length === 5);
        expect(order).toEqual(['urgent', 'high-1', 'high-2', 'low-1', 'low-2']);
      } finally {
        await engine.stop();
        await store.close();
      }
    });

    it('lets each worker serve only the queues it names', async () => {
      const ranOn = new Map<string, string>();
      const make = (engineName: string) =>
        defineWorkflow({ name: 'routed' }, async (ctx, queue: string) => {
          await ctx.step('where', () => void ranOn.set(queue + ctx.runId, engineName));
          return engineName;
        });
      const store = await factory.create();
      const other = factory.reopen === undefined ? store : await factory.reopen(store);
      const a = new Engine({ store, workflows: [make('a')], logger: silentLogger, queues: ['alpha'], pollIntervalMs: 50 });
      const b = new Engine({ store: other, workflows: [make('b')], logger: silentLogger, queues: ['beta', 'gamma'], pollIntervalMs: 50 });
      await a.start();
      await b.start();
      try {
        const client = new Client({ store });
        const runs = await Promise.all(['alpha', 'beta', 'gamma', 'alpha', 'beta'].map((queue) => client.start('routed', queue, { queue })));
        expect(await Promise.all(runs.map((r) => r.result({ timeoutMs: 10_000 })))).toEqual(['a', 'b', 'b', 'a', 'b']);
      } finally {
        await a.stop();
        await b.stop();
        await store.close();
        if (other !== store) await other.close();
      }
    });
  });
}
