/**
 * Never paying twice, with real processes: a worker running an agent is SIGKILLed during a tool call
 * and, in a second run, during a model call; a new worker resumes each run. The scripted model
 * server counts the requests: every model call that had completed before the kill is not made again
 * (only the one in flight at the kill is), and no completed tool call runs again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { waitFor } from '@baton/testkit';
import { startScriptedModelServer, type ScriptedModelRequest, type ScriptedModelServer, type ScriptedReply } from '@baton/ai/testing';
import { readSideEffects } from './side-effect-log.js';
import { WorkerHandle } from './worker-handle.js';

const SCRIPT = fileURLToPath(new URL('./ai-worker-process.ts', import.meta.url));

let server: ScriptedModelServer;
let slowFinalTurn = false;

/** What the model does next depends only on the conversation (so a replayed run asks the same). */
function script(request: ScriptedModelRequest): ScriptedReply {
  if (request.tools.length === 0) return { text: '{"topic":"shipping"}', usage: { input: 50, output: 5 } };
  const results = request.messages.filter((m) => m.role === 'tool').length;
  if (results === 0) return { toolCalls: [{ id: 'call-1', name: 'lookup', arguments: { orderId: 'A-1' } }] };
  if (results === 1) return { toolCalls: [{ id: 'call-2', name: 'warehouse', arguments: { orderId: 'A-1' } }] };
  return { text: 'It is on shelf B7 and ships today.', ...(slowFinalTurn ? { delayMs: 3000 } : {}) };
}

beforeAll(async () => {
  server = await startScriptedModelServer({ responder: script });
});

afterAll(async () => {
  await server.close();
});

/** The model calls of one run so far, by kind: the triage, then agent turns 1, 2 and 3. */
function callsByTurn(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of server.modelCalls) {
    const key = call.tools.length === 0 ? 'triage' : `turn-${call.messages.filter((m) => m.role === 'tool').length + 1}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('AI steps across SIGKILL', () => {
  it('resumes an agent killed during a tool call and during a model call without repeating a completed call', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-ai-crash-'));
    const db = join(dir, 'ai.db');
    const effects = join(dir, 'effects.log');
    const env = {
      BATON_DB: db,
      BATON_EFFECTS_LOG: effects,
      BATON_AI_MODEL: 'openai:gpt-4o-mini',
      OPENAI_API_KEY: 'test',
      OPENAI_BASE_URL: server.openaiBaseUrl,
      BATON_LEASE_MS: '1000',
    };
    const store = new SqliteStore({ path: db });
    await store.init();
    const client = new Client({ store });
    try {
      // 1. Killed while the slow tool runs: triage, turn 1, lookup and turn 2 had completed.
      let worker = await WorkerHandle.start(env, { script: SCRIPT });
      const first = await client.start('ai-crash', { ticket: 'Where is order A-1?' }, { id: 'ai-crash-1' });
      await waitFor(() => readSideEffects(effects).effects.some((e) => e.runId === first.id && e.step === 'warehouse' && e.ev === 'begin'), {
        timeoutMs: 20_000,
        message: 'the warehouse tool to start',
      });
      worker.kill('SIGKILL');
      await worker.exited;
      expect(callsByTurn()).toEqual({ triage: 1, 'turn-1': 1, 'turn-2': 1 });
      worker = await WorkerHandle.start(env, { script: SCRIPT });
      expect(await client.result(first.id, { timeoutMs: 30_000 })).toEqual({ topic: 'shipping', answer: 'It is on shelf B7 and ships today.', turns: 3 });
      // Each completed model call was made once; only the final turn came after the kill.
      expect(callsByTurn()).toEqual({ triage: 1, 'turn-1': 1, 'turn-2': 1, 'turn-3': 1 });
      const log = readSideEffects(effects).effects.filter((e) => e.runId === first.id);
      expect(log.filter((e) => e.step === 'lookup' && e.ev === 'begin')).toHaveLength(1);
      // The tool in flight at the kill ran again (at least once), with the same idempotency key.
      const warehouse = log.filter((e) => e.step === 'warehouse' && e.ev === 'begin');
      expect(warehouse).toHaveLength(2);
      expect(new Set(warehouse.map((e) => e.idempotencyKey)).size).toBe(1);

      // 2. Killed while the final model turn is in flight.
      server.reset();
      slowFinalTurn = true;
      const second = await client.start('ai-crash', { ticket: 'Where is order A-1?' }, { id: 'ai-crash-2' });
      await waitFor(() => callsByTurn()['turn-3'] === 1, { timeoutMs: 20_000, message: 'the final model turn to be asked' });
      worker.kill('SIGKILL');
      await worker.exited;
      slowFinalTurn = false;
      worker = await WorkerHandle.start(env, { script: SCRIPT });
      expect(await client.result(second.id, { timeoutMs: 30_000 })).toMatchObject({ answer: 'It is on shelf B7 and ships today.' });
      // The call in flight was asked again; none of the completed ones were.
      expect(callsByTurn()).toEqual({ triage: 1, 'turn-1': 1, 'turn-2': 1, 'turn-3': 2 });
      const log2 = readSideEffects(effects).effects.filter((e) => e.runId === second.id && e.ev === 'begin');
      expect(log2.map((e) => e.step)).toEqual(['lookup', 'warehouse']);
      worker.kill('SIGTERM');
      await worker.exited;
    } finally {
      client.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
