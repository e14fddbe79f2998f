/**
 * Deploying definitions into the store, and engines loading them without a restart: a deploy stores
 * and catalogs a version, refuses an invalid text and another text under a deployed version; an
 * engine running with a loader runs a version deployed after it started; a run keeps the version it
 * was created on after a newer one is deployed; a definition's schedule becomes a stored schedule.
 */
import { describe, expect, it } from 'vitest';
import { Client, Engine, ErrorCode, silentLogger, type Store } from '@baton/core';
import { DefinitionLoader, definitionDigest, deployDefinitionText } from '@baton/dsl';
import { waitFor } from '@baton/testkit';
import { greetingDefinition, testStores } from './test-stores.js';

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string };
  }
  throw new Error('expected a rejection');
}

async function withStore(create: () => Store, test: (store: Store) => Promise<void>): Promise<void> {
  const store = create();
  await store.init();
  try {
    await test(store);
  } finally {
    await store.close();
  }
}

for (const stores of testStores('deploying definitions')) {
  describe(`deploying definitions (${stores.name})`, () => {
    it('stores and catalogs a version, answers the same text again as unchanged, refuses other text and invalid text', async () => {
      await withStore(stores.create, async (store) => {
        const text = greetingDefinition('1.0.0', 'hello');
        const deployed = await deployDefinitionText(store, text, { actor: 'key-1', now: 1000 });
        expect(deployed).toMatchObject({ name: 'shop.greet', version: '1.0.0', digest: definitionDigest(text), createdAt: 1000, created: true });
        const stored = await store.getDefinition('shop.greet', '1.0.0');
        expect(stored).toMatchObject({ source: text, format: 'yaml', createdBy: 'key-1', description: 'Greets', triggers: [] });
        expect(JSON.parse(stored!.document)).toMatchObject({ document: { name: 'greet' } });
        expect((await store.listWorkflowCatalog({ name: 'shop.greet' })).map((c) => [c.version, c.kind, c.current])).toEqual([['1.0.0', 'definition', true]]);
        expect((await store.listAudit({ action: 'definition.deploy', limit: 5 })).map((a) => [a.actor, a.target])).toEqual([['key-1', 'shop.greet@1.0.0']]);

        expect(await deployDefinitionText(store, text, { actor: 'key-2' })).toMatchObject({ created: false, createdAt: 1000 });
        const conflict = await rejection(deployDefinitionText(store, greetingDefinition('1.0.0', 'changed'), { actor: 'key-1' }));
        expect(conflict.code).toBe(ErrorCode.DefinitionExists);
        expect(conflict.details).toMatchObject({ name: 'shop.greet', version: '1.0.0', deployedDigest: definitionDigest(text) });
        const invalid = await rejection(deployDefinitionText(store, 'document: [unclosed', { actor: 'key-1', file: 'bad.yaml' }));
        expect(invalid.code).toBe(ErrorCode.InvalidDefinition);
        expect((invalid.details?.issues as unknown[]).length).toBeGreaterThan(0);
        const unsupported = await rejection(
          deployDefinitionText(store, greetingDefinition('2.0.0', 'x', 'schedule:\n  every:\n    minutes: 7\n'), { actor: 'k' }),
        );
        expect(unsupported.code).toBe(ErrorCode.InvalidDefinition);
        expect(unsupported.details?.issues).toEqual([expect.objectContaining({ kind: 'unsupported', path: '/schedule/every' })]);
        expect((await store.listDefinitions()).map((d) => d.version)).toEqual(['1.0.0']);
      });
    });

    it('runs a version deployed after the engine started, and keeps each run on the version it was created on', async () => {
      await withStore(stores.create, async (store) => {
        const engine = new Engine({ store, logger: silentLogger, pollIntervalMs: 50 });
        const loader = new DefinitionLoader({ engine, pollIntervalMs: 100, logger: silentLogger });
        // A client of another process (an API server): it knows the workflow from the catalog alone.
        const client = new Client({ store });
        try {
          await engine.start();
          await loader.start();
          expect(engine.workflows.get('shop.greet')).toBeUndefined();

          await deployDefinitionText(store, greetingDefinition('1.0.0', 'v1'), { actor: 'cli' });
          const first = await client.start('shop.greet', {});
          expect((await store.getRun(first.id))?.version).toBe('1.0.0');
          expect(await first.result({ timeoutMs: 20_000 })).toEqual({ greeting: 'v1' });

          // Created on 1.0.0 (its version recorded), still queued when 2.0.0 is deployed: it runs 1.0.0.
          await engine.stop();
          const pinned = await client.start('shop.greet', {});
          await deployDefinitionText(store, greetingDefinition('2.0.0', 'v2'), { actor: 'cli' });
          const latest = await client.start('shop.greet', {});
          expect((await store.getRun(pinned.id))?.version).toBe('1.0.0');
          expect((await store.getRun(latest.id))?.version).toBe('2.0.0');
          await engine.start();
          expect(await latest.result({ timeoutMs: 20_000 })).toEqual({ greeting: 'v2' });
          expect(await pinned.result({ timeoutMs: 20_000 })).toEqual({ greeting: 'v1' });
        } finally {
          loader.stop();
          client.close();
          await engine.stop();
        }
      });
    });

    it('stores the schedule and event triggers of a definition loaded while the engine runs', async () => {
      await withStore(stores.create, async (store) => {
        const engine = new Engine({ store, logger: silentLogger, schedules: false });
        const loader = new DefinitionLoader({ engine, pollIntervalMs: 60_000, logger: silentLogger });
        try {
          await engine.start();
          await loader.start();
          const schedule = 'schedule:\n  every:\n    minutes: 30\n';
          await deployDefinitionText(store, greetingDefinition('1.0.0', 'tick', schedule), { actor: 'cli' });
          await deployDefinitionText(
            store,
            greetingDefinition('1.0.0', 'x', 'schedule:\n  on:\n    one:\n      with:\n        type: order.placed\n').replace('name: greet', 'name: on-order'),
            { actor: 'cli' },
          );
          expect(await loader.refresh()).toBe(2);
          expect(await loader.refresh()).toBe(0);
          const schedules = await waitFor(async () => (await store.listSchedules()).filter((s) => s.workflow === 'shop.greet'));
          expect(schedules.map((s) => [s.id, s.cron, s.overlap])).toEqual([['shop.greet', '0 */30 * * * *', 'allow']]);
          expect((await store.listTriggers()).map((t) => [t.workflow, t.type, t.input])).toEqual([['shop.on-order', 'order.placed', 'event']]);
        } finally {
          loader.stop();
          await engine.stop();
        }
      });
    });
  });
}
