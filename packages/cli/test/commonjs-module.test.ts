/** A TypeScript workflows module in a CommonJS package loads with no build step, like one in an ESM package. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { CliProcess, FIXTURES, baton, tempDir } from './helpers.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runs workflows from a .ts module in a package typed commonjs', { timeout: 60_000 }, async () => {
  const db = join(dir, 'baton.db');
  const workflows = join(FIXTURES, 'commonjs-project', 'workflows.ts');
  const worker = new CliProcess(['worker', '--db', db, '--workflows', workflows]);
  try {
    await worker.waitForOutput('baton worker: shout');
    const result = await baton(['run', 'shout', '--db', db, '--input', '{"text":"hi"}', '--wait', '--workflows', workflows]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toBe('HI');
  } finally {
    await worker.stop('SIGTERM');
  }
});
