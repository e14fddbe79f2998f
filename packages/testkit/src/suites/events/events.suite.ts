/** Events: the deduplicated log, CloudEvents, triggers, and waiting for an event (never missed, matched on data). */
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Client, Engine, ErrorCode, TIMED_OUT, defineWorkflow, silentLogger, type AnyWorkflow, type ReceivedEvent, type Store } from '@baton/core';
import { waitFor, type StoreFactory } from '../../harness.js';

async function setup(factory: StoreFactory, workflows: AnyWorkflow[], engines = 1, wrap?: (store: Store) => void) {
  const first = await factory.create();
  await first.init();
  wrap?.(first);
  const stores: Store[] = [first];
  for (let i = 1; i < engines; i++) stores.push(factory.reopen === undefined ? first : await factory.reopen(first));
  const list = stores.map((store) => new Engine({ store, workflows, logger: silentLogger, pollIntervalMs: 50 }));
  for (const engine of list) await engine.start();
  return {
    client: new Client({ store: first, workflows }),
    engines: list,
    async close() {
      await Promise.all(list.map((e) => e.stop({ timeoutMs: 2000 })));
      for (const store of new Set(stores)) await store.close();
    },
  };
}

export function eventsSuite(factory: StoreFactory): void {
  describe('events', () => {
    it('keeps a log deduplicated by source and id, and takes CloudEvents 1.0 structured JSON', async () => {
      const t = await setup(factory, []);
      try {
        const first = await t.client.emit('invoice.paid', { invoiceId: 'i-1', amount: 120 }, { id: 'evt-1', source: 'billing', subject: 'i-1' });
        expect(first).toMatchObject({
          created: true,
          id: 'evt-1',
          type: 'invoice.paid',
          source: 'billing',
          subject: 'i-1',
          data: { invoiceId: 'i-1', amount: 120 },
        });
        const again = await t.client.emit('invoice.paid', { other: true }, { id: 'evt-1', source: 'billing' });
        expect(again).toMatchObject({ created: false, seq: first.seq, data: { invoiceId: 'i-1', amount: 120 } });
        // The same id from another source is another event.
        expect((await t.client.emit('invoice.paid', null, { id: 'evt-1', source: 'shop' })).created).toBe(true);
        const cloud = await t.client.events.emitCloudEvent({
          specversion: '1.0',
          id: 'A234-1234-1234',
          source: 'https://example.com/orders',
          type: 'order.created',
          time: '2030-01-01T10:00:00Z',
          datacontenttype: 'application/json',
          data: { orderId: 'o-7' },
        });
        expect(cloud).toMatchObject({ created: true, type: 'order.created', source: 'https://example.com/orders', data: { orderId: 'o-7' } });
        expect(cloud.time.toISOString()).toBe('2030-01-01T10:00:00.000Z');
        const log = await t.client.events.list();
        expect(log.map((e) => `${e.type}:${e.source}:${e.id}`)).toEqual([
          'invoice.paid:billing:evt-1',
          'invoice.paid:shop:evt-1',
          'order.created:https://example.com/orders:A234-1234-1234',
        ]);
        expect((await t.client.events.list({ type: 'order.created' })).map((e) => e.id)).toEqual(['A234-1234-1234']);
        expect((await t.client.events.list({ after: log[0]!.seq, limit: 1 })).map((e) => e.source)).toEqual(['shop']);
        for (const bad of [
          () => t.client.emit('bad type!', {}),
          () => t.client.emit('ok', {}, { id: '' }),
          () => t.client.events.emitCloudEvent({ specversion: '0.3', id: 'x', source: 's', type: 't' }),
          () => t.client.events.emitCloudEvent({ specversion: '1.0', id: 'x', source: 's' }),
          () => t.client.events.emitCloudEvent({ specversion: '1.0', id: 'x', source: 's', type: 't', time: 'yesterday' }),
          () => t.client.events.emitCloudEvent({ specversion: '1.0', id: 'x', source: 's', type: 't', data_base64: 'AAAA' }),
          () => t.client.signal('some-run', '$event:x#1', {}),
        ]) {
          await expect(bad()).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
        }
      } finally {
        await t.close();
      }
    });

    it('starts one run per matching event across engines, with the event (or its data) as input', async () => {
      const wf = defineWorkflow(
        { name: 'welcome-pro', on: { event: 'user.signed-up', match: { 'data.plan': 'pro' } } },
        async (ctx, event: ReceivedEvent<{ email: string }>) => {
          return ctx.step('send', () => `welcome ${event.data.email} (${event.type} from ${event.source}, ${event.time.getUTCFullYear()})`);
        },
      );
      const audit = defineWorkflow(
        { name: 'audit-signup', on: { event: 'user.signed-up', input: 'data' } },
        async (_ctx, data: { email: string }) => data.email,
      );
      const t = await setup(factory, [wf, audit], 2);
      try {
        await t.client.emit('user.signed-up', { email: 'a@x', plan: 'pro' }, { id: 'u1', time: Date.UTC(2031, 0, 1) });
        await t.client.emit('user.signed-up', { email: 'b@x', plan: 'free' }, { id: 'u2' });
        await t.client.emit('user.signed-up', { email: 'a@x', plan: 'pro' }, { id: 'u1' }); // a duplicate: starts nothing
        await t.client.emit('user.deleted', { email: 'a@x', plan: 'pro' }, { id: 'u3' });
        await waitFor(async () => (await t.client.list({ status: 'completed' })).runs.length === 3);
        await delay(200);
        const runs = (await t.client.list()).runs;
        expect(runs.filter((r) => r.workflow === 'welcome-pro').map((r) => r.output)).toEqual(['welcome a@x (user.signed-up from baton, 2031)']);
        expect(
          runs
            .filter((r) => r.workflow === 'audit-signup')
            .map((r) => r.output)
            .sort(),
        ).toEqual(['a@x', 'b@x']);
      } finally {
        await t.close();
      }
    });

    it("holds event-triggered runs to their workflow's per-key concurrency", async () => {
      let active = 0;
      let peak = 0;
      const wf = defineWorkflow(
        {
          name: 'one-per-account',
          on: { event: 'account.changed' },
          concurrency: { limit: 1, key: (event: ReceivedEvent<{ account: string }>) => event.data.account },
        },
        async (ctx, event: ReceivedEvent<{ account: string; n: number }>) => {
          await ctx.step('sync', async () => {
            active++;
            peak = Math.max(peak, active);
            await delay(30);
            active--;
          });
          return event.data.n;
        },
      );
      const t = await setup(factory, [wf], 2);
      try {
        for (let n = 0; n < 4; n++) await t.client.emit('account.changed', { account: 'acct-1', n });
        await waitFor(async () => (await t.client.list({ workflow: wf.name, status: 'completed' })).runs.length === 4, { timeoutMs: 15_000 });
        expect(peak).toBe(1);
        const runs = (await t.client.list({ workflow: wf.name })).runs;
        expect(runs.map((r) => r.output).sort()).toEqual([0, 1, 2, 3]);
      } finally {
        await t.close();
      }
    });

    it('waits for the first matching event after the wait began, matched on fields against the run data', async () => {
      const wf = defineWorkflow({ name: 'await-payment' }, async (ctx, orderId: string) => {
        const paid = await ctx.waitForEvent<{ orderId: string; amount: number }>('payment.received', { match: { 'data.orderId': orderId }, timeout: '1h' });
        if (paid === TIMED_OUT) return 'timed out';
        return `${paid.data.orderId}:${paid.data.amount}`;
      });
      const t = await setup(factory, [wf]);
      try {
        await t.client.emit('payment.received', { orderId: 'o-1', amount: 1 }); // before the wait: does not count
        const run = await t.client.start(wf, 'o-1');
        await waitFor(async () => (await t.client.get(run.id))?.status === 'waiting');
        await t.client.emit('payment.received', { orderId: 'o-2', amount: 2 }); // another order
        await t.client.emit('payment.failed', { orderId: 'o-1', amount: 3 }); // another type
        await delay(150);
        expect((await t.client.get(run.id))?.status).toBe('waiting');
        await t.client.emit('payment.received', { orderId: 'o-1', amount: 4 });
        await t.client.emit('payment.received', { orderId: 'o-1', amount: 5 }); // after the first match: not this wait's
        expect(await run.result({ timeoutMs: 10_000 })).toBe('o-1:4');
        const entry = (await t.client.journal(run.id)).find((e) => e.kind === 'event');
        expect(entry).toMatchObject({
          name: 'payment.received',
          status: 'completed',
          output: { type: 'payment.received', data: { orderId: 'o-1', amount: 4 } },
        });
      } finally {
        await t.close();
      }
    });

    it('never misses an event stored between the wait registering and the run suspending', async () => {
      const late: { client?: Client } = {};
      const wf = defineWorkflow({ name: 'racy-wait' }, async (ctx, key: string) => (await ctx.waitForEvent<string>('race', { match: { data: key } })).data);
      const t = await setup(factory, [wf], 1, (store) => {
        const register = store.registerEventWait.bind(store);
        // The event is stored at once after the registration, before the run suspends.
        store.registerEventWait = async (wait, now) => {
          await register(wait, now);
          await late.client!.emit('race', (wait.match as { data: string }).data);
        };
      });
      late.client = t.client;
      try {
        const runs = await Promise.all(Array.from({ length: 10 }, (_, i) => t.client.start(wf, `k${i}`)));
        expect(await Promise.all(runs.map((r) => r.result({ timeoutMs: 10_000 })))).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`));
      } finally {
        await t.close();
      }
    });

    it('times out a wait for an event that never comes', async () => {
      const wf = defineWorkflow({ name: 'short-wait' }, async (ctx) => {
        const got = await ctx.waitForEvent('never', { timeout: 100 });
        return got === TIMED_OUT ? 'timed out' : 'got it';
      });
      const t = await setup(factory, [wf]);
      try {
        const run = await t.client.start(wf, undefined);
        expect(await run.result({ timeoutMs: 10_000 })).toBe('timed out');
        await t.client.emit('never', {});
        expect((await t.client.journal(run.id)).find((e) => e.kind === 'event')).toMatchObject({ status: 'failed', error: { code: ErrorCode.Timeout } });
      } finally {
        await t.close();
      }
    });
  });
}
