/**
 * `baton replay --run ID --inspect`: the built executable opens Node's inspector and waits; a
 * DevTools-protocol client (test/support/inspector-client.ts) attaches, and the process stops at each
 * journaled position with the position in scope and the workflow's code on the stack, then at the
 * verdict. Runs made by a real engine on a SQLite file.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { rmSync } from 'node:fs';
import { BIN, FIXTURES, ROOT, batonInProcess, childEnv, tempDir, waitFor } from './helpers.js';
import { approval } from './fixtures/replay/approval.js';
import { followPauses, type Pause } from './support/inspector-client.js';

const dir = tempDir();
const db = join(dir, 'inspect.db');
let runId = '';

beforeAll(async () => {
  const store = new SqliteStore({ path: db });
  const engine = new Engine({ store, workflows: [approval('original')], logger: silentLogger, pollIntervalMs: 20 });
  await engine.start();
  try {
    runId = (await engine.client.start('approval', { amount: 250 })).id;
    await waitFor(async () => (await engine.client.get(runId))?.status === 'waiting', { what: 'the run to wait for its decision' });
  } finally {
    await engine.stop();
    await store.close();
  }
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `baton replay --inspect` on the run against `code`, follows every pause, and answers the pauses and the exit. */
async function inspect(code: string): Promise<{ pauses: Pause[]; code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [BIN, 'replay', '--workflows', join(FIXTURES, 'replay', code), '--db', db, '--run', runId, '--inspect', '--inspect-address', '127.0.0.1:0'],
    { cwd: ROOT, env: childEnv() },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = await waitFor(() => /(ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(stderr)?.[1], {
    timeoutMs: 60_000,
    what: () => `the inspector's address (stderr: ${stderr})`,
  });
  const pauses = await followPauses(url, "typeof journaled !== 'undefined' ? journaled : { verdict: result }");
  return { pauses, code: await exited, stdout, stderr };
}

describe('baton replay --inspect', { timeout: 120_000 }, () => {
  it('stops at each journaled position with its result in scope and the workflow’s line on the stack, then at the verdict', async () => {
    const { pauses, code, stdout } = await inspect('v1.ts');
    expect(code).toBe(0);
    expect(pauses.map((p) => p.value)).toEqual([
      { seq: 1, kind: 'step', name: 'extract', status: 'completed', output: { amount: 250 } },
      { seq: 2, kind: 'step', name: 'check-budget', status: 'completed', output: true },
      { verdict: expect.objectContaining({ ok: true, ended: 'frontier', positions: 3, runId }) },
    ]);
    // Each journaled stop has the workflow's own code below it: the line that asked for the position.
    for (const pause of pauses.slice(0, 2)) expect(pause.frames.some((f) => f.url.includes('fixtures/replay/approval.ts'))).toBe(true);
    expect(stdout).toMatch(new RegExp(`^ok +${runId} +approval@1 +waiting: reaches the end of its journal after 3 positions`, 'm'));
  });

  it('stops at the verdict of code that parts from the journal, and exits 1', async () => {
    const { pauses, code, stdout } = await inspect('reordered.ts');
    expect(code).toBe(1);
    expect(pauses.map((p) => p.value)).toEqual([
      {
        verdict: expect.objectContaining({
          ok: false,
          divergence: expect.objectContaining({ seq: 1, journaled: "step 'extract'", requested: "step 'check-budget'" }),
        }),
      },
    ]);
    expect(stdout).toContain(`diverged  ${runId}`);
  });

  it('refuses --inspect without --run, and --inspect-address without --inspect, as wrong command lines', async () => {
    const bad = [
      ['replay', '--workflows', join(FIXTURES, 'replay', 'v1.ts'), '--db', db, '--inspect'],
      ['replay', '--workflows', join(FIXTURES, 'replay', 'v1.ts'), '--db', db, '--run', runId, '--inspect-address', '127.0.0.1:0'],
      ['replay', '--workflows', join(FIXTURES, 'replay', 'v1.ts'), '--db', db, '--run', runId, '--inspect', '--inspect-address', 'nowhere'],
    ];
    for (const args of bad) expect((await batonInProcess(args)).code, args.join(' ')).toBe(2);
  });
});
