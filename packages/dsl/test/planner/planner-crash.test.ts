/**
 * Planning is durable: a worker process SIGKILLed while round 2's model call is in flight (round 1
 * journaled) is replaced by a new worker on the same SQLite file, and the plan completes. The
 * scripted model server saw round 1's request exactly once: the new worker replayed it from the
 * journal; only the unanswered round-2 call was made again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { waitFor } from '@baton/testkit';
import { startScriptedModelServer, type ScriptedModelServer } from '@baton/ai/testing';
import { PLANNER_WORKFLOW, plan, type PlanningCatalog } from '@baton/dsl';

const WORKER = fileURLToPath(new URL('../fixtures/planner-worker.mjs', import.meta.url));
const CATALOG: PlanningCatalog = {
  workflows: [
    {
      name: 'payments.pay-invoice',
      version: '1',
      kind: 'code',
      inputSchema: { type: 'object', properties: { invoiceId: { type: 'string' } }, required: ['invoiceId'] },
    },
  ],
  functions: [],
};
const HEADER = "document: { dsl: '1.0.0', namespace: billing, name: pay, version: '1.0.0' }";
const BAD = `\`\`\`yaml\n${HEADER}\ndo:\n  - pay:\n      call: baton.workflow\n      with: { name: payments.pay }\n\`\`\``;
const GOOD = `${HEADER}\ndo:\n  - pay:\n      call: baton.workflow\n      with: { name: payments.pay-invoice, input: { invoiceId: '\${ .id }' } }\n`;

const dir = mkdtempSync(join(tmpdir(), 'baton-planner-crash-'));
let server: ScriptedModelServer;

beforeAll(async () => {
  server = await startScriptedModelServer();
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Worker {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
}

/** Starts a worker process and waits until it says it is ready. */
async function startWorker(db: string): Promise<Worker> {
  const child = spawn(process.execPath, [WORKER, db, server.openaiBaseUrl, JSON.stringify(CATALOG)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  let gone = false;
  void exited.then(() => (gone = true));
  await waitFor(() => output.includes('ready\n') || gone, { timeoutMs: 30_000, message: 'the planner worker to be ready' });
  if (gone) throw new Error('the planner worker exited before it was ready');
  return { child, exited };
}

/** Model calls by round: round N's request carries N-1 earlier answers. */
function callsByRound(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of server.modelCalls) {
    const key = `round-${call.messages.filter((message) => message.role === 'assistant').length + 1}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('planning across SIGKILL', () => {
  it('completes a plan whose worker was killed during round 2, asking round 1 only once', async () => {
    const db = join(dir, 'plan.db');
    // Round 1 answers at once; the first round-2 call is never answered (the worker dies waiting); the next one is.
    server.enqueue({ text: BAD }, { text: `\`\`\`yaml\n${GOOD}\`\`\``, delayMs: 600_000 }, { text: `\`\`\`yaml\n${GOOD}\`\`\`` });
    const store = new SqliteStore({ path: db });
    await store.init();
    const client = new Client({ store });
    let worker = await startWorker(db);
    try {
      const request = { description: 'Pay each invoice.', maxRounds: 3 };
      await client.start(PLANNER_WORKFLOW, request, { id: 'plan-crash' });
      await waitFor(
        async () => {
          const journal = await client.journal('plan-crash');
          return journal.some((entry) => entry.name === 'validate-round-1' && entry.status === 'completed') && callsByRound()['round-2'] === 1;
        },
        { timeoutMs: 30_000, message: "round 1 to be journaled and round 2's request to reach the model" },
      );
      worker.child.kill('SIGKILL');
      await worker.exited;
      expect(callsByRound()).toEqual({ 'round-1': 1, 'round-2': 1 });

      worker = await startWorker(db);
      // The same run id: plan() finds the run (an idempotent start) and waits for its result.
      const result = await plan(request, { client, runId: 'plan-crash', timeoutMs: 60_000 });
      expect(result.valid).toBe(true);
      expect(result.definition).toBe(GOOD);
      expect(result.rounds.map((round) => round.valid)).toEqual([false, true]);
      expect(result.rounds[0]!.issues[0]).toMatchObject({ kind: 'catalog', path: '/do/0/pay/with/name' });
      expect(callsByRound()).toEqual({ 'round-1': 1, 'round-2': 2 });
      const steps = (await client.journal('plan-crash')).map((entry) => entry.name);
      expect(steps.filter((name) => name === 'llm:plan-round-1')).toHaveLength(1);
      expect(steps.filter((name) => name === 'catalog')).toHaveLength(1);
    } finally {
      worker.child.kill('SIGKILL');
      await worker.exited;
      client.close();
      await store.close();
    }
  }, 120_000);
});
