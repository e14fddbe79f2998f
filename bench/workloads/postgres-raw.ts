/**
 * The database's own limit: single-row INSERT commits per second on a fresh table in the fresh
 * schema, one INSERT per transaction (autocommit), from 1 connection and from 8 connections in
 * parallel. With synchronous_commit=on every commit waits for its WAL flush; concurrent commits
 * may share a flush (PostgreSQL's own group commit).
 */
import { openPostgresCommitTables, type CommitTable } from '../lib/commit-floor.js';
import { percentile } from '../lib/stats.js';
import type { StoreFactory } from '../lib/stores.js';
import { cpuMs, now } from '../lib/timing.js';
import type { Workload } from '../lib/workload.js';

const MAX_MS = 1500;
const MAX_INSERTS = 20_000;
const PARALLEL = 8;

export const postgresRaw: Workload = {
  id: 'PG',
  title: `raw node-postgres: one single-row INSERT per transaction, from 1 and from ${PARALLEL} connections`,
  stores: ['postgres'],
  modes: [],
  // Each measurement warms up itself with 50 inserts per connection before timing.
  warmUp: false,
  metrics: [
    { key: 'txPerSec1', label: 'commits/s, 1 connection', unit: '/s', digits: 0 },
    { key: 'p50Ms1', label: 'p50 commit, 1 connection', unit: 'ms', digits: 3 },
    { key: 'p99Ms1', label: 'p99 commit, 1 connection', unit: 'ms', digits: 3 },
    { key: 'cpuUsPerTx1', label: 'client CPU per commit', unit: 'µs', digits: 1 },
    { key: `txPerSec${PARALLEL}`, label: `commits/s, ${PARALLEL} connections`, unit: '/s', digits: 0 },
    { key: `p50Ms${PARALLEL}`, label: `p50 commit, ${PARALLEL} connections`, unit: 'ms', digits: 3 },
    { key: `p99Ms${PARALLEL}`, label: `p99 commit, ${PARALLEL} connections`, unit: 'ms', digits: 3 },
  ],
  async measure(_durability, stores: StoreFactory) {
    const tables = await openPostgresCommitTables(stores, PARALLEL);
    try {
      const first = tables[0]!;
      const loop = async (table: CommitTable, latencies: number[], until: number): Promise<void> => {
        while (latencies.length < MAX_INSERTS && now() < until) {
          const before = now();
          await table.insert(`row ${latencies.length}`);
          latencies.push(now() - before);
        }
      };
      await Promise.all(
        tables.map(async (t) => {
          for (let i = 0; i < 50; i++) await t.insert('warm-up');
        }),
      );
      const one: number[] = [];
      const cpu = cpuMs();
      let start = now();
      await loop(first, one, start + MAX_MS);
      const oneMs = now() - start;
      const cpuUsed = cpuMs() - cpu;
      const many = tables.map((): number[] => []);
      start = now();
      await Promise.all(tables.map((t, i) => loop(t, many[i]!, start + MAX_MS)));
      const manyMs = now() - start;
      const all = many.flat();
      return {
        txPerSec1: one.length / (oneMs / 1000),
        p50Ms1: percentile(one, 50),
        p99Ms1: percentile(one, 99),
        cpuUsPerTx1: (cpuUsed * 1000) / one.length,
        [`txPerSec${PARALLEL}`]: all.length / (manyMs / 1000),
        [`p50Ms${PARALLEL}`]: percentile(all, 50),
        [`p99Ms${PARALLEL}`]: percentile(all, 99),
      };
    } finally {
      await Promise.all(tables.map((t) => t.close()));
    }
  },
};
