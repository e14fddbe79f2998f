/**
 * A definition's worker process SIGKILLed while the run waits inside a fork: another process takes
 * the run over and finishes it without running a completed task again (each step once, one event).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { definition } from './test-stores.js';

const WORKER = fileURLToPath(new URL('./fixtures/definition-worker.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'baton-dsl-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts a worker process and resolves with the first line it reports (the process stays up). */
function worker(args: string[]): { line: Promise<Record<string, unknown>>; kill(): Promise<void> } {
  const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (text) => resolve(JSON.parse(text) as Record<string, unknown>));
    child.once('exit', (code) => reject(new Error(`The worker exited (${code}) before reporting.`)));
  });
  return {
    line,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('crash recovery of definitions', () => {
  it('finishes a run whose worker was SIGKILLed during a wait inside a fork, repeating no completed task', async () => {
    const file = join(dir, 'flow.yaml');
    writeFileSync(
      file,
      definition(`
do:
  - first:
      set: { n: 1 }
  - announce:
      emit:
        event:
          with: { source: crash-test, type: com.example.crash.announced, data: '\${ . }' }
      output: { as: '$input' }
  - split:
      fork:
        branches:
          - slow:
              do:
                - before: { set: { slow: 1 } }
                - nap: { wait: PT1S }
                - after: { set: { slow: '\${ .slow + 1 }' } }
          - fast:
              set: { fast: true }
  - last:
      set: { slow: '\${ .[0].slow }', fast: '\${ .[1].fast }' }
`),
    );
    const db = join(dir, 'crash.db');
    const first = worker(['start', db, file, 'crash-run']);
    const waiting = await first.line;
    expect(waiting.steps).toEqual(['/do/0/first', '/do/1/announce', '/do/2/split/fork/branches/0/slow/do/0/before', '/do/2/split/fork/branches/1/fast']);
    await first.kill();
    const second = worker(['resume', db, file, 'crash-run']);
    const done = await second.line;
    await second.kill();
    expect(done.output).toEqual({ slow: 2, fast: true });
    expect(done.steps).toEqual([
      '/do/0/first',
      '/do/1/announce',
      '/do/2/split/fork/branches/0/slow/do/0/before',
      '/do/2/split/fork/branches/1/fast',
      '/do/2/split/fork/branches/0/slow/do/2/after',
      '/do/3/last',
    ]);
    expect(done.events).toBe(1);
  });
});
