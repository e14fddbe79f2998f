/**
 * The durable key-value cache (LLM responses reused across runs): entries live until they expire at
 * the caller's time, a put replaces an entry whole, every read counts a hit, pruning deletes only the
 * expired ones, and large values and odd keys come back byte for byte.
 */
import { describe, expect, it } from 'vitest';
import type { CacheEntry } from '@baton/core';
import { startHarness, waitFor, withStore, type StoreFactory } from '../../harness.js';

const T0 = Date.UTC(2030, 0, 1);
const HOUR = 3_600_000;

function entry(key: string, value: string, expiresAt = T0 + HOUR, createdAt = T0): CacheEntry {
  return { key, value, createdAt, expiresAt };
}

export function cacheSuite(factory: StoreFactory): void {
  describe('cache', () => {
    it('returns what was put, with its times and the hit just counted; a missing key is undefined', async () => {
      await withStore(factory, async (store) => {
        await store.putCached(entry('llm:abc', '{"text":"hello"}', T0 + HOUR, T0 + 5));
        expect(await store.getCached('llm:abc', T0 + 10)).toEqual({
          key: 'llm:abc',
          value: '{"text":"hello"}',
          createdAt: T0 + 5,
          expiresAt: T0 + HOUR,
          hits: 1,
        });
        expect(await store.getCached('llm:abd', T0 + 10)).toBeUndefined();
        expect(await store.getCached('llm:ab', T0 + 10)).toBeUndefined();
      });
    });

    it('does not return an entry at or after its expiry, by the time passed in', async () => {
      await withStore(factory, async (store) => {
        await store.putCached(entry('k', '1', T0 + 1000));
        expect((await store.getCached('k', T0 + 999))?.value).toBe('1');
        expect(await store.getCached('k', T0 + 1000)).toBeUndefined();
        expect(await store.getCached('k', T0 + 5000)).toBeUndefined();
        // Expiry is read at the caller's time, not the store's clock: an earlier time still sees it.
        expect((await store.getCached('k', T0))?.value).toBe('1');
      });
    });

    it('replaces an entry on a put of the same key: value, times and hits', async () => {
      await withStore(factory, async (store) => {
        await store.putCached(entry('k', 'old', T0 + 100));
        await store.getCached('k', T0 + 1);
        await store.getCached('k', T0 + 2);
        await store.putCached(entry('k', 'new', T0 + 2 * HOUR, T0 + 50));
        expect(await store.getCached('k', T0 + 200)).toEqual({ key: 'k', value: 'new', createdAt: T0 + 50, expiresAt: T0 + 2 * HOUR, hits: 1 });
        // A put that brings its own count keeps it; an expired entry is brought back to life by a put.
        await store.putCached({ ...entry('k', 'again', T0 + 3 * HOUR, T0 + 60), hits: 7 });
        expect((await store.getCached('k', T0 + 70))?.hits).toBe(8);
        await store.putCached(entry('gone', 'x', T0 + 10));
        expect(await store.getCached('gone', T0 + 20)).toBeUndefined();
        await store.putCached(entry('gone', 'back', T0 + 100, T0 + 20));
        expect(await store.getCached('gone', T0 + 30)).toMatchObject({ value: 'back', hits: 1 });
      });
    });

    it('counts every read that returns the entry, and only those', async () => {
      await withStore(factory, async (store) => {
        await store.putCached(entry('a', 'A', T0 + 100));
        await store.putCached(entry('b', 'B', T0 + 100));
        expect((await store.getCached('a', T0))?.hits).toBe(1);
        expect((await store.getCached('a', T0))?.hits).toBe(2);
        expect((await store.getCached('a', T0))?.hits).toBe(3);
        expect((await store.getCached('b', T0))?.hits).toBe(1);
        // Misses count nothing: an expired read leaves the count where it was.
        expect(await store.getCached('a', T0 + 100)).toBeUndefined();
        expect((await store.getCached('a', T0 + 99))?.hits).toBe(4);
        // Reads at once each count.
        const hits = await Promise.all(Array.from({ length: 10 }, () => store.getCached('b', T0).then((e) => e?.hits)));
        expect([...hits].sort((x, y) => x! - y!)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      });
    });

    it('prunes only the entries expired at the given time and says how many', async () => {
      await withStore(factory, async (store) => {
        expect(await store.pruneCached(T0)).toBe(0);
        await store.putCached(entry('a', 'A', T0 + 10));
        await store.putCached(entry('b', 'B', T0 + 20));
        await store.putCached(entry('c', 'C', T0 + 30));
        await store.putCached(entry('d', 'D', T0 + HOUR));
        expect(await store.pruneCached(T0 + 20)).toBe(2);
        // Deleted: not returned even when read at a time they would still be live.
        expect(await store.getCached('a', T0)).toBeUndefined();
        expect(await store.getCached('b', T0)).toBeUndefined();
        expect((await store.getCached('c', T0))?.value).toBe('C');
        expect((await store.getCached('d', T0))?.value).toBe('D');
        expect(await store.pruneCached(T0 + 20)).toBe(0);
        expect(await store.pruneCached(T0 + 31)).toBe(1);
        expect((await store.getCached('d', T0))?.value).toBe('D');
      });
    });

    it('prunes more expired entries than one chunk holds', async () => {
      await withStore(factory, async (store) => {
        const n = 1500;
        for (let i = 0; i < n; i += 100)
          await Promise.all(Array.from({ length: 100 }, (_, j) => store.putCached(entry(`old:${i + j}`, String(i + j), T0 + 10))));
        await store.putCached(entry('live', 'L', T0 + HOUR));
        expect(await store.pruneCached(T0 + 10)).toBe(n);
        expect(await store.getCached('old:0', T0)).toBeUndefined();
        expect((await store.getCached('live', T0))?.value).toBe('L');
      });
    });

    it('round-trips a 1 MB value', async () => {
      await withStore(factory, async (store) => {
        const parts: string[] = [];
        for (let i = 0; parts.join('').length < 1_000_000; i++) parts.push(`{"i":${i},"text":"line ${i} – naïve 日本 🚀 \\"quoted\\"\\n"},`.repeat(50));
        const value = JSON.stringify({ choices: parts.join('') });
        expect(value.length).toBeGreaterThan(1_000_000);
        await store.putCached(entry('llm:big', value));
        const got = await store.getCached('llm:big', T0);
        expect(got?.value.length).toBe(value.length);
        expect(got?.value === value).toBe(true);
      });
    });

    it('keeps keys with quotes, backslashes, LIKE wildcards and unicode apart, compared exactly', async () => {
      await withStore(factory, async (store) => {
        const keys = [
          `llm:"double" 'single' \`back\``,
          'llm:back\\slash; DROP TABLE cache; --',
          'llm:100%_done',
          'llm:100%',
          'llm:ünïcödé 日本語 🚀',
          'llm:ünïcödé 日本語 🚀 ',
          'LLM:ÜNÏCÖDÉ 日本語 🚀',
          'llm:line\nbreak\ttab',
          `llm:${'f'.repeat(64)}:${'é'.repeat(100)}`,
        ];
        for (const [i, key] of keys.entries()) await store.putCached(entry(key, JSON.stringify({ i, key })));
        for (const [i, key] of keys.entries()) {
          const got = await store.getCached(key, T0);
          expect(got?.key).toBe(key);
          expect(got?.value).toBe(JSON.stringify({ i, key }));
          expect(got?.hits).toBe(1);
        }
        expect(await store.getCached('llm:100', T0)).toBeUndefined();
        expect(await store.getCached('llm:_00%', T0)).toBeUndefined();
      });
    });

    it('is pruned by a running engine at its clock', async () => {
      // A short change retention makes the engine prune every second (of real time).
      const harness = await startHarness(factory, [], { manualClock: true, changeRetentionMs: 4000 });
      try {
        const now = harness.clock.now();
        await harness.store.putCached(entry('expired', 'E', now, now - HOUR));
        await harness.store.putCached(entry('live', 'L', now + HOUR, now - HOUR));
        // Read at a time it was live: only its deletion hides it.
        await waitFor(async () => (await harness.store.getCached('expired', now - 1)) === undefined, {
          timeoutMs: 5000,
          message: 'the engine to prune the cache',
        });
        expect((await harness.store.getCached('live', now))?.value).toBe('L');
      } finally {
        await harness.close();
      }
    });

    it('is shared with another connection on the same storage', async () => {
      if (factory.reopen === undefined) return;
      await withStore(factory, async (store) => {
        const other = await factory.reopen!(store);
        await other.init();
        try {
          await store.putCached(entry('shared', 'S'));
          expect(await other.getCached('shared', T0)).toMatchObject({ value: 'S', hits: 1 });
          expect(await store.getCached('shared', T0)).toMatchObject({ value: 'S', hits: 2 });
          expect(await other.pruneCached(T0 + 2 * HOUR)).toBe(1);
          expect(await store.getCached('shared', T0)).toBeUndefined();
        } finally {
          await other.close();
        }
      });
    });
  });
}
