/**
 * Baton as an A2A agent, at the edges: a run that continues as new stays one task (read, answered,
 * listed and cancelled through the chain's last run); a task answered whose run has not resumed yet
 * is working, and a second answer is refused (the run takes one); requests with ids of the wrong type or a
 * page token the server never gave are refused as invalid parameters, not answered as internal
 * errors. Over real HTTP on loopback, on a SQLite file, with the SDK's v1.0 client and raw v0.3
 * JSON-RPC.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Role, TaskState, type Message, type Part, type SendMessageRequest, type Task } from '@a2a-js/sdk';
import { ClientFactory, ClientFactoryOptions, DefaultAgentCardResolver, JsonRpcTransportFactory, type Client as A2aClient } from '@a2a-js/sdk/client';
import { Engine, WorkflowRegistry, defineWorkflow, newApiKey, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { startApiServer } from '@baton/server';
import { waitFor } from '@baton/testkit';

/** Counts up to `until` in runs that continue as new, then waits for a 'go' signal. */
const rounds = defineWorkflow(
  {
    name: 'rounds',
    description: 'Counts in rounds, then waits for a go.',
    input: z.object({ round: z.number(), until: z.number() }),
    signals: { go: z.object({ note: z.string() }) },
  },
  async (ctx, input) => {
    if (input.round < input.until) return ctx.continueAsNew({ round: input.round + 1, until: input.until });
    const go = await ctx.waitForSignal<{ note: string }>('go');
    return { rounds: input.round, note: go.note };
  },
);

/** Run only by the engines the reply test starts and stops, so its run can wait with no worker. */
const ask = defineWorkflow(
  { name: 'ask', description: 'Asks one question.', input: z.object({ question: z.string() }), signals: { answer: z.object({ text: z.string() }) } },
  async (ctx, input) => {
    const answer = await ctx.waitForSignal<{ text: string }>('answer');
    const again = await ctx.step('count', () => 1);
    return { question: input.question, answer: answer.text, steps: again };
  },
);

const dir = mkdtempSync(join(tmpdir(), 'baton-a2a-continued-'));
let store: SqliteStore;
let engine: Engine;
let server: Awaited<ReturnType<typeof startApiServer>>;
let token: string;
const errors: unknown[] = [];

const withKey: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  headers.set('X-API-Key', token);
  return fetch(input, { ...init, headers });
};

async function v1Client(): Promise<A2aClient> {
  const factory = new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [new JsonRpcTransportFactory({ fetchImpl: withKey })],
      cardResolver: new DefaultAgentCardResolver(),
    }),
  );
  return factory.createFromUrl(server.url);
}

const data = (value: unknown): Part => ({ content: { $case: 'data', value }, mediaType: 'application/json', filename: '', metadata: undefined });

function send(parts: Part[], options: { skill?: string; taskId?: string; contextId?: string } = {}): SendMessageRequest {
  const message: Message = {
    messageId: randomUUID(),
    contextId: options.contextId ?? '',
    taskId: options.taskId ?? '',
    role: Role.ROLE_USER,
    parts,
    metadata: options.skill === undefined ? undefined : { skill: options.skill },
    extensions: [],
    referenceTaskIds: [],
  };
  return {
    tenant: '',
    message,
    configuration: { acceptedOutputModes: [], taskPushNotificationConfig: undefined, returnImmediately: false },
    metadata: undefined,
  };
}

const rpc = async (body: unknown, version = '0.3'): Promise<{ error?: { code: number; message: string }; result?: unknown }> => {
  const res = await fetch(`${server.url}/a2a`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'A2A-Version': version, 'X-API-Key': token },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { error?: { code: number; message: string }; result?: unknown };
};

beforeAll(async () => {
  store = new SqliteStore({ path: join(dir, 'a2a.db') });
  engine = new Engine({ store, workflows: [rounds], logger: silentLogger, schedules: false, pollIntervalMs: 20 });
  await engine.start();
  const operator = newApiKey({ name: 'agent', role: 'operator' }, Date.now());
  await store.createApiKey(operator.record);
  token = operator.token;
  server = await startApiServer({
    client: engine.client,
    store,
    workflows: new WorkflowRegistry([rounds, ask]),
    host: '127.0.0.1',
    port: 0,
    a2a: {},
    onError: (error) => errors.push(error),
  });
});

afterAll(async () => {
  await server?.close();
  await engine?.stop();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a run that continues as new', () => {
  it('is one task: input-required while its last run waits, answered there, listed once and completed with its output', async () => {
    const client = await v1Client();
    const first = (await client.sendMessage(send([data({ round: 1, until: 3 })], { skill: 'rounds' }))) as Task;
    expect(first.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const run = await engine.client.get(first.id);
    expect(run).toMatchObject({ status: 'completed' });
    expect(run?.continuedTo).toBeDefined();

    const got = await client.getTask({ tenant: '', id: first.id, historyLength: undefined });
    expect(got.id).toBe(first.id);
    expect(got.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(got.artifacts).toEqual([]);

    const listed = await client.listTasks({
      tenant: '',
      contextId: first.contextId,
      status: TaskState.TASK_STATE_UNSPECIFIED,
      pageSize: 50,
      pageToken: '',
      historyLength: undefined,
      statusTimestampAfter: undefined,
      includeArtifacts: false,
    });
    expect(listed.tasks.map((t) => [t.id, t.status?.state])).toEqual([[first.id, TaskState.TASK_STATE_INPUT_REQUIRED]]);

    const done = (await client.sendMessage(send([data({ note: 'ready' })], { taskId: first.id, contextId: first.contextId }))) as Task;
    expect(done.id).toBe(first.id);
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(done.artifacts[0]?.parts[0]?.content?.value).toEqual({ rounds: 3, note: 'ready' });
    const after = await client.getTask({ tenant: '', id: first.id, historyLength: undefined });
    expect(after.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(after.artifacts[0]?.parts[0]?.content?.value).toEqual({ rounds: 3, note: 'ready' });
  });

  it('is cancelled through its last run', async () => {
    const client = await v1Client();
    const first = (await client.sendMessage(send([data({ round: 1, until: 2 })], { skill: 'rounds' }))) as Task;
    expect(first.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const cancelled = await client.cancelTask({ tenant: '', id: first.id, metadata: undefined });
    expect(cancelled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    const last = (await engine.client.get(first.id))?.continuedTo;
    await waitFor(async () => (await engine.client.get(last!))?.status === 'cancelled', { timeoutMs: 30_000, message: 'the last run to be cancelled' });
  });
});

describe('a task answered whose run has not resumed yet', () => {
  it('is working, refuses a second answer, and its run takes the one answer', async () => {
    const client = await v1Client();
    const asking = new Engine({ store, workflows: [ask], logger: silentLogger, schedules: false, pollIntervalMs: 20 });
    await asking.start();
    const first = (await client.sendMessage(send([data({ question: 'Ship it?' })], { skill: 'ask' }))) as Task;
    expect(first.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    await asking.stop();

    const reply = send([data({ text: 'yes' })], { taskId: first.id, contextId: first.contextId });
    reply.configuration!.returnImmediately = true;
    await client.sendMessage(reply);
    expect((await engine.client.get(first.id))?.status).toBe('waiting');
    const got = await client.getTask({ tenant: '', id: first.id, historyLength: undefined });
    expect(got.status?.state).toBe(TaskState.TASK_STATE_WORKING);
    await expect(client.sendMessage(send([data({ text: 'no' })], { taskId: first.id, contextId: first.contextId }))).rejects.toThrow(
      /has its answer already \(the signal 'answer'\)/,
    );

    const resuming = new Engine({ store, workflows: [ask], logger: silentLogger, schedules: false, pollIntervalMs: 20 });
    await resuming.start();
    try {
      await expect(engine.client.result(first.id, { timeoutMs: 30_000 })).resolves.toEqual({ question: 'Ship it?', answer: 'yes', steps: 1 });
      expect(await store.getSignals(first.id)).toEqual([]);
    } finally {
      await resuming.stop();
    }
  });
});

describe('requests the server refuses', () => {
  it('answers ids that are not strings as invalid parameters, and logs no internal error', async () => {
    const calls = [
      { method: 'tasks/get', params: { id: 5 } },
      { method: 'tasks/cancel', params: { id: 5 } },
      { method: 'tasks/resubscribe', params: { id: { run: 1 } } },
      {
        method: 'message/send',
        params: { message: { kind: 'message', role: 'user', messageId: randomUUID(), taskId: 7, parts: [{ kind: 'data', data: { note: 'x' } }] } },
      },
    ];
    for (const call of calls) {
      const answer = await rpc({ jsonrpc: '2.0', id: 1, ...call });
      expect(answer.error?.code, call.method).toBe(-32602);
      expect(answer.error?.message, call.method).toMatch(/BATON_INVALID_ARGUMENT: (params\.)?(message\.taskId|id) must be a string/);
    }
    expect(errors).toEqual([]);
  });

  it('answers a page token it never gave as invalid parameters', async () => {
    const answer = await rpc({ jsonrpc: '2.0', id: 1, method: 'ListTasks', params: { pageToken: 'not-a-token' } }, '1.0');
    expect(answer.error?.code).toBe(-32602);
    expect(answer.error?.message).toMatch(/BATON_INVALID_ARGUMENT: Invalid cursor/);
    expect(errors).toEqual([]);
  });
});
