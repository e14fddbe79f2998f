/**
 * `--alerts FILE`: the file's rules are loaded into the database (replacing an earlier file's), the
 * process takes the alerts leadership and evaluates them, and a bad file is a usage error naming the
 * problem's place in it. In process, through the CLI's own entry.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Client } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { WORKFLOWS, batonInProcess, registerFixtureWorkflows, tempDir, waitFor } from './helpers.js';

const dir = tempDir();
const db = join(dir, 'baton.db');

describe('baton worker --alerts', () => {
  it('loads the rules, evaluates them as the leader, and stops cleanly', async () => {
    const file = join(dir, 'alerts.yaml');
    writeFileSync(
      file,
      [
        'evaluateEvery: 200ms',
        'channels:',
        '  bus: { type: event, event: baton.alert }',
        'rules:',
        '  - id: backlog',
        '    name: Backlog',
        '    condition: { kind: queue-depth }',
        '    threshold: 100',
        '    channels: [bus]',
        '  - id: failing',
        '    name: Failing',
        '    condition: { kind: failure-rate, minRuns: 5 }',
        '    threshold: 0.5',
        '    window: 10m',
        '',
      ].join('\n'),
    );
    const store = new SqliteStore({ path: db });
    await store.init();
    try {
      const worker = batonInProcess(['worker', '--workflows', WORKFLOWS, '--db', db, '--alerts', file]);
      let ended: Awaited<typeof worker> | undefined;
      void worker.then((r) => (ended = r));
      await waitFor(async () => ended !== undefined || (await store.getLeader('alerts', Date.now())) !== undefined, { timeoutMs: 25_000 });
      expect(ended?.stderr).toBeUndefined();
      expect((await store.listAlertRules()).map((r) => [r.id, r.source, r.window])).toEqual([
        ['backlog', 'file', 300_000],
        ['failing', 'file', 600_000],
      ]);
      process.emit('SIGTERM', 'SIGTERM');
      const result = await worker;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('Alerts: 2 rules from the alerts file, channels: bus');
      // Stopping gives the leadership up.
      expect(await store.getLeader('alerts', Date.now())).toBeUndefined();
    } finally {
      await store.close();
    }
  }, 45_000);

  it("sends a tenant rule's alert event to its namespace's event log", async () => {
    const tenantDb = join(dir, 'tenant.db');
    const file = join(dir, 'tenant-alerts.yaml');
    writeFileSync(
      file,
      [
        'evaluateEvery: 200ms',
        'channels:',
        '  bus: { type: event, event: baton.alert }',
        'rules:',
        '  - id: team-a-failing',
        '    name: Team A failing',
        '    namespace: team-a',
        '    condition: { kind: failure-rate, workflow: always-fails }',
        '    threshold: 0.5',
        '    window: 10m',
        '    channels: [bus]',
        '',
      ].join('\n'),
    );
    await registerFixtureWorkflows(tenantDb);
    const store = new SqliteStore({ path: tenantDb });
    await store.init();
    try {
      // A run of team-a that fails for good: team-a's failure rate is 100%.
      await new Client({ store }).as({ id: 'test', namespace: 'team-a' }).start('always-fails', {}, { id: 'failing-a' });
      const worker = batonInProcess(['worker', '--workflows', WORKFLOWS, '--db', tenantDb, '--alerts', file]);
      let ended: Awaited<typeof worker> | undefined;
      void worker.then((r) => (ended = r));
      const events = await waitFor(
        async () => {
          if (ended !== undefined) return [];
          const found = await store.listEvents({ type: 'baton.alert', limit: 10 });
          return found.length > 0 ? found : undefined;
        },
        { timeoutMs: 25_000 },
      );
      expect(ended?.stderr).toBeUndefined();
      expect(events.map((e) => [e.namespace, e.source])).toEqual([['team-a', 'baton/notifications']]);
      expect(await store.listEvents({ namespace: 'default', type: 'baton.alert', limit: 10 })).toEqual([]);
      process.emit('SIGTERM', 'SIGTERM');
      const result = await worker;
      expect(result.code, result.stderr).toBe(0);
    } finally {
      await store.close();
    }
  }, 45_000);

  it('refuses a bad file, naming the place of each problem', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({ rules: [{ id: 'x', name: 'X', condition: { kind: 'stuck', status: 'running' }, threshold: 0, channels: ['pager'] }] }),
    );
    const result = await batonInProcess(['worker', '--workflows', WORKFLOWS, '--db', db, '--alerts', file]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('rules.0.condition.for');
  });
});
