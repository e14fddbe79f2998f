/**
 * A worker process SIGKILLed after `ctx.a2a(...).send` was journaled: another process takes the run
 * over (on a SQLite file, and on PostgreSQL) and finishes it without sending the message again — the
 * agent counts messages.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from './support/test-agent.js';
import { POSTGRES_URL, freshSchema, runPostgresTests } from '../../postgres/test/test-database.js';

const WORKER = fileURLToPath(new URL('./fixtures/a2a-worker.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'baton-a2a-crash-'));
let agent: TestAgent;

/** Where each case's worker processes keep their runs: a SQLite file, and a fresh PostgreSQL schema. */
const databases = [
  { name: 'SQLite', db: (file: string) => join(dir, file) },
  ...(runPostgresTests('the crash recovery of ctx.a2a on PostgreSQL')
    ? [{ name: 'PostgreSQL', db: () => `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}schema=${freshSchema()}` }]
    : []),
];

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

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

describe.each(databases)('crash recovery of ctx.a2a on $name', ({ db: database }) => {
  // A fresh agent for each database: it counts the messages it received and releases its slow tasks once.
  beforeAll(async () => {
    agent = await startTestAgent();
  });
  afterAll(async () => {
    await agent.close();
  });

  it('does not send the message again when the worker dies while the run runs after the send', async () => {
    const db = database('hold.db');
    const first = worker(['start', db, agent.url, 'send-then-hold', 'hold-run']);
    expect(await first.line).toEqual({ status: 'running' });
    await first.kill();
    const second = worker(['resume', db, agent.url, 'send-then-hold', 'hold-run']);
    const done = await second.line;
    await second.kill();
    expect(done.output).toBe('done: quick crash');
    const steps = done.steps as string[];
    expect(steps.filter((name) => name === 'a2a:crash:send')).toHaveLength(1);
    expect(steps.at(-1)).toBe('hold');
    expect(agent.received.filter((m) => m.text === 'quick crash')).toHaveLength(1);
  }, 90_000);

  it('follows the remote task on in the next process when the worker dies while the run waits on it', async () => {
    const db = database('follow.db');
    const first = worker(['start', db, agent.url, 'follow-slow', 'follow-run']);
    await first.line;
    await first.kill();
    const second = worker(['resume', db, agent.url, 'follow-slow', 'follow-run']);
    agent.release();
    const done = await second.line;
    await second.kill();
    expect(done.output).toBe('done: slow crash');
    expect((done.steps as string[]).filter((name) => name === 'a2a:crash:send')).toHaveLength(1);
    expect(agent.received.filter((m) => m.text === 'slow crash')).toHaveLength(1);
  }, 90_000);
});
