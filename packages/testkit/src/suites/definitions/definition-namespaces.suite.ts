/**
 * Deployed definitions per tenant namespace: a definition belongs to the namespace it was deployed in;
 * the same document deployed in two namespaces is two definitions (their workflow names differ by the
 * namespace prefix), each with its own versions, texts and catalog entry; listings and the namespace
 * lookup are per namespace; definitions deployed without a namespace belong to 'default'.
 */
import { describe, expect, it } from 'vitest';
import { definitionWorkflowNameIn, type NewDefinition } from '@baton/core';
import { withStore, type StoreFactory } from '../../harness.js';

const T0 = Date.UTC(2030, 0, 1);

function definition(namespace: string | undefined, documentName: string, version: string, text: string): NewDefinition {
  const name = definitionWorkflowNameIn(namespace ?? 'default', documentName)!;
  return {
    name,
    ...(namespace === undefined ? {} : { namespace }),
    version,
    format: 'yaml',
    source: text,
    document: JSON.stringify({ document: { name: documentName, version } }),
    digest: `sha256:${text}`,
    createdBy: 'key-1',
    triggers: [],
  };
}

export function definitionNamespacesSuite(factory: StoreFactory): void {
  describe('definitions per tenant namespace', () => {
    it('names a definition by its tenant namespace outside default, and refuses namespaces no workflow name can hold', () => {
      expect(definitionWorkflowNameIn('default', 'shop.order')).toBe('shop.order');
      expect(definitionWorkflowNameIn('team-a', 'shop.order')).toBe('team-a:shop.order');
      expect(definitionWorkflowNameIn('acme/eu', 'shop.order')).toBe('acme/eu:shop.order');
      expect(definitionWorkflowNameIn('has space', 'shop.order')).toBeUndefined();
      expect(definitionWorkflowNameIn('a:b', 'shop.order')).toBeUndefined();
    });

    it('keeps the same document deployed in two namespaces apart: versions, texts, catalog entries and listings', async () => {
      await withStore(factory, async (store) => {
        const shared = definition(undefined, 'shop.order', '1.0.0', 'default text');
        const a1 = definition('team-a', 'shop.order', '1.0.0', 'team-a text');
        const b1 = definition('team-b', 'shop.order', '1.0.0', 'team-b text');
        const b2 = definition('team-b', 'shop.order', '2.0.0', 'team-b text 2');
        for (const d of [shared, a1, b1, b2]) expect((await store.deployDefinition(d, T0)).outcome).toBe('created');
        // The same version in another namespace is another definition, not a conflict.
        expect((await store.deployDefinition(definition('team-a', 'shop.order', '1.0.0', 'team-a text'), T0)).outcome).toBe('unchanged');
        expect((await store.deployDefinition(definition('team-a', 'shop.order', '1.0.0', 'changed'), T0)).outcome).toBe('conflict');

        expect(await store.getDefinition('team-a:shop.order', '1.0.0')).toMatchObject({ namespace: 'team-a', source: 'team-a text' });
        expect(await store.getDefinition('team-b:shop.order', '1.0.0')).toMatchObject({ namespace: 'team-b', source: 'team-b text' });
        expect(await store.getDefinition('shop.order', '1.0.0')).toMatchObject({ namespace: 'default', source: 'default text' });
        expect((await store.listDefinitionVersions('team-b:shop.order')).map((v) => [v.namespace, v.version])).toEqual([
          ['team-b', '1.0.0'],
          ['team-b', '2.0.0'],
        ]);

        const summaries = async (namespace?: string) =>
          (await store.listDefinitionSummaries(namespace)).map((s) => [s.latest.namespace, s.latest.name, s.latest.version, s.versions]);
        expect(await summaries('team-a')).toEqual([['team-a', 'team-a:shop.order', '1.0.0', 1]]);
        expect(await summaries('team-b')).toEqual([['team-b', 'team-b:shop.order', '2.0.0', 2]]);
        expect(await summaries('default')).toEqual([['default', 'shop.order', '1.0.0', 1]]);
        expect(await summaries('team-c')).toEqual([]);
        expect((await summaries()).map((s) => s[1])).toEqual(['shop.order', 'team-a:shop.order', 'team-b:shop.order']);

        expect(await store.getDefinitionNamespace('team-b:shop.order')).toBe('team-b');
        expect(await store.getDefinitionNamespace('shop.order')).toBe('default');
        expect(await store.getDefinitionNamespace('team-c:shop.order')).toBeUndefined();
        expect((await store.listDefinitions({ namespace: 'team-b' })).map((d) => d.version)).toEqual(['1.0.0', '2.0.0']);
        expect((await store.listDefinitions()).length).toBe(4);

        // Each is its own workflow in the catalog.
        expect((await store.listWorkflowCatalog({ name: 'team-b:shop.order' })).map((w) => [w.version, w.current])).toEqual([
          ['1.0.0', false],
          ['2.0.0', true],
        ]);
        expect((await store.listWorkflowCatalog({ name: 'team-a:shop.order' })).map((w) => w.version)).toEqual(['1.0.0']);
      });
    });
  });
}
