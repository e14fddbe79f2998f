/**
 * `--namespace NS` on baton worker (and $BATON_NAMESPACE): the schedules and event triggers the
 * loaded workflows declare are stored in that namespace, so their runs start there; a bad name is a
 * usage error. In process, through the CLI's own entry.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '@baton/sqlite';
import { batonInProcess, tempDir, waitFor } from './helpers.js';

const dir = tempDir();

function definitionFile(): string {
  const file = join(dir, 'nightly.yaml');
  writeFileSync(
    file,
    [
      'document:',
      "  dsl: '1.0.0'",
      '  namespace: reports',
      '  name: nightly',
      "  version: '1.0.0'",
      'schedule:',
      "  cron: '0 3 * * *'",
      '  on:',
      '    one:',
      '      with:',
      '        type: reports.requested',
      'do:',
      '  - done:',
      '      set:',
      '        ok: true',
      '',
    ].join('\n'),
  );
  return file;
}

describe('baton worker --namespace', () => {
  it("stores the workflows' schedules and triggers in the namespace given", async () => {
    const db = join(dir, 'team.db');
    const workflows = definitionFile();
    const store = new SqliteStore({ path: db });
    await store.init();
    try {
      const worker = batonInProcess(['worker', '--workflows', workflows, '--db', db, '--namespace', 'team-a']);
      let ended: Awaited<typeof worker> | undefined;
      void worker.then((r) => (ended = r));
      const schedules = await waitFor(
        async () => {
          if (ended !== undefined) return [];
          const found = await store.listSchedules();
          return found.length > 0 ? found : undefined;
        },
        { timeoutMs: 25_000 },
      );
      expect(ended?.stderr).toBeUndefined();
      expect(schedules.map((s) => [s.id, s.namespace])).toEqual([['reports.nightly', 'team-a']]);
      expect((await store.listTriggers()).map((t) => [t.workflow, t.type, t.namespace])).toEqual([['reports.nightly', 'reports.requested', 'team-a']]);
      process.emit('SIGTERM', 'SIGTERM');
      const result = await worker;
      expect(result.code, result.stderr).toBe(0);
    } finally {
      await store.close();
    }
  }, 45_000);

  it('refuses a namespace that is not a name, from the flag or the environment', async () => {
    const workflows = definitionFile();
    const db = join(dir, 'bad.db');
    const flag = await batonInProcess(['worker', '--workflows', workflows, '--db', db, '--namespace', 'team*a']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("--namespace must be 1-100 letters, digits, spaces and . _ : / @ -, starting with a letter or digit, not 'team*a'");
    const env = await batonInProcess(['worker', '--workflows', workflows, '--db', db], { env: { BATON_NAMESPACE: '-a' } });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('$BATON_NAMESPACE must be');
  });
});
