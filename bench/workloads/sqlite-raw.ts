/**
 * The machine's own limit: single-row INSERT transactions per second on raw better-sqlite3 with the
 * engine's settings (WAL, synchronous=FULL), one transaction per insert, i.e. one fsync each.
 */
import { openSqliteCommitTable } from '../lib/commit-floor.js';
import { percentile } from '../lib/stats.js';
import { cpuMs, now } from '../lib/timing.js';
import type { Workload } from '../lib/workload.js';

const MAX_INSERTS = 5000;
const MAX_MS = 1500;

export const sqliteRaw: Workload = {
  id: 'SQLite',
  title: 'raw better-sqlite3: one single-row INSERT per transaction (WAL, synchronous=FULL)',
  stores: ['sqlite'],
  modes: [],
  // Each measurement warms up itself with 50 inserts before timing.
  warmUp: false,
  metrics: [
    { key: 'txPerSec', label: 'insert transactions/s', unit: '/s', digits: 0 },
    { key: 'msPerTx', label: 'mean per transaction', unit: 'ms', digits: 3 },
    { key: 'p50Ms', label: 'p50 transaction', unit: 'ms', digits: 3 },
    { key: 'p99Ms', label: 'p99 transaction', unit: 'ms', digits: 3 },
    { key: 'cpuUsPerTx', label: 'CPU per transaction', unit: 'µs', digits: 1 },
  ],
  async measure() {
    const table = openSqliteCommitTable();
    try {
      for (let i = 0; i < 50; i++) table.insert('warm-up');
      const latencies: number[] = [];
      const cpu = cpuMs();
      const start = now();
      let elapsed = 0;
      while (latencies.length < MAX_INSERTS && elapsed < MAX_MS) {
        const before = now();
        table.insert(`row ${latencies.length}`);
        const after = now();
        latencies.push(after - before);
        elapsed = after - start;
      }
      const count = latencies.length;
      return {
        txPerSec: count / (elapsed / 1000),
        msPerTx: elapsed / count,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        cpuUsPerTx: ((cpuMs() - cpu) * 1000) / count,
      };
    } finally {
      await table.close();
    }
  },
};
