/** `--lease` and `--heartbeat` of `baton worker` and `baton dev` (and $BATON_LEASE, $BATON_HEARTBEAT). */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CliProcess, WORKFLOWS, baton, expectOneErrorLine, tempDir, waitFor } from './helpers.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lease flags', { timeout: 60_000 }, () => {
  const refused: { name: string; args: string[]; env?: Record<string, string>; says: string }[] = [
    { name: 'a lease that is no duration', args: ['worker', '--lease', 'soon'], says: "--lease must be a duration such as 10s, 2m or 1500ms, not 'soon'" },
    { name: 'a lease under a second', args: ['worker', '--lease', '500ms'], says: '--lease must be at least 1s' },
    { name: 'a zero heartbeat', args: ['worker', '--heartbeat', '0s'], says: '--heartbeat must be longer than zero' },
    {
      name: 'a heartbeat over a third of the lease',
      args: ['worker', '--lease', '10s', '--heartbeat', '4s'],
      says: 'must be at most a third of the lease (10000 ms)',
    },
    {
      name: 'a heartbeat over a third of the default lease',
      args: ['dev', '--heartbeat', '11s', '--port', '0'],
      says: 'at most a third of the lease (30000 ms)',
    },
    {
      name: 'a bad $BATON_LEASE',
      args: ['dev', '--port', '0'],
      env: { BATON_LEASE: 'ten' },
      says: "$BATON_LEASE must be a duration such as 10s, 2m or 1500ms, not 'ten'",
    },
    { name: 'a bad $BATON_HEARTBEAT', args: ['worker'], env: { BATON_HEARTBEAT: '1 fortnight' }, says: '$BATON_HEARTBEAT must be a duration' },
  ];
  for (const c of refused) {
    it(`refuses ${c.name} before starting`, async () => {
      const db = join(dir, `refused-${c.name.replace(/\W+/g, '-')}.db`);
      const result = await baton([...c.args, '--db', db, '--workflows', WORKFLOWS], c.env === undefined ? {} : { env: c.env });
      expect(result.code, result.stderr).toBe(2);
      expect(expectOneErrorLine(result, 'BATON_INVALID_ARGUMENT')).toContain(c.says);
    });
  }

  it('holds runs with leases of the given length', async () => {
    const db = join(dir, 'leased.db');
    const worker = new CliProcess(['worker', '--db', db, '--workflows', WORKFLOWS, '--lease', '10s', '--heartbeat', '3s']);
    try {
      await worker.waitForOutput('baton worker:');
      const started = await baton(['run', 'stuck', '--db', db]);
      expect(started.code, started.stderr).toBe(0);
      const id = started.stdout.trim();
      const raw = new Database(db, { readonly: true, timeout: 5000 });
      try {
        const lease = (): { status: string; lease_expires_at: number | null } | undefined =>
          raw.prepare('SELECT status, lease_expires_at FROM runs WHERE id = ?').get(id) as { status: string; lease_expires_at: number | null } | undefined;
        await waitFor(() => lease()?.status === 'running', { what: 'the stuck run to be claimed' });
        // Taken (or renewed) no later than now, for 10 s: it expires within 10 s from now (30 s by default).
        const expiresAt = lease()?.lease_expires_at ?? 0;
        expect(expiresAt - Date.now()).toBeLessThanOrEqual(10_000);
        expect(expiresAt - Date.now()).toBeGreaterThan(-10_000);
        // Renewed: the lease moves on while the step hangs.
        await waitFor(() => (lease()?.lease_expires_at ?? 0) > expiresAt, { timeoutMs: 30_000, what: 'the lease to be renewed' });
      } finally {
        raw.close();
      }
    } finally {
      await worker.stop('SIGKILL');
    }
  });
});
