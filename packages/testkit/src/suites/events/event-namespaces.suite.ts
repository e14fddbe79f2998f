/**
 * Events in namespaces: each namespace has its own log (deduplicated within it), an event starts only
 * its namespace's triggers (their runs there) and wakes only its namespace's waiting runs.
 */
import { describe, expect, it } from 'vitest';
import { Client, Engine, defineWorkflow, silentLogger, type ReceivedEvent, type Store } from '@baton/core';
import { waitFor, type StoreFactory } from '../../harness.js';

async function open(factory: StoreFactory): Promise<Store> {
  const store = await factory.create();
  await store.init();
  return store;
}

export function eventNamespacesSuite(factory: StoreFactory): void {
  describe('events in namespaces', () => {
    it('keeps a log per namespace, deduplicated within it', async () => {
      const store = await open(factory);
      try {
        const root = new Client({ store });
        const a = root.as({ id: 'key-a', namespace: 'team-a' });
        const b = root.as({ id: 'key-b', namespace: 'team-b' });
        const fromA = await a.events.emit('order.paid', { order: 'a-1' }, { id: 'evt-1', source: 'shop' });
        // The same source and id in another namespace is another event, not a duplicate of A's.
        const fromB = await b.events.emit('order.paid', { order: 'b-1' }, { id: 'evt-1', source: 'shop' });
        expect(fromA).toMatchObject({ created: true, namespace: 'team-a' });
        expect(fromB).toMatchObject({ created: true, namespace: 'team-b', data: { order: 'b-1' } });
        expect(fromB.seq).not.toBe(fromA.seq);
        const again = await b.events.emit('order.paid', { order: 'b-2' }, { id: 'evt-1', source: 'shop' });
        expect(again).toMatchObject({ created: false, seq: fromB.seq, data: { order: 'b-1' } });
        await b.events.emitCloudEvent({ specversion: '1.0', id: 'ce-1', source: 'crm', type: 'lead.created', data: { lead: 1 } });
        const fromRoot = await root.events.emit('order.paid', { order: 'd-1' });
        expect(fromRoot.namespace).toBe('default');

        expect((await a.events.list()).map((e) => e.seq)).toEqual([fromA.seq]);
        expect((await b.events.list()).map((e) => [e.type, e.namespace])).toEqual([
          ['order.paid', 'team-b'],
          ['lead.created', 'team-b'],
        ]);
        expect((await b.events.list({ type: 'order.paid' })).map((e) => e.seq)).toEqual([fromB.seq]);
        expect((await a.events.recent()).map((e) => e.seq)).toEqual([fromA.seq]);
        expect((await b.events.recent({ type: 'lead.created' })).map((e) => e.type)).toEqual(['lead.created']);
        expect((await b.events.recent({ before: fromB.seq })).map((e) => e.seq)).toEqual([]);
        // A client without a namespace reads every namespace's; the store filters by namespace and type.
        expect((await root.events.list()).length).toBe(4);
        expect((await store.listEvents({ namespace: 'team-a', type: 'order.paid', limit: 10 })).map((e) => e.seq)).toEqual([fromA.seq]);
        expect((await store.listEvents({ namespace: 'team-b', newestFirst: true, limit: 1 })).map((e) => e.type)).toEqual(['lead.created']);
        expect(await store.listEvents({ namespace: 'team-c', limit: 10 })).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it("starts only the event's namespace's triggers, in that namespace, and wakes only its waiting runs", async () => {
      const invoice = defineWorkflow({ name: 'ns-invoice', on: { event: 'order.paid', input: 'data' } }, async (_ctx, data: { order: string }) => data.order);
      const waiter = defineWorkflow(
        { name: 'ns-waiter' },
        async (ctx) => (await ctx.waitForEvent<{ order: string }>('order.paid')) as ReceivedEvent<{ order: string }>,
      );
      const store = await open(factory);
      // Team A's worker: its triggers belong to team-a.
      const engine = new Engine({ store, workflows: [invoice, waiter], logger: silentLogger, pollIntervalMs: 50, namespace: 'team-a' });
      await engine.start();
      try {
        expect((await store.listTriggers('team-a')).map((t) => [t.namespace, t.workflow, t.type])).toEqual([['team-a', 'ns-invoice', 'order.paid']]);
        expect(await store.listTriggers('team-b')).toEqual([]);
        expect(await store.listTriggers('default')).toEqual([]);

        const root = new Client({ store, workflows: [invoice, waiter] });
        const a = root.as({ id: 'key-a', namespace: 'team-a' });
        const b = root.as({ id: 'key-b', namespace: 'team-b' });
        const waitingA = await a.start(waiter, undefined, { id: 'ns-wait-a' });
        const waitingB = await b.start(waiter, undefined, { id: 'ns-wait-b' });
        for (const id of [waitingA.id, waitingB.id]) {
          await waitFor(async () => (await root.get(id))?.status === 'waiting', { timeoutMs: 30_000, message: `run ${id} to wait for the event` });
        }

        // B's event: wakes B's run only, starts no trigger of A's.
        const paidInB = await b.events.emit('order.paid', { order: 'b-1' });
        expect((await b.events.recent())[0]!.runs).toEqual([]);
        await waitFor(async () => (await root.get(waitingB.id))?.status === 'completed', { timeoutMs: 30_000, message: "B's run to receive B's event" });
        expect((await root.result(waitingB.id)) as ReceivedEvent<{ order: string }>).toMatchObject({ data: { order: 'b-1' } });
        // The default namespace's event does not reach team-a either.
        await root.events.emit('order.paid', { order: 'd-1' });

        // A's event: A's trigger starts its run in team-a, and A's waiting run receives A's event (not B's, emitted first).
        const paidInA = await a.events.emit('order.paid', { order: 'a-1' });
        await waitFor(async () => (await root.get(waitingA.id))?.status === 'completed', { timeoutMs: 30_000, message: "A's run to receive A's event" });
        expect((await root.result(waitingA.id)) as ReceivedEvent<{ order: string }>).toMatchObject({ data: { order: 'a-1' } });
        const started = (await a.events.recent())[0]!;
        expect(started.seq).toBe(paidInA.seq);
        expect(started.runs.map((r) => [r.runId, r.namespace])).toEqual([[`ns-invoice@event-${paidInA.seq}`, 'team-a']]);
        const triggered = await waitFor(async () => {
          const run = await store.getRun(`ns-invoice@event-${paidInA.seq}`);
          return run?.status === 'completed' ? run : undefined;
        });
        expect(triggered.namespace).toBe('team-a');
        // Only A's event started a run of the trigger.
        expect((await root.list({ workflow: 'ns-invoice' })).runs.map((r) => r.id)).toEqual([`ns-invoice@event-${paidInA.seq}`]);
        expect(await store.getRun(`ns-invoice@event-${paidInB.seq}`)).toBeUndefined();
      } finally {
        await engine.stop({ timeoutMs: 2000 });
        await store.close();
      }
    });
  });
}
