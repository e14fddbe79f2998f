/** createTestEnv works under Jest: a test file run by Jest (ESM, no transform) in a child process, on the built package. */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const JEST = join(dirname(createRequire(import.meta.url).resolve('jest/package.json')), 'bin/jest.js');
const FIXTURES = fileURLToPath(new URL('./fixtures/jest', import.meta.url));
const CONFIG = JSON.stringify({ testEnvironment: 'node', transform: {}, testMatch: ['**/*.test.mjs'] });

describe('@baton/testkit under Jest', () => {
  it('runs a test of createTestEnv with Jest, in ESM with no transform', async () => {
    // Jest runs ES modules with Node's VM modules, still behind a flag on every Node version.
    const { stdout, stderr } = await run(process.execPath, ['--experimental-vm-modules', JEST, '--rootDir', FIXTURES, '--config', CONFIG, '--json'], {
      timeout: 120_000,
      maxBuffer: 16 << 20,
    }).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }));
    const report = JSON.parse(stdout) as { numPassedTests: number; numFailedTests: number; success: boolean };
    expect(report, stderr).toMatchObject({ numPassedTests: 1, numFailedTests: 0, success: true });
  });
});
