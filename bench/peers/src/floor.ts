/**
 * The floor the systems are compared against, measured on the same server in the same run: the
 * latency of a raw single-row INSERT commit from one connection (autocommit, so one WAL flush
 * each), alone and three in sequence (what the minimum of a durable start → one step → result
 * costs when each of the three is its own commit).
 */
import pg from 'pg';
import { createDatabase, dropDatabase, freshDatabaseName } from './postgres.js';
import { percentile } from './stats.js';

const WARM_UP = 50;
const SAMPLES = 300;

export interface Floor {
  /** p50 of one single-row commit, ms. */
  commitP50Ms: number;
  /** p50 of three single-row commits one after another, ms. */
  threeCommitsP50Ms: number;
}

export async function measureFloor(adminUrl: string): Promise<Floor> {
  const name = freshDatabaseName('floor');
  const url = await createDatabase(adminUrl, name);
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('CREATE TABLE t (id BIGSERIAL PRIMARY KEY, value TEXT NOT NULL)');
    const insert = 'INSERT INTO t (value) VALUES ($1)';
    for (let i = 0; i < WARM_UP; i++) await client.query(insert, ['warm-up']);
    const one: number[] = [];
    const three: number[] = [];
    // Alternate the two shapes, so a slow spell of the machine falls on both.
    for (let i = 0; i < SAMPLES; i++) {
      let started = performance.now();
      await client.query(insert, [`one ${i}`]);
      one.push(performance.now() - started);
      started = performance.now();
      for (let k = 0; k < 3; k++) await client.query(insert, [`three ${i}.${k}`]);
      three.push(performance.now() - started);
    }
    return { commitP50Ms: percentile(one, 50), threeCommitsP50Ms: percentile(three, 50) };
  } finally {
    await client.end().catch(() => {});
    await dropDatabase(adminUrl, name);
  }
}
