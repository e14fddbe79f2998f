/**
 * The workflow catalog: registrations upsert (name, version) entries, keep when a version was first
 * seen, move its last-seen time and follow the latest registration's current version; concurrent
 * registrations all apply; engines register their workflows when they start; and clients without
 * the code accept a name the catalog knows and refuse, audited, one it does not. Input and output
 * schemas are kept as the JSON text registered.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Client, Engine, ErrorCode, defineWorkflow, silentLogger, type CatalogRegistration } from '@baton/core';
import { rejection, withStore, type StoreFactory } from '../../harness.js';

const T0 = Date.UTC(2030, 0, 1);

function entry(name: string, version: string, more: Partial<CatalogRegistration> = {}): CatalogRegistration {
  return { name, version, kind: 'code', queue: 'default', current: true, ...more };
}

export function workflowCatalogSuite(factory: StoreFactory): void {
  describe('workflow catalog', () => {
    it('stores registered versions with their times, lists them by name then version, and one name alone', async () => {
      await withStore(factory, async (store) => {
        expect(await store.listWorkflowCatalog()).toEqual([]);
        await store.registerWorkflows(
          [
            entry('invoice', '2', {
              description: 'Bills a customer',
              queue: 'billing',
              inputSchema: '{"type":"object"}',
              outputSchema: '{"type":"object","properties":{"total":{"type":"number"}}}',
              signals: '{"approve":{}}',
            }),
            entry('invoice', '1', { current: false }),
            entry('Zeta', '1'),
          ],
          T0,
        );
        expect(await store.listWorkflowCatalog()).toEqual([
          { ...entry('Zeta', '1'), registeredAt: T0, lastSeenAt: T0 },
          { ...entry('invoice', '1', { current: false }), registeredAt: T0, lastSeenAt: T0 },
          {
            ...entry('invoice', '2', {
              description: 'Bills a customer',
              queue: 'billing',
              inputSchema: '{"type":"object"}',
              outputSchema: '{"type":"object","properties":{"total":{"type":"number"}}}',
              signals: '{"approve":{}}',
            }),
            registeredAt: T0,
            lastSeenAt: T0,
          },
        ]);
        expect((await store.listWorkflowCatalog({ name: 'invoice' })).map((w) => w.version)).toEqual(['1', '2']);
        expect(await store.listWorkflowCatalog({ name: 'invoic' })).toEqual([]);
        expect(await store.listWorkflowCatalog({ name: 'zeta' })).toEqual([]);
        // Nothing to register writes nothing.
        await store.registerWorkflows([], T0 + 1);
        expect(await store.listWorkflowCatalog()).toHaveLength(3);
      });
    });

    it('keeps when a version was first registered, moves its last-seen time and takes the new description, queue and schemas', async () => {
      await withStore(factory, async (store) => {
        await store.registerWorkflows(
          [entry('report', '1', { description: 'old', inputSchema: '{"type":"string"}', outputSchema: '{"type":"number"}', queue: 'slow' })],
          T0,
        );
        expect((await store.listWorkflowCatalog({ name: 'report' }))[0]?.outputSchema).toBe('{"type":"number"}');
        // A registration without schemas drops them: the code no longer declares them.
        await store.registerWorkflows([entry('report', '1')], T0 + 5000);
        expect(await store.listWorkflowCatalog({ name: 'report' })).toEqual([{ ...entry('report', '1'), registeredAt: T0, lastSeenAt: T0 + 5000 }]);
        await store.registerWorkflows([entry('report', '1', { description: 'new', kind: 'definition' })], T0 + 9000);
        expect(await store.listWorkflowCatalog({ name: 'report' })).toEqual([
          { ...entry('report', '1', { description: 'new', kind: 'definition' }), registeredAt: T0, lastSeenAt: T0 + 9000 },
        ]);
      });
    });

    it("follows the latest registration's current version; versions a registration leaves out are kept", async () => {
      await withStore(factory, async (store) => {
        const current = async () => (await store.listWorkflowCatalog({ name: 'ship' })).filter((w) => w.current).map((w) => w.version);
        await store.registerWorkflows([entry('ship', '1')], T0);
        await store.registerWorkflows([entry('ship', '1', { current: false }), entry('ship', '2')], T0 + 1);
        expect(await current()).toEqual(['2']);
        // A worker still on the old code starts later: its version is current again, the new one stays known.
        await store.registerWorkflows([entry('ship', '1')], T0 + 2);
        expect(await current()).toEqual(['1']);
        expect((await store.listWorkflowCatalog({ name: 'ship' })).map((w) => [w.version, w.lastSeenAt])).toEqual([
          ['1', T0 + 2],
          ['2', T0 + 1],
        ]);
        // A registration that makes no version of a name current leaves the name's current one alone.
        await store.registerWorkflows([entry('ship', '3', { current: false })], T0 + 3);
        expect(await current()).toEqual(['1']);
      });
    });

    it('keeps names with quotes, wildcards and unicode apart, compared exactly', async () => {
      await withStore(factory, async (store) => {
        const names = [`it's "quoted"`, 'back\\slash', '100%_done', '100%', 'ünïcödé 日本語 🚀', 'ÜNÏCÖDÉ 日本語 🚀', 'a'.repeat(200)];
        await store.registerWorkflows(
          names.map((name, i) => entry(name, String(i), { description: name })),
          T0,
        );
        for (const [i, name] of names.entries()) {
          expect(await store.listWorkflowCatalog({ name })).toEqual([{ ...entry(name, String(i), { description: name }), registeredAt: T0, lastSeenAt: T0 }]);
        }
        expect(await store.listWorkflowCatalog({ name: '100' })).toEqual([]);
        expect(await store.listWorkflowCatalog({ name: '100_' })).toEqual([]);
      });
    });

    it('applies registrations made at once, from two connections, each whole', async () => {
      await withStore(factory, async (store) => {
        const other = factory.reopen === undefined ? store : await factory.reopen(store);
        if (other !== store) await other.init();
        try {
          const names = ['a', 'b', 'c', 'd', 'e'];
          // Each worker registers every name in its own version, and makes it current.
          await Promise.all(
            Array.from({ length: 12 }, (_, worker) =>
              (worker % 2 === 0 ? store : other).registerWorkflows(names.map((name) => entry(name, `v${worker}`)).reverse(), T0 + worker),
            ),
          );
          const all = await store.listWorkflowCatalog();
          expect(all).toHaveLength(names.length * 12);
          for (const name of names) {
            const versions = all.filter((w) => w.name === name);
            // The registrations applied one after another: one of them was last, its versions are current.
            expect(versions.filter((w) => w.current)).toHaveLength(1);
          }
          const lastWorker = all.find((w) => w.name === 'a' && w.current)!.version;
          for (const name of names) expect(all.find((w) => w.name === name && w.current)?.version).toBe(lastWorker);
          expect(await other.listWorkflowCatalog({ name: 'c' })).toHaveLength(12);
        } finally {
          if (other !== store) await other.close();
        }
      });
    });

    it('is written by an engine when it starts: every version, its schemas as JSON Schema, the current one marked', async () => {
      await withStore(factory, async (store) => {
        const v1 = defineWorkflow({ name: 'order', version: '1' }, async () => 1);
        const v2 = defineWorkflow(
          {
            name: 'order',
            version: '2',
            description: 'Takes an order',
            queue: 'orders',
            input: z.object({ sku: z.string() }),
            output: z.object({ orderId: z.string(), total: z.number().default(0) }),
            signals: { approve: z.object({ by: z.string() }), poke: z.string().transform((s) => s.length) },
          },
          async () => ({ orderId: 'o-2', total: 2 }),
        );
        const engine = new Engine({ store, workflows: [v1, v2], logger: silentLogger, pollIntervalMs: 50 });
        await engine.start();
        try {
          const listed = await store.listWorkflowCatalog({ name: 'order' });
          expect(listed.map((w) => [w.version, w.current, w.kind, w.queue])).toEqual([
            ['1', false, 'code', 'default'],
            ['2', true, 'code', 'orders'],
          ]);
          const two = listed[1]!;
          expect(two.description).toBe('Takes an order');
          expect(JSON.parse(two.inputSchema!)).toMatchObject({ type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] });
          const signals = JSON.parse(two.signals!) as Record<string, unknown>;
          expect(signals.approve).toMatchObject({ type: 'object', properties: { by: { type: 'string' } } });
          expect(signals).toHaveProperty('poke');
          // The output as a caller receives it: a defaulted field is always there.
          expect(JSON.parse(two.outputSchema!)).toMatchObject({
            type: 'object',
            properties: { orderId: { type: 'string' }, total: { type: 'number' } },
            required: ['orderId', 'total'],
          });
          expect(listed[0]!.inputSchema).toBeUndefined();
          expect(listed[0]!.outputSchema).toBeUndefined();
          expect(two.registeredAt).toBe(two.lastSeenAt);
        } finally {
          await engine.stop({ timeoutMs: 2000 });
        }
      });
    });

    it('lets a client without the code start and schedule a workflow the catalog knows, and refuses one it does not, audited', async () => {
      await withStore(factory, async (store) => {
        await store.init();
        await store.registerWorkflows([entry('remote-only', '2', { queue: 'old', current: false }), entry('remote-only', '3', { queue: 'billing' })], T0);
        const client = new Client({ store }).as({ id: 'key-1', namespace: 'team-a' });
        const known = await client.start('remote-only', { x: 1 }, { id: 'remote-1' });
        expect(known.created).toBe(true);
        // On the queue the current version's workers registered, unless the start names one.
        expect(await client.get('remote-1')).toMatchObject({ workflow: 'remote-only', version: '', status: 'queued', queue: 'billing' });
        await client.start('remote-only', { x: 2 }, { id: 'remote-2', queue: 'urgent' });
        expect((await client.get('remote-2'))?.queue).toBe('urgent');

        const refused = await rejection(client.start('remote-onIy', { x: 1 }, { id: 'typo-1' }));
        expect(refused.code).toBe(ErrorCode.WorkflowNotFound);
        expect(refused.message).toContain("'remote-onIy'");
        expect(refused.details).toEqual({ workflow: 'remote-onIy' });
        expect(await store.getRun('typo-1')).toBeUndefined();

        const schedule = await client.schedules.create({ id: 'nightly', workflow: 'remote-only', cron: '0 3 * * *' });
        expect(schedule.workflow).toBe('remote-only');
        expect((await store.getSchedule('nightly'))?.queue).toBe('billing');
        await expect(client.schedules.create({ id: 'typo', workflow: 'nope', cron: '0 3 * * *' })).rejects.toMatchObject({ code: ErrorCode.WorkflowNotFound });
        expect(await store.getSchedule('typo')).toBeUndefined();

        const audit = await store.listAudit({ namespace: 'team-a', limit: 10 });
        expect(audit.map((e) => [e.action, e.target, e.result])).toEqual([
          ['schedule.create', 'typo', ErrorCode.WorkflowNotFound],
          ['schedule.create', 'nightly', 'ok'],
          ['run.start', 'typo-1', ErrorCode.WorkflowNotFound],
          ['run.start', 'remote-2', 'ok'],
          ['run.start', 'remote-1', 'ok'],
        ]);

        // A worker that starts later makes the name known to a client that was refused it before.
        const late = defineWorkflow({ name: 'late' }, async () => 'done');
        await expect(client.start('late')).rejects.toMatchObject({ code: ErrorCode.WorkflowNotFound });
        const engine = new Engine({ store, workflows: [late], logger: silentLogger, pollIntervalMs: 50 });
        await engine.start();
        try {
          const run = await client.start('late');
          expect(await run.result({ timeoutMs: 20_000 })).toBe('done');
        } finally {
          await engine.stop({ timeoutMs: 2000 });
        }
      });
    });
  });
}
