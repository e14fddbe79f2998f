/** The overview and the engine's stats on PostgreSQL (OverviewStore): every aggregate of an overview in one snapshot. */
import {
  assertOverviewFilter,
  overviewPlan,
  toOverview,
  toStoreStats,
  type OverviewRows,
  type OverviewStore,
  type StatsCountRow,
  type StatsQueueRow,
} from '@baton/core/store-kit';
import type { Overview, OverviewFilter, StoreStats } from '@baton/core';
import type { PostgresConnection } from '../connection/connection.js';
import { overviewQueries } from './overview-queries.js';
import { QUEUE_NAMES, STATS_COUNTS, STATS_QUEUED } from './stats-queries.js';

export class PostgresOverview implements OverviewStore {
  readonly #db: PostgresConnection;

  constructor(db: PostgresConnection) {
    this.#db = db;
  }

  async stats(now: number): Promise<StoreStats> {
    const [queued, defined, counts] = await Promise.all([
      this.#db.query<StatsQueueRow>(STATS_QUEUED, [now]),
      this.#db.query<{ name: string }>(QUEUE_NAMES),
      this.#db.query<StatsCountRow>(STATS_COUNTS, [now]),
    ]);
    return toStoreStats(queued.rows, defined.rows, counts.rows[0]!);
  }

  async overview(filter: OverviewFilter): Promise<Overview> {
    assertOverviewFilter(filter);
    const { statsUntil } = overviewPlan(filter);
    const fromStats = statsUntil > filter.since;
    const q = overviewQueries(filter, statsUntil);
    // One REPEATABLE READ transaction: every aggregate sees the same snapshot.
    const rows = await this.#db.transaction(async (db) => {
      await db.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const read = async (query: { sql: string; params: unknown[] }) => (await db.query(query.sql, query.params)).rows;
      return {
        stats: fromStats ? await read(q.stats) : [],
        created: await read(q.created),
        ended: await read(q.ended),
        durations: fromStats ? [] : await read(q.durations),
        durationBins: fromStats ? await read(q.durationBins) : [],
        queued: await read(q.queued),
        definedQueues: await read({ sql: QUEUE_NAMES, params: [] }),
        waitingForHumans: ((await read(q.waitingForHumans))[0] as { n: number }).n,
        llm: fromStats ? [(await read(q.llm))[0], (await read(q.llmStats))[0]] : [(await read(q.llm))[0]],
      } as OverviewRows;
    });
    return toOverview(filter, rows);
  }
}
