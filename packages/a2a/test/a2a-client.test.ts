/**
 * `ctx.a2a(agent)` against a real A2A agent made with the SDK on 127.0.0.1, on a SQLite file and on
 * PostgreSQL (a fresh agent and engine for each): quick answers, a long
 * task followed while the run waits, input-required and the reply, a failure, cancels both ways,
 * and the agent card fetched once for many calls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineWorkflow, Engine, silentLogger, type Store } from '@baton/core';
import { A2aClientErrorCode, type A2aResult } from '@baton/a2a';
import { PostgresStore } from '@baton/postgres';
import { SqliteStore } from '@baton/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestAgent, type TestAgent } from './support/test-agent.js';
import { waitFor, waitForStatus } from './support/wait.js';
import { POSTGRES_URL, freshSchema, runPostgresTests } from '../../postgres/test/test-database.js';

let agent: TestAgent;
let engine: Engine;
let store: Store;

const fast = { firstDelayMs: 50, maxDelayMs: 200, inStepWaitMs: 0 };

const ask = defineWorkflow({ name: 'ask', input: z.object({ text: z.string(), follow: z.boolean().optional() }) }, async (ctx, input) =>
  ctx.a2a(agent.url, input.follow === true ? fast : {}).send(input.text),
);
const converse = defineWorkflow({ name: 'converse' }, async (ctx) => {
  const remote = ctx.a2a(agent.url);
  const question = await remote.send({ text: 'ask colour' }, { name: 'question' });
  const reply = await ctx.waitForSignal<string>('reply');
  const answer = await remote.send(reply, { taskId: question.taskId!, contextId: question.contextId!, name: 'answer' });
  return { question, answer };
});
const tolerant = defineWorkflow({ name: 'tolerant' }, async (ctx) => ctx.a2a(agent.url).send('fail now', { throwOnFailure: false }));
const lookAndStop = defineWorkflow({ name: 'look-and-stop' }, async (ctx) => {
  const remote = ctx.a2a(agent.url, { inStepWaitMs: 0 });
  const started = await remote.send({ text: 'hang around', data: { n: 1 } }, { name: 'start' }).catch((error: unknown) => error);
  return started;
});
const getAndCancel = defineWorkflow({ name: 'get-and-cancel', input: z.string() }, async (ctx, taskId) => {
  const remote = ctx.a2a(`${agent.url}/.well-known/agent-card.json`);
  const before = await remote.get(taskId);
  const after = await remote.cancel(taskId);
  return { before: before.state, after: after.state };
});

const dir = mkdtempSync(join(tmpdir(), 'baton-a2a-client-'));
const stores = [
  { name: 'SQLite', create: (): Store => new SqliteStore({ path: join(dir, 'client.db') }) },
  ...(runPostgresTests('ctx.a2a on PostgreSQL')
    ? [{ name: 'PostgreSQL', create: (): Store => new PostgresStore({ connectionString: POSTGRES_URL, schema: freshSchema(), maxConnections: 4 }) }]
    : []),
];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(stores)('ctx.a2a on $name', { timeout: 120_000 }, ({ create }) => {
  beforeAll(async () => {
    agent = await startTestAgent();
    store = create();
    engine = new Engine({ store, workflows: [ask, converse, tolerant, lookAndStop, getAndCancel], logger: silentLogger, schedules: false });
    await engine.start();
  });

  afterAll(async () => {
    await engine.stop();
    await store.close();
    await agent.close();
  });

  describe('ctx.a2a(agent).send', () => {
    it('returns a quick answer: its state, text, data and artifacts, the message id being the step’s idempotency key', async () => {
      const run = await engine.client.start(ask, { text: 'quick sum' });
      const result = (await run.result({ timeoutMs: 60_000 })) as A2aResult;
      expect(result).toMatchObject({ state: 'completed', text: 'done: quick sum', data: { echoed: 'done: quick sum' } });
      expect(result.taskId).toEqual(expect.any(String));
      expect(result.artifacts[0]?.parts).toEqual([
        { kind: 'text', text: 'done: quick sum' },
        { kind: 'data', data: { echoed: 'done: quick sum' } },
      ]);
      expect(result.task).toMatchObject({ kind: 'task', id: result.taskId, status: { state: 'completed' } });
      const journal = await engine.client.journal(run.id);
      const send = journal.find((entry) => entry.name === 'a2a:send');
      expect(send).toMatchObject({ status: 'completed', input: { agent: agent.url, message: 'quick sum' } });
      const received = agent.received.find((m) => m.text === 'quick sum');
      expect(received?.messageId).toContain(run.id);
      expect(journal.filter((entry) => entry.name === 'a2a:send poll')).toEqual([]);
    });

    it('follows a long task with durable sleeps: the run is waiting, not holding a worker, until the task completes', async () => {
      const run = await engine.client.start(ask, { text: 'slow report', follow: true });
      await waitFor(() => agent.received.some((m) => m.text === 'slow report'), 'the agent to get the message');
      await waitForStatus(engine, run.id, 'waiting');
      await waitFor(async () => (await engine.client.journal(run.id)).filter((e) => e.name === 'a2a:send poll').length >= 2, 'two polls');
      agent.release();
      const result = (await run.result({ timeoutMs: 60_000 })) as A2aResult;
      expect(result).toMatchObject({ state: 'completed', text: 'done: slow report' });
      const journal = await engine.client.journal(run.id);
      expect(journal.filter((e) => e.name === 'a2a:send')).toHaveLength(1);
      expect(journal.some((e) => e.kind === 'sleep')).toBe(true);
      expect(agent.received.filter((m) => m.text === 'slow report')).toHaveLength(1);
    });

    it('returns input-required with the agent’s question; a reply with the task id completes the task', async () => {
      const run = await engine.client.start(converse, undefined);
      await waitForStatus(engine, run.id, 'waiting');
      await engine.client.signal(run.id, 'reply', 'blue');
      const { question, answer } = (await run.result({ timeoutMs: 60_000 })) as { question: A2aResult; answer: A2aResult };
      expect(question).toMatchObject({ state: 'input-required', text: 'Which colour?', message: { kind: 'message', role: 'agent' } });
      expect(answer).toMatchObject({ state: 'completed', taskId: question.taskId, text: 'got: blue' });
    });

    it('raises BATON_A2A_TASK_FAILED for a failed task, or returns it when asked to', async () => {
      const run = await engine.client.start(ask, { text: 'fail hard' });
      await expect(run.result({ timeoutMs: 60_000 })).rejects.toMatchObject({ code: A2aClientErrorCode.TaskFailed });
      const info = await engine.client.get(run.id);
      expect(info?.status).toBe('failed');
      expect(info?.error?.message).toContain('ended failed: The agent could not do it.');
      const kept = (await (await engine.client.start(tolerant, undefined)).result({ timeoutMs: 60_000 })) as A2aResult;
      expect(kept).toMatchObject({ state: 'failed', text: 'The agent could not do it.' });
    });

    it('cancels the remote task when the run is cancelled while it follows it', async () => {
      const run = await engine.client.start(lookAndStop, undefined);
      const received = await waitFor(() => agent.received.find((m) => m.text === 'hang around'), 'the agent to get the message');
      await waitForStatus(engine, run.id, 'waiting');
      await engine.client.cancel(run.id, 'no longer needed');
      await waitFor(() => agent.cancelled.includes(received.taskId), 'the remote task to be cancelled');
      await waitForStatus(engine, run.id, 'cancelled');
      const compensation = (await engine.client.journal(run.id)).find((e) => e.compensates !== undefined);
      expect(compensation).toMatchObject({ kind: 'compensation', status: 'completed' });
    });
  });

  describe('ctx.a2a(agent).get and .cancel', () => {
    it('read and cancel a task by id, the agent named by its card URL; a refusal raises BATON_A2A_REMOTE_ERROR', async () => {
      const count = agent.received.length;
      const hanging = await engine.client.start(lookAndStop, undefined);
      const received = await waitFor(() => agent.received.slice(count).find((m) => m.text === 'hang around'), 'the message');
      await waitForStatus(engine, hanging.id, 'waiting');
      const run = await engine.client.start(getAndCancel, received.taskId);
      expect(await run.result({ timeoutMs: 60_000 })).toEqual({ before: 'working', after: 'canceled' });
      const again = await engine.client.start(getAndCancel, 'no-such-task');
      await expect(again.result({ timeoutMs: 60_000 })).rejects.toMatchObject({ code: 'BATON_STEP_FAILED', cause: { code: A2aClientErrorCode.RemoteError } });
      await engine.client.cancel(hanging.id);
    });

    it('fetches the agent card once for many calls (cached per process)', async () => {
      const before = agent.cardFetches;
      await Promise.all([1, 2, 3].map(async (n) => (await engine.client.start(ask, { text: `quick ${n}` })).result({ timeoutMs: 60_000 })));
      expect(agent.cardFetches - before).toBeLessThanOrEqual(1);
    });
  });
});
