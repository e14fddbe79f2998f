/** createTestEnv works without vitest: a test file run by `node --test` in a child process, on the built package. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const FIXTURE = fileURLToPath(new URL('./fixtures/node-test-runner.test.mjs', import.meta.url));

describe('@baton/testkit under node:test', () => {
  it('runs a test of createTestEnv with node --test, importing no vitest', async () => {
    const { stdout } = await run(process.execPath, ['--test', '--test-reporter=tap', FIXTURE], { timeout: 60_000 });
    expect(stdout).toMatch(/^# pass 1$/m);
    expect(stdout).toMatch(/^# fail 0$/m);
  });

  it('reaches no test framework from its main entry (the conformance suite, which needs vitest, is its own entry)', () => {
    const seen = new Set<string>();
    const bare = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^'"]*?from '([^']+)'/gm)) {
        if (specifier!.startsWith('.')) visit(join(dirname(file), specifier!));
        else bare.add(specifier!);
      }
    };
    visit(fileURLToPath(import.meta.resolve('@baton/testkit')));
    expect(seen.size).toBeGreaterThan(3);
    expect([...bare].sort()).toEqual(['@baton/core', '@baton/sqlite', 'node:fs/promises', 'node:os', 'node:path']);
  });
});
