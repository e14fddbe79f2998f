/** Every SQL statement of the SQLite store, each concern's beside its code, prepared once per connection. */
import type Database from 'better-sqlite3';
import { RUN_SQL } from '../runs/run-statements.js';
import { FLOW_CONTROL_SQL } from '../flow-control/flow-control-statements.js';
import { SCHEDULE_SQL } from '../schedules/schedule-statements.js';
import { EVENT_SQL } from '../events/event-statements.js';
import { ACCESS_SQL } from '../access/access-statements.js';
import { CACHE_SQL } from '../cache/cache-statements.js';

const SQL = { ...RUN_SQL, ...FLOW_CONTROL_SQL, ...SCHEDULE_SQL, ...EVENT_SQL, ...ACCESS_SQL, ...CACHE_SQL } as const;

export type Statements = Record<keyof typeof SQL, Database.Statement>;

export function prepareStatements(db: Database.Database): Statements {
  const out: Partial<Statements> = {};
  for (const [name, sql] of Object.entries(SQL)) out[name as keyof typeof SQL] = db.prepare(sql);
  return out as Statements;
}
