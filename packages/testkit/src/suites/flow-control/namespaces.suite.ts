/**
 * Flow control per namespace: a workflow's concurrency, rate-limit, debounce and throttle keys are
 * kept apart by namespace, so one tenant's running or recent runs never hold back, coalesce with or
 * absorb another's; the default namespace's keys are as they were before namespaces had them.
 */
import { describe, expect, it } from 'vitest';
import { Client, Engine, ManualClock, defineWorkflow, silentLogger, type AnyWorkflow, type EngineOptions } from '@baton/core';
import { advance, waitFor, type StoreFactory } from '../../harness.js';

async function engine(factory: StoreFactory, workflows: AnyWorkflow[], options: Partial<EngineOptions> = {}) {
  const store = await factory.create();
  const e = new Engine({ store, workflows, logger: silentLogger, pollIntervalMs: 50, concurrency: 10, ...options });
  await e.start();
  const client = new Client({ store, workflows, ...(options.clock === undefined ? {} : { clock: options.clock }) });
  return {
    store,
    client,
    as: (namespace: string) => client.as({ id: 'key', namespace }),
    async close() {
      await e.stop({ timeoutMs: 2000 });
      await store.close();
    },
  };
}

export function flowControlNamespacesSuite(factory: StoreFactory): void {
  describe('flow control per namespace', () => {
    it("keeps a workflow's concurrency per namespace: one tenant's running run does not hold back another's", async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let holding = false;
      const wf = defineWorkflow({ name: 'tenant-slot', concurrency: { limit: 1 } }, async (ctx, input: { hold: boolean; n: number }) => {
        await ctx.step('work', async () => {
          if (!input.hold) return;
          holding = true;
          await gate;
        });
        return input.n;
      });
      const t = await engine(factory, [wf]);
      try {
        const a1 = await t.as('team-a').start(wf, { hold: true, n: 1 });
        await waitFor(() => holding);
        const a2 = await t.as('team-a').start(wf, { hold: false, n: 2 });
        const b1 = await t.as('team-b').start(wf, { hold: false, n: 3 });
        const d1 = await t.client.start(wf, { hold: false, n: 4 });
        // team-b and default each have a slot of their own while team-a's is taken.
        expect(await b1.result({ timeoutMs: 20_000 })).toBe(3);
        expect(await d1.result({ timeoutMs: 20_000 })).toBe(4);
        expect((await t.store.getRun(a2.id))?.status).toBe('queued');
        release();
        expect(await a1.result({ timeoutMs: 20_000 })).toBe(1);
        expect(await a2.result({ timeoutMs: 20_000 })).toBe(2);
        expect((await t.store.getRun(b1.id))?.concurrencyKey).toBe('namespace:team-b/workflow:tenant-slot');
        expect((await t.store.getRun(d1.id))?.concurrencyKey).toBe('workflow:tenant-slot');
      } finally {
        release();
        await t.close();
      }
    });

    it('throttles and rate-limits per namespace: the same key in another namespace is another key', async () => {
      const clock = new ManualClock();
      const ran: string[] = [];
      const wf = defineWorkflow(
        { name: 'tenant-sync', throttle: { period: '10s', key: (input: { account: string }) => input.account } },
        async (ctx, input: { account: string; who: string }) => {
          await ctx.step('sync', () => void ran.push(`${input.who}:${input.account}`));
        },
      );
      const limited = defineWorkflow({ name: 'tenant-rate', rateLimit: { limit: 1, period: '1 hour' } }, async () => 'ok');
      const t = await engine(factory, [wf, limited], { clock });
      try {
        const a = await t.as('team-a').start(wf, { account: 'x', who: 'a' });
        const b = await t.as('team-b').start(wf, { account: 'x', who: 'b' });
        expect([a.created, b.created]).toEqual([true, true]);
        expect(b.id).not.toBe(a.id);
        await waitFor(() => ran.length === 2);
        await advance(clock, 1_000);
        // Inside the period, a start in team-a returns team-a's run, never team-b's.
        const again = await t.as('team-a').start(wf, { account: 'x', who: 'a2' });
        expect(again).toMatchObject({ id: a.id, created: false });
        expect(ran.sort()).toEqual(['a:x', 'b:x']);

        // One start an hour per namespace: team-a's start does not use up team-b's.
        const ra = await t.as('team-a').start(limited, undefined);
        const rb = await t.as('team-b').start(limited, undefined);
        expect(await ra.result({ timeoutMs: 20_000 })).toBe('ok');
        expect(await rb.result({ timeoutMs: 20_000 })).toBe('ok');
        expect((await t.store.getRun(rb.id))?.rateKey).toBe('namespace:team-b/workflow:tenant-rate');
      } finally {
        await t.close();
      }
    });
  });
}
