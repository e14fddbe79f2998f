/** Whether a PostgreSQL server answers, for tools and tests that run only with one. */
import pg from 'pg';

/** True when a PostgreSQL server answers at `connectionString` within `timeoutMs` (for tools and tests). */
export async function canConnect(connectionString: string, timeoutMs = 3000): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
