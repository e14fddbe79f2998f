/**
 * API keys as stored: a key of its own namespace only, a key that may act in further namespaces, and
 * one that may act in every namespace read back as they were made, listed and revoked alike.
 */
import { describe, expect, it } from 'vitest';
import { keyMayActIn, newApiKey } from '@baton/core';
import { withStore, type StoreFactory } from '../../harness.js';

const T0 = Date.UTC(2030, 0, 1);

export function apiKeysSuite(factory: StoreFactory): void {
  describe('API keys and their namespaces', () => {
    it('keeps the further namespaces a key may act in, or every namespace, and a key of one namespace as before', async () => {
      await withStore(factory, async (store) => {
        const single = newApiKey({ name: 'acme ops', role: 'operator', namespace: 'acme' }, T0).record;
        const several = newApiKey({ name: 'support', role: 'viewer', namespace: 'acme', namespaces: ['globex', 'acme', 'initech', 'globex'] }, T0 + 1).record;
        const every = newApiKey({ name: 'platform', role: 'admin', namespaces: ['*'] }, T0 + 2).record;
        for (const key of [single, several, every]) await store.createApiKey(key);

        expect(await store.getApiKey(single.id)).toEqual(single);
        expect((await store.getApiKey(single.id))!.namespaces).toBeUndefined();
        // Its own namespace is not repeated; the rest are kept once, sorted.
        expect((await store.getApiKey(several.id))!.namespaces).toEqual(['globex', 'initech']);
        expect((await store.getApiKey(every.id))!.namespaces).toEqual(['*']);
        expect((await store.listApiKeys()).map((key) => [key.name, key.namespace, key.namespaces ?? null])).toEqual([
          ['acme ops', 'acme', null],
          ['support', 'acme', ['globex', 'initech']],
          ['platform', 'default', ['*']],
        ]);

        const stored = (await store.getApiKey(several.id))!;
        expect(['acme', 'globex', 'initech', 'umbrella'].map((ns) => keyMayActIn(stored, ns))).toEqual([true, true, true, false]);
        expect(keyMayActIn((await store.getApiKey(every.id))!, 'umbrella')).toBe(true);
        expect(keyMayActIn((await store.getApiKey(single.id))!, 'globex')).toBe(false);

        expect(await store.revokeApiKey(several.id, T0 + 10)).toBe(true);
        expect(await store.getApiKey(several.id)).toEqual({ ...stored, revokedAt: T0 + 10 });
      });
    });

    it('refuses further namespaces that are not namespace names', () => {
      expect(() => newApiKey({ name: 'k', role: 'viewer', namespaces: ['ok', 'no\nnewline'] }, T0)).toThrow(/not a namespace/);
      expect(() => newApiKey({ name: 'k', role: 'viewer', namespaces: 'acme' as never }, T0)).toThrow(/list of namespace names/);
      expect(newApiKey({ name: 'k', role: 'viewer', namespaces: ['x', '*'] }, T0).record.namespaces).toEqual(['*']);
      expect(newApiKey({ name: 'k', role: 'viewer', namespace: 'x', namespaces: ['x'] }, T0).record.namespaces).toBeUndefined();
    });
  });
}
