/**
 * Deployed definitions: a deploy stores the version with its catalog entry and audit entry in one
 * transaction; the same text again is a no-op, another text under the same version a conflict that
 * writes nothing; reads list versions by deploy order and names with their latest version; the deploy
 * counter tells a poller what is new; concurrent deploys of one version store it once.
 */
import { describe, expect, it } from 'vitest';
import type { NewDefinition } from '@baton/core';
import { withStore, type StoreFactory } from '../../harness.js';

const T0 = Date.UTC(2030, 0, 1);

function definition(name: string, version: string, more: Partial<NewDefinition> = {}): NewDefinition {
  const source = `document: { name: ${name}, version: '${version}' }`;
  return {
    name,
    version,
    format: 'yaml',
    source,
    document: JSON.stringify({ document: { name, version } }),
    digest: `sha256:${name}:${version}`,
    createdBy: 'cli',
    triggers: [],
    ...more,
  };
}

export function definitionsSuite(factory: StoreFactory): void {
  describe('definitions', () => {
    it('deploys a version with its catalog entry and audit entry, and reads it back', async () => {
      await withStore(factory, async (store) => {
        expect(await store.latestDefinitionSeq()).toBe(0);
        const audit = { actor: 'key-1', namespace: 'default', action: 'definition.deploy', target: 'shop.order@1.0.0', result: 'ok', at: T0 };
        const first = definition('shop.order', '1.0.0', { description: 'Orders a pet', triggers: ['event', 'cron'] });
        const result = await store.deployDefinition(first, T0, audit);
        expect(result.outcome).toBe('created');
        expect(result.definition).toEqual({ ...first, namespace: 'default', triggers: ['cron', 'event'], createdAt: T0, seq: 1 });
        expect(await store.getDefinition('shop.order', '1.0.0')).toEqual(result.definition);
        expect(await store.getDefinition('shop.order', '9')).toBeUndefined();
        expect(await store.latestDefinitionSeq()).toBe(1);
        expect(await store.listWorkflowCatalog({ name: 'shop.order' })).toEqual([
          {
            name: 'shop.order',
            version: '1.0.0',
            kind: 'definition',
            queue: 'default',
            description: 'Orders a pet',
            current: true,
            registeredAt: T0,
            lastSeenAt: T0,
          },
        ]);
        expect((await store.listAudit({ action: 'definition.deploy', limit: 10 })).map((a) => a.target)).toEqual(['shop.order@1.0.0']);
      });
    });

    it("registers the document's inline input and output JSON Schemas in the catalog, and leaves out what is not inline JSON Schema", async () => {
      await withStore(factory, async (store) => {
        const input = { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] };
        const output = { type: 'object', properties: { approved: { type: 'boolean' } } };
        const document = (io: Record<string, unknown>) => JSON.stringify({ document: { name: 'x', version: '1' }, ...io, do: [] });
        await store.deployDefinition(
          definition('fin.claim', '1', {
            document: document({ input: { schema: { format: 'json', document: input } }, output: { schema: { document: output } } }),
          }),
          T0,
        );
        await store.deployDefinition(
          definition('fin.claim', '2', {
            document: document({
              input: { schema: { format: 'json', resource: { endpoint: 'https://example.test/s.json' } } },
              output: { schema: { format: 'avro', document: output } },
            }),
          }),
          T0 + 1,
        );
        const [one, two] = await store.listWorkflowCatalog({ name: 'fin.claim' });
        expect(JSON.parse(one!.inputSchema!)).toEqual(input);
        expect(JSON.parse(one!.outputSchema!)).toEqual(output);
        expect(one!.current).toBe(false);
        expect(two).toMatchObject({ version: '2', kind: 'definition', current: true });
        expect(two!.inputSchema).toBeUndefined();
        expect(two!.outputSchema).toBeUndefined();
      });
    });

    it('answers the same text again as unchanged and another text under that version as a conflict, writing nothing', async () => {
      await withStore(factory, async (store) => {
        const audit = { actor: 'cli', namespace: 'default', action: 'definition.deploy', target: 'a.b@1', result: 'ok', at: T0 };
        const stored = (await store.deployDefinition(definition('a.b', '1'), T0, audit)).definition;
        const again = await store.deployDefinition(definition('a.b', '1'), T0 + 5, audit);
        expect(again).toEqual({ outcome: 'unchanged', definition: stored });
        const other = await store.deployDefinition(definition('a.b', '1', { source: 'changed', digest: 'sha256:other' }), T0 + 9, audit);
        expect(other).toEqual({ outcome: 'conflict', definition: stored });
        expect(await store.getDefinition('a.b', '1')).toEqual(stored);
        expect(await store.latestDefinitionSeq()).toBe(1);
        expect(await store.listAudit({ action: 'definition.deploy', limit: 10 })).toHaveLength(1);
      });
    });

    it('lists versions in deploy order, names with their latest version, and what is new since a deploy counter', async () => {
      await withStore(factory, async (store) => {
        await store.deployDefinition(definition('b.flow', '2.0.0'), T0);
        await store.deployDefinition(definition('a.flow', '1'), T0 + 1);
        await store.deployDefinition(definition('b.flow', '1.5.0', { description: 'late fix' }), T0 + 2);
        const versions = await store.listDefinitionVersions('b.flow');
        expect(versions.map((v) => [v.version, v.seq])).toEqual([
          ['2.0.0', 1],
          ['1.5.0', 3],
        ]);
        expect(versions[0]).not.toHaveProperty('source');
        expect(await store.listDefinitionVersions('none')).toEqual([]);
        const summaries = await store.listDefinitionSummaries();
        expect(summaries.map((s) => [s.latest.name, s.latest.version, s.versions, s.latest.description])).toEqual([
          ['a.flow', '1', 1, undefined],
          ['b.flow', '1.5.0', 2, 'late fix'],
        ]);
        expect((await store.listDefinitions()).map((d) => d.seq)).toEqual([1, 2, 3]);
        expect((await store.listDefinitions({ afterSeq: 1 })).map((d) => `${d.name}@${d.version}`)).toEqual(['a.flow@1', 'b.flow@1.5.0']);
        expect((await store.listDefinitions({ name: 'b.flow', afterSeq: 1 })).map((d) => d.version)).toEqual(['1.5.0']);
        expect(await store.listDefinitions({ afterSeq: 3 })).toEqual([]);
        // The latest deploy of a name is its current catalog version.
        const catalog = await store.listWorkflowCatalog({ name: 'b.flow' });
        expect(catalog.filter((c) => c.current).map((c) => c.version)).toEqual(['1.5.0']);
      });
    });

    it('stores a version deployed by many callers at once exactly once', async () => {
      await withStore(factory, async (store) => {
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.deployDefinition(definition('race.flow', '1'), T0 + i)));
        expect(results.filter((r) => r.outcome === 'created')).toHaveLength(1);
        expect(results.filter((r) => r.outcome === 'unchanged')).toHaveLength(7);
        const others = await Promise.all(Array.from({ length: 4 }, (_, i) => store.deployDefinition(definition(`race.other${i}`, '1'), T0)));
        expect(others.map((r) => r.outcome)).toEqual(['created', 'created', 'created', 'created']);
        expect((await store.listDefinitions()).map((d) => d.seq)).toEqual([1, 2, 3, 4, 5]);
      });
    });
  });
}
