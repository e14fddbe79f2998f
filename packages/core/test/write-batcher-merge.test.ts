/**
 * The group commit folds a run's journal-only writes under one lease into one op: a fan-out's steps
 * reach the store as one fenced op, its entries in order, and a write under a stale lease is still
 * refused on its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine, defineWorkflow, silentLogger, type Durability } from '@baton/core';
import type { WriteOp } from '@baton/core/store-kit';
import { SqliteStore } from '@baton/sqlite';
import { mergeJournalWrites } from '../src/engine/write-batcher.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-batch-merge-'));
let counter = 0;
const newStore = (): SqliteStore => new SqliteStore({ path: join(dir, `merge-${++counter}.db`) });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WIDTH = 200;
const fanOut = defineWorkflow<null, number>({ name: 'merge.fan-out' }, async (ctx) => {
  const values = await Promise.all(Array.from({ length: WIDTH }, (_, i) => ctx.step('branch', () => i)));
  return values.reduce((sum, v) => sum + v, 0);
});

function entry(runId: string, seq: number): NonNullable<WriteOp['journal']>[number] {
  return { runId, seq, kind: 'step', name: 's', status: 'completed', output: '1', attempts: 1, startedAt: 0, endedAt: 0 };
}

describe('mergeJournalWrites', () => {
  it('folds journal-only writes of one run and lease, keeping their order and the other ops', () => {
    const ops: WriteOp[] = [
      { runId: 'a', leaseToken: 't', journal: [entry('a', 1)] },
      { runId: 'b', leaseToken: 'u', journal: [entry('b', 1)] },
      { runId: 'a', leaseToken: 't', journal: [entry('a', 2), entry('a', 3)] },
      { runId: 'a', leaseToken: 'stale', journal: [entry('a', 4)] },
      { runId: 'a', leaseToken: 'stale', journal: [entry('a', 5)] },
      { runId: 'b', leaseToken: 'u', transition: { kind: 'complete', output: '2' } },
      { runId: 'b', leaseToken: 'u', journal: [entry('b', 2)] },
    ];
    const { ops: merged, opOf } = mergeJournalWrites(ops);
    expect(opOf).toEqual([0, 1, 0, 2, 2, 3, 4]);
    expect(merged.map((op) => [op.runId, op.leaseToken, op.journal?.map((e) => e.seq)])).toEqual([
      ['a', 't', [1, 2, 3]],
      ['b', 'u', [1]],
      ['a', 'stale', [4, 5]],
      ['b', 'u', undefined],
      ['b', 'u', [2]],
    ]);
    // The ops given are left as they were.
    expect(ops[0]!.journal!.map((e) => e.seq)).toEqual([1]);
  });
});

describe.each<Durability>(['strict', 'batched'])('a fan-out on SQLite (%s)', (durability) => {
  it('commits its steps as one op and journals every one in order', async () => {
    const store = newStore();
    const opsPerCommit: number[] = [];
    const commit = store.commit.bind(store);
    store.commit = (ops, now) => {
      opsPerCommit.push(ops.length);
      return commit(ops, now);
    };
    const engine = new Engine({ store, workflows: [fanOut], durability, logger: silentLogger });
    try {
      await engine.start();
      const handle = await engine.client.start(fanOut, null);
      expect(await handle.result()).toBe((WIDTH * (WIDTH - 1)) / 2);
      const journal = await store.getJournal(handle.id);
      expect(journal.map((e) => e.seq)).toEqual(Array.from({ length: WIDTH }, (_, i) => i + 1));
      expect(journal.map((e) => e.output)).toEqual(Array.from({ length: WIDTH }, (_, i) => String(i)));
      // Whatever the commits' grouping, no commit carries one op per step.
      expect(opsPerCommit.reduce((sum, n) => sum + n, 0)).toBeLessThan(WIDTH / 10);
    } finally {
      await engine.stop();
      await store.close();
    }
  });
});
