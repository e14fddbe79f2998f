/** The overview and the metrics' stats on SQLite: aggregates read in one snapshot. */
import type { Overview, OverviewFilter, StoreStats } from '@baton/core';
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
import type { SqliteConnection } from '../connection/sqlite-connection.js';
import { overviewQueries } from './overview-queries.js';
import { STATS_COUNTS, STATS_QUEUED } from './stats-queries.js';

export class SqliteOverviewStore implements OverviewStore {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async stats(now: number): Promise<StoreStats> {
    this.#conn.ensureInitialized();
    // Read at scrape pace, so prepared at each call rather than kept with the hot statements.
    const queued = this.#conn.db.prepare(STATS_QUEUED).all({ now }) as StatsQueueRow[];
    const defined = this.#conn.db.prepare('SELECT name FROM queues').all() as { name: string }[];
    const counts = this.#conn.db.prepare(STATS_COUNTS).get({ now }) as StatsCountRow;
    return toStoreStats(queued, defined, counts);
  }

  async overview(filter: OverviewFilter): Promise<Overview> {
    this.#conn.ensureInitialized();
    assertOverviewFilter(filter);
    const q = overviewQueries(filter.namespace !== undefined);
    const { statsUntil } = overviewPlan(filter);
    const fromStats = statsUntil > filter.since;
    const params: Record<string, unknown> = { ...filter, statsUntil, from: statsUntil };
    // Each statement is given the parameters it names (the driver refuses others).
    const read = (sql: string) => {
      const statement = this.#conn.db.prepare(sql);
      const bound = Object.fromEntries(Object.entries(params).filter(([key]) => sql.includes(`@${key}`)));
      const args = Object.keys(bound).length === 0 ? [] : [bound];
      return { all: () => statement.all(...args), get: () => statement.get(...args) };
    };
    // One read transaction: every aggregate sees the same snapshot.
    const rows = this.#conn.snapshot(() => ({
      stats: fromStats ? read(q.stats).all() : [],
      created: read(q.created).all(),
      ended: read(q.ended).all(),
      durations: fromStats ? [] : read(q.durations).all(),
      durationBins: fromStats ? read(q.durationBins).all() : [],
      queued: read(q.queued).all(),
      definedQueues: read('SELECT name FROM queues').all(),
      waitingForHumans: (read(q.waitingForHumans).get() as { n: number }).n,
      llm: fromStats ? [read(q.llm).get(), read(q.llmStats).get()] : [read(q.llm).get()],
    })) as OverviewRows;
    return toOverview(filter, rows);
  }
}
