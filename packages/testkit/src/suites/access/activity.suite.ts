/**
 * Namespaces, tags and search on runs; the audit log, written in the transaction of the change it
 * records; the change feed of run statuses and journal entries, read on from a cursor.
 */
import { describe, expect, it } from 'vitest';
import { defineWorkflow, isBatonError, type AuditEntry, type ChangeRecord, type NewRun, type Store } from '@baton/core';
import { startHarness, waitForStatus, withStore, type StoreFactory } from '../../harness.js';

const T0 = Date.UTC(2030, 0, 1);

function newRun(id: string, extra: Partial<NewRun> = {}): NewRun {
  return { id, workflow: 'wf', version: '1', input: '{}', queue: 'default', priority: 0, ...extra };
}

function audit(action: string, target: string, at = T0): AuditEntry {
  return { actor: 'key-1', namespace: 'default', action, target, result: 'ok', at };
}

/** Every change after `after`, read page by page. */
/**
 * Reads the feed page by page to its end, and on until `until` holds of what was read: a store may
 * hold a change back while older transactions are open (PostgreSQL's feed waits for every transaction
 * on the server that began before it), so what was just written may come a moment later.
 */
async function readAll(
  store: Store,
  filter: { after?: string; runId?: string; namespace?: string; workflow?: string } = {},
  until: (changes: ChangeRecord[]) => boolean = () => true,
): Promise<{ changes: ChangeRecord[]; cursor: string }> {
  const changes: ChangeRecord[] = [];
  let cursor = filter.after;
  const deadline = Date.now() + 10_000;
  for (let page = 0; page < 1000; page++) {
    const read = await store.listChanges({ ...filter, ...(cursor === undefined ? {} : { after: cursor }), limit: 3 });
    changes.push(...read.changes);
    const atEnd = read.changes.length === 0 && read.cursor === cursor;
    cursor = read.cursor;
    if (atEnd && (until(changes) || Date.now() > deadline)) return { changes, cursor };
    if (atEnd) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the feed did not end');
}

/** Whether `changes` hold the run's change to `status`. */
const reached =
  (runId: string, status: string) =>
  (changes: ChangeRecord[]): boolean =>
    changes.some((c) => c.runId === runId && c.kind === 'run' && c.status === status);

const steps = defineWorkflow({ name: 'activity-steps', version: '1' }, async (ctx) => {
  const a = await ctx.step('one', async () => 1);
  const b = await ctx.step('two', async () => 2);
  return a + b;
});

export function activitySuite(factory: StoreFactory): void {
  describe('namespaces, tags, audit log and change feed', () => {
    it('lists runs by namespace, tag and search text, and keeps tags and namespace on the record', async () => {
      await withStore(factory, async (store) => {
        await store.createRun(newRun('order-1', { namespace: 'acme', tags: ['vip', 'eu'], input: '{"customer":"Zoë 100%"}' }), T0);
        await store.createRun(newRun('order-2', { namespace: 'acme', tags: ['eu'] }), T0 + 1);
        await store.createRun(newRun('invoice-3', { input: '{"customer":"bob_smith"}' }), T0 + 2);
        const run = (await store.getRun('order-1'))!;
        expect(run.namespace).toBe('acme');
        expect(run.tags).toEqual(['vip', 'eu']);
        expect((await store.getRun('invoice-3'))!).toMatchObject({ namespace: 'default', tags: [] });

        const ids = async (filter: Parameters<Store['listRuns']>[0]): Promise<string[]> => (await store.listRuns(filter)).runs.map((r) => r.id);
        expect(await ids({ namespace: 'acme' })).toEqual(['order-2', 'order-1']);
        expect(await ids({ namespace: 'default' })).toEqual(['invoice-3']);
        expect(await ids({ tag: 'eu' })).toEqual(['order-2', 'order-1']);
        expect(await ids({ tag: 'vip', namespace: 'acme' })).toEqual(['order-1']);
        expect(await ids({ tag: 'v' })).toEqual([]);
        expect(await ids({ search: 'ORDER' })).toEqual(['order-2', 'order-1']);
        expect(await ids({ search: '100%' })).toEqual(['order-1']);
        // LIKE wildcards in the text are literal: '_' matches only an underscore.
        expect(await ids({ search: 'b_s' })).toEqual(['invoice-3']);
        expect(await ids({ search: 'o_d' })).toEqual([]);
        expect(await ids({ search: "'; DROP TABLE runs; --" })).toEqual([]);
        expect(await ids({})).toHaveLength(3);
      });
    });

    it('writes an audit entry with the change it records, and none when the change is refused', async () => {
      await withStore(factory, async (store) => {
        await store.createRun(newRun('r1'), T0, undefined, audit('run.start', 'r1'));
        // An id that exists: nothing created, so nothing audited with it.
        await store.createRun(newRun('r1'), T0 + 1, undefined, audit('run.start', 'r1', T0 + 1));
        await store.sendSignal('r1', 'go', '1', T0 + 2, audit('run.signal', 'r1', T0 + 2));
        await expect(store.sendSignal('nope', 'go', '1', T0 + 3, audit('run.signal', 'nope', T0 + 3))).rejects.toSatisfy(isBatonError);
        await store.requestCancel('r1', T0 + 4, undefined, audit('run.cancel', 'r1', T0 + 4));
        await expect(store.requestCancel('r1', T0 + 5, undefined, audit('run.cancel', 'r1', T0 + 5))).rejects.toSatisfy(isBatonError);
        expect(await store.revokeApiKey('missing', T0 + 6, audit('key.revoke', 'missing', T0 + 6))).toBe(false);
        await store.appendAudit({ ...audit('run.retry', 'r1', T0 + 7), result: 'BATON_RUN_NOT_FAILED', detail: '{"why":"cancelled"}' });

        const entries = await store.listAudit({ limit: 10 });
        expect(entries.map((e) => [e.action, e.target, e.result, e.at])).toEqual([
          ['run.retry', 'r1', 'BATON_RUN_NOT_FAILED', T0 + 7],
          ['run.cancel', 'r1', 'ok', T0 + 4],
          ['run.signal', 'r1', 'ok', T0 + 2],
          ['run.start', 'r1', 'ok', T0],
        ]);
        expect(entries[0]).toMatchObject({ actor: 'key-1', namespace: 'default', detail: '{"why":"cancelled"}' });
        expect(entries[0]!.id).toBeGreaterThan(entries[1]!.id);

        expect((await store.listAudit({ action: 'run.signal', limit: 10 })).map((e) => e.at)).toEqual([T0 + 2]);
        expect((await store.listAudit({ since: T0 + 2, until: T0 + 5, limit: 10 })).map((e) => e.action)).toEqual(['run.cancel', 'run.signal']);
        expect((await store.listAudit({ before: entries[1]!.id, limit: 1 })).map((e) => e.action)).toEqual(['run.signal']);
        expect(await store.listAudit({ namespace: 'acme', limit: 10 })).toEqual([]);
      });
    });

    it('audits an engine-applied start only when the run was created', async () => {
      await withStore(factory, async (store) => {
        const [created, repeated] = await store.commit(
          [
            { runId: 'c1', leaseToken: '', create: newRun('c1'), audit: audit('run.start', 'c1') },
            { runId: 'c1', leaseToken: '', create: newRun('c1'), audit: audit('run.start', 'c1') },
          ],
          T0,
        );
        expect(created).toEqual({ ok: true });
        expect(repeated).toEqual({ ok: false, reason: 'exists' });
        expect((await store.listAudit({ limit: 10 })).map((e) => e.target)).toEqual(['c1']);
      });
    });

    it('feeds every status change and journal entry in order, read on from a cursor, filtered by run or namespace', async () => {
      const h = await startHarness(factory, [steps]);
      try {
        const start = await h.store.changeCursor();
        const first = await h.engine.client.start(steps, undefined, { id: 'feed-1' });
        await waitForStatus(h.engine, first.id, 'completed');
        const { changes, cursor } = await readAll(h.store, { after: start }, reached('feed-1', 'completed'));
        const mine = changes.filter((c) => c.runId === 'feed-1');
        expect(mine.map((c) => (c.kind === 'run' ? c.status : `${c.seq}:${c.name}:${c.status}`))).toEqual(
          // An eager start is created running; one started elsewhere is queued first.
          mine[0]!.status === 'queued'
            ? ['queued', 'running', '1:one:completed', '2:two:completed', 'completed']
            : ['running', '1:one:completed', '2:two:completed', 'completed'],
        );
        expect(mine.find((c) => c.kind === 'entry')).toMatchObject({ workflow: 'activity-steps', namespace: 'default', entryKind: 'step' });
        const cursors = changes.map((c) => c.cursor);
        expect(new Set(cursors).size).toBe(cursors.length);

        // Reading on from the end gives only what came after.
        const second = await h.engine.client.start(steps, undefined, { id: 'feed-2' });
        await waitForStatus(h.engine, second.id, 'completed');
        const more = await readAll(h.store, { after: cursor }, reached('feed-2', 'completed'));
        expect(new Set(more.changes.map((c) => c.runId))).toEqual(new Set(['feed-2']));
        expect((await readAll(h.store, { after: start, runId: 'feed-2' })).changes.map((c) => c.runId)).toEqual(more.changes.map(() => 'feed-2'));
        expect((await readAll(h.store, { after: start, namespace: 'elsewhere' })).changes).toEqual([]);
        expect((await readAll(h.store, { after: start, workflow: 'activity-steps' })).changes).toHaveLength(changes.length + more.changes.length);

        // An empty read does not move the cursor backwards, and a foreign cursor is refused.
        const again = await h.store.listChanges({ after: more.cursor, limit: 10 });
        expect(again.changes).toEqual([]);
        await expect(h.store.listChanges({ after: 'not-a-cursor', limit: 10 })).rejects.toSatisfy(isBatonError);
      } finally {
        await h.close();
      }
    });

    it('prunes old changes and tells a reader that fell behind that it missed some', async () => {
      await withStore(factory, async (store) => {
        const start = await store.changeCursor();
        for (let i = 0; i < 5; i++) await store.createRun(newRun(`old-${i}`), T0 + i);
        const middle = (await readAll(store, { after: start }, (changes) => changes.length === 5)).cursor;
        await store.createRun(newRun('new-1'), T0 + 60_000);
        await readAll(store, { after: middle }, reached('new-1', 'queued'));
        expect(await store.pruneChanges(T0 + 30_000)).toBe(5);
        const behind = await store.listChanges({ after: start, limit: 10 });
        expect(behind.gap).toBe(true);
        expect(behind.changes.map((c) => c.runId)).toEqual(['new-1']);
        const current = await store.listChanges({ after: middle, limit: 10 });
        expect(current.gap).toBe(false);
        expect(current.changes.map((c) => c.runId)).toEqual(['new-1']);
        expect(await store.pruneChanges(T0 + 30_000)).toBe(0);
      });
    });
  });
}
