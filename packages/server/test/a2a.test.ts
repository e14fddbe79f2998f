/**
 * Baton as an A2A agent, through the A2A SDK's own clients (v1.0's ClientFactory and v0.3's
 * LegacyJsonRpcTransport) over real HTTP on loopback, on a SQLite file and on PostgreSQL, with an engine in process as
 * `baton dev` runs it: the card, runs as tasks, input-required and the reply that answers it, reading
 * and cancelling tasks, streaming, API keys and roles, resent messages and refused input.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Role, TaskState, type Message, type Part, type SendMessageRequest, type StreamResponse, type Task } from '@a2a-js/sdk';
import { ClientFactory, ClientFactoryOptions, DefaultAgentCardResolver, JsonRpcTransportFactory, type Client as A2aClient } from '@a2a-js/sdk/client';
import { LegacyJsonRpcTransport } from '@a2a-js/sdk/compat/v0_3/client';
import { Engine, defineWorkflow, newApiKey, silentLogger, type Store } from '@baton/core';
import { startApiServer } from '@baton/server';
import { waitFor } from '@baton/testkit';
import { testStores } from './test-stores.js';

const greet = defineWorkflow(
  { name: 'greet', description: 'Greets someone by name.', input: z.object({ name: z.string().min(1), punctuation: z.string().optional() }) },
  async (ctx, input) => ctx.step('greet', () => ({ greeting: `Hello, ${input.name}${input.punctuation ?? '!'}` })),
);
const approve = defineWorkflow(
  {
    name: 'approve',
    description: 'Asks for an approval.',
    input: z.object({ amount: z.number() }),
    signals: { decision: z.object({ approved: z.boolean() }) },
  },
  async (ctx, input) => {
    ctx.setProgress('waiting for a decision');
    const decision = await ctx.waitForSignal<{ approved: boolean }>('decision');
    return { amount: input.amount, approved: decision.approved };
  },
);
const hold = defineWorkflow({ name: 'hold', description: 'Waits until released.', input: z.string() }, async (ctx) => ctx.waitForSignal('release'));
const stages = defineWorkflow({ name: 'stages', description: 'Works in stages.' }, async (ctx) => {
  ctx.setProgress({ stage: 'waiting for go' });
  await ctx.step('prepare', () => 'prepared');
  await ctx.waitForEvent('stages.go');
  return ctx.step('finish', () => ({ done: true }));
});

let store: Store;
let engine: Engine;
let server: Awaited<ReturnType<typeof startApiServer>>;
let operatorToken: string;
let operatorId: string;
let viewerToken: string;
let otherNamespaceToken: string;

const withKey =
  (token: string): typeof fetch =>
  (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('X-API-Key', token);
    return fetch(input, { ...init, headers });
  };

async function v1Client(token: string): Promise<A2aClient> {
  const factory = new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [new JsonRpcTransportFactory({ fetchImpl: withKey(token) })],
      cardResolver: new DefaultAgentCardResolver(),
    }),
  );
  return factory.createFromUrl(server.url);
}

function v03Client(token: string): LegacyJsonRpcTransport {
  return new LegacyJsonRpcTransport({ endpoint: `${server.url}/a2a`, fetchImpl: withKey(token) });
}

const text = (value: string): Part => ({ content: { $case: 'text', value }, mediaType: 'text/plain', filename: '', metadata: undefined });
const data = (value: unknown): Part => ({ content: { $case: 'data', value }, mediaType: 'application/json', filename: '', metadata: undefined });

function message(parts: Part[], options: { skill?: string; taskId?: string; messageId?: string; contextId?: string } = {}): Message {
  return {
    messageId: options.messageId ?? randomUUID(),
    contextId: options.contextId ?? '',
    taskId: options.taskId ?? '',
    role: Role.ROLE_USER,
    parts,
    metadata: options.skill === undefined ? undefined : { skill: options.skill },
    extensions: [],
    referenceTaskIds: [],
  };
}

function send(msg: Message, returnImmediately = false): SendMessageRequest {
  return {
    tenant: '',
    message: msg,
    configuration: { acceptedOutputModes: [], taskPushNotificationConfig: undefined, returnImmediately },
    metadata: undefined,
  };
}

function asTask(result: unknown): Task {
  expect(result).toHaveProperty('status');
  return result as Task;
}

const partValue = (part: Part | undefined): unknown => part?.content?.value;

describe.each(testStores('A2A'))('Baton as an A2A agent on $name', { timeout: 120_000 }, (stores) => {
  beforeAll(async () => {
    store = stores.create();
    engine = new Engine({ store, workflows: [greet, approve, hold, stages], logger: silentLogger, schedules: false, pollIntervalMs: 20 });
    await engine.start();
    const operator = newApiKey({ name: 'agent', role: 'operator' }, Date.now());
    const viewer = newApiKey({ name: 'watcher', role: 'viewer' }, Date.now());
    await store.createApiKey(operator.record);
    await store.createApiKey(viewer.record);
    const other = newApiKey({ name: 'team-b', role: 'operator', namespace: 'team-b' }, Date.now());
    await store.createApiKey(other.record);
    otherNamespaceToken = other.token;
    operatorToken = operator.token;
    operatorId = operator.record.id;
    viewerToken = viewer.token;
    server = await startApiServer({
      client: engine.client,
      store,
      workflows: engine.workflows,
      host: '127.0.0.1',
      port: 0,
      a2a: { name: 'Baton test agent', examples: { greet: ['Greet Ada'] } },
    });
  });

  afterAll(async () => {
    await server?.close();
    await engine?.stop();
    await store?.close();
  });

  describe('the agent card', () => {
    it('lists each workflow as a skill, both protocol versions, and the API key it needs', async () => {
      const client = await v1Client(operatorToken);
      const card = await client.getAgentCard();
      expect(card.name).toBe('Baton test agent');
      expect(card.skills.map((s) => s.id).sort()).toEqual(['approve', 'greet', 'hold', 'stages']);
      expect(card.skills.find((s) => s.id === 'greet')).toMatchObject({ description: 'Greets someone by name.', examples: ['Greet Ada'] });
      expect(card.supportedInterfaces.map((i) => [i.protocolVersion, i.url])).toEqual([
        ['1.0', `${server.url}/a2a`],
        ['0.3', `${server.url}/a2a`],
      ]);
      expect(Object.keys(card.securitySchemes).sort()).toEqual(['apiKey', 'bearer']);

      // v0.3 clients ask without A2A-Version and read the v0.3 shape.
      const legacy = (await (await fetch(`${server.url}/.well-known/agent-card.json`)).json()) as Record<string, unknown>;
      expect(legacy).toMatchObject({ url: `${server.url}/a2a`, preferredTransport: 'JSONRPC', protocolVersion: '0.3' });
      expect(legacy.securitySchemes).toMatchObject({ apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' }, bearer: { type: 'http', scheme: 'bearer' } });
    });
  });

  describe('runs as tasks', () => {
    it('message/send (v1.0) runs the workflow and answers the completed task with the output artifact', async () => {
      const client = await v1Client(operatorToken);
      const task = asTask(await client.sendMessage(send(message([data({ name: 'Ada' })], { skill: 'greet' }))));
      expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      const artifact = task.artifacts.find((a) => a.artifactId === 'output');
      expect(partValue(artifact?.parts.find((p) => p.content?.$case === 'data'))).toEqual({ greeting: 'Hello, Ada!' });
      expect(partValue(artifact?.parts.find((p) => p.content?.$case === 'text'))).toBe('{"greeting":"Hello, Ada!"}');
      // The task is the run, and the run keeps the task's contextId.
      const run = await engine.client.get(task.id);
      expect(run).toMatchObject({ workflow: 'greet', status: 'completed', output: { greeting: 'Hello, Ada!' } });
      expect(run?.tags).toContain(`a2a-context:${task.contextId}`);
    });

    it('message/send (v0.3) maps text onto the one string field the input needs', async () => {
      const task = asTask(await v03Client(operatorToken).sendMessage(send(message([text('Grace')], { skill: 'greet' }))));
      expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(partValue(task.artifacts[0]?.parts[0])).toEqual({ greeting: 'Hello, Grace!' });
    });

    it('a run waiting for a signal is input-required; the reply delivers the signal and the task completes', async () => {
      const client = await v1Client(operatorToken);
      const first = asTask(await client.sendMessage(send(message([data({ amount: 42 })], { skill: 'approve' }))));
      expect(first.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
      const said = first.status?.message?.parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join(' ');
      expect(said).toContain("'decision'");
      expect(said).toContain('"approved"');
      expect(partValue(first.status?.message?.parts.find((p) => p.content?.$case === 'data'))).toMatchObject({ signals: [{ name: 'decision' }] });

      // A reply the signal's schema refuses is an error, and the run still waits.
      await expect(client.sendMessage(send(message([data({ approved: 'yes' })], { taskId: first.id, contextId: first.contextId })))).rejects.toThrow(
        /BATON_INVALID_SIGNAL/,
      );
      expect((await engine.client.get(first.id))?.status).toBe('waiting');

      const done = asTask(await client.sendMessage(send(message([data({ approved: true })], { taskId: first.id, contextId: first.contextId }))));
      expect(done.id).toBe(first.id);
      expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(partValue(done.artifacts[0]?.parts[0])).toEqual({ amount: 42, approved: true });

      // tasks/get after the fact, from both protocol versions.
      const got = await (await v1Client(viewerToken)).getTask({ tenant: '', id: first.id, historyLength: undefined });
      expect(got.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(partValue(got.artifacts[0]?.parts[0])).toEqual({ amount: 42, approved: true });
      const legacyGot = await v03Client(viewerToken).getTask({ tenant: '', id: first.id, historyLength: undefined });
      expect(legacyGot.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);

      // The run was started and signalled as the key: the audit log names it.
      expect(await store.listAudit({ action: 'run.start', target: first.id, limit: 10 })).toEqual([
        expect.objectContaining({ actor: operatorId, target: first.id, result: 'ok' }),
      ]);
      expect(await store.listAudit({ action: 'run.signal', target: first.id, limit: 10 })).toContainEqual(
        expect.objectContaining({ actor: operatorId, target: first.id, result: 'ok' }),
      );
    });

    it('tasks/cancel cancels the run; a non-blocking send answers at once', async () => {
      const client = v03Client(operatorToken);
      const started = asTask(await client.sendMessage(send(message([text('anything')], { skill: 'hold' }), true)));
      expect([TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING, TaskState.TASK_STATE_INPUT_REQUIRED]).toContain(started.status?.state);
      await waitFor(async () => (await engine.client.get(started.id))?.status === 'waiting', { timeoutMs: 30_000, message: 'the hold run to wait' });
      const cancelled = await client.cancelTask({ tenant: '', id: started.id, metadata: undefined });
      expect(cancelled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
      expect((await engine.client.get(started.id))?.status).toBe('cancelled');
      expect(await store.listAudit({ action: 'run.cancel', target: started.id, limit: 10 })).toEqual([
        expect.objectContaining({ actor: operatorId, target: started.id, result: 'ok' }),
      ]);
    });

    it('streaming answers status updates in order, ending with the final one', async () => {
      const client = await v1Client(operatorToken);
      const events: StreamResponse[] = [];
      for await (const event of client.sendMessageStream(send(message([data({})], { skill: 'stages' })))) {
        events.push(event);
        const payload = event.payload;
        // Once the run waits for its event, let it go on: an event emitted before the wait began would not count.
        if (payload?.$case === 'statusUpdate' && JSON.stringify(payload.value.status?.message?.parts ?? []).includes('waiting for go')) {
          const runId = payload.value.taskId;
          await waitFor(async () => (await engine.client.get(runId))?.status === 'waiting', { timeoutMs: 30_000 });
          await engine.client.emit('stages.go', {});
        }
      }
      expect(events[0]?.payload?.$case).toBe('task');
      const states = events.flatMap((e) => (e.payload?.$case === 'statusUpdate' ? [e.payload.value.status?.state] : []));
      expect(states).toContain(TaskState.TASK_STATE_WORKING);
      expect(states.at(-1)).toBe(TaskState.TASK_STATE_COMPLETED);
      const order = [TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING, TaskState.TASK_STATE_COMPLETED];
      const ranks = states.map((s) => order.indexOf(s!));
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      const artifactAt = events.findIndex((e) => e.payload?.$case === 'artifactUpdate');
      expect(artifactAt).toBeGreaterThan(0);
      expect(artifactAt).toBeLessThan(events.length - 1);
      expect(events.at(-1)?.payload?.$case).toBe('statusUpdate');
    });
  });

  describe('keys, idempotency and refusals', () => {
    const rpc = (token: string | undefined, body: unknown) =>
      fetch(`${server.url}/a2a`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'A2A-Version': '0.3', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
        body: JSON.stringify(body),
      });
    const legacySend = (messageId: string, parts: unknown[], metadata?: Record<string, unknown>) => ({
      jsonrpc: '2.0',
      id: 1,
      method: 'message/send',
      params: { message: { kind: 'message', role: 'user', messageId, parts, ...(metadata === undefined ? {} : { metadata }) } },
    });

    it('answers 401 without a key', async () => {
      const res = await rpc(undefined, legacySend(randomUUID(), [{ kind: 'text', text: 'Ada' }], { skill: 'greet' }));
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BATON_UNAUTHORIZED');
    });

    it('lets a viewer read tasks but not send messages', async () => {
      const sent = (await (await rpc(operatorToken, legacySend(randomUUID(), [{ kind: 'text', text: 'Ada' }], { skill: 'greet' }))).json()) as {
        result: { id: string };
      };
      const read = await rpc(viewerToken, { jsonrpc: '2.0', id: 2, method: 'tasks/get', params: { id: sent.result.id } });
      expect(read.status).toBe(200);
      expect(((await read.json()) as { result: { id: string } }).result.id).toBe(sent.result.id);
      const refused = await rpc(viewerToken, legacySend(randomUUID(), [{ kind: 'text', text: 'Ada' }], { skill: 'greet' }));
      expect(refused.status).toBe(403);
      await expect((await v1Client(viewerToken)).sendMessage(send(message([text('Ada')], { skill: 'greet' })))).rejects.toThrow();
      const cancel = await rpc(viewerToken, { jsonrpc: '2.0', id: 3, method: 'tasks/cancel', params: { id: sent.result.id } });
      expect(cancel.status).toBe(403);
    });

    it("lists a context's tasks, and keeps them from another namespace's key", async () => {
      const client = await v1Client(operatorToken);
      const contextId = randomUUID();
      const messageId = randomUUID();
      const task = asTask(await client.sendMessage(send(message([data({ name: 'Kim' })], { skill: 'greet', contextId, messageId }))));
      expect(task.contextId).toBe(contextId);
      const listed = await client.listTasks({
        tenant: '',
        contextId,
        status: TaskState.TASK_STATE_UNSPECIFIED,
        pageToken: '',
        statusTimestampAfter: undefined,
        includeArtifacts: true,
      });
      expect(listed.tasks.map((t) => t.id)).toEqual([task.id]);
      const other = await v1Client(otherNamespaceToken);
      await expect(other.getTask({ tenant: '', id: task.id, historyLength: undefined })).rejects.toThrow(/not found/i);
      // The same messageId from another namespace is another message: its own run.
      const theirs = asTask(await other.sendMessage(send(message([data({ name: 'Kim' })], { skill: 'greet', messageId }))));
      expect(theirs.id).not.toBe(task.id);
      expect((await engine.client.get(theirs.id))?.namespace).toBe('team-b');
    });

    it('a resent message (same messageId) starts no second run', async () => {
      const before = (await engine.client.list({ workflow: 'greet', limit: 1000 })).runs.length;
      const client = await v1Client(operatorToken);
      const messageId = randomUUID();
      const first = asTask(await client.sendMessage(send(message([data({ name: 'Lin' })], { skill: 'greet', messageId }))));
      const again = asTask(await client.sendMessage(send(message([data({ name: 'Lin' })], { skill: 'greet', messageId }))));
      expect(again.id).toBe(first.id);
      expect(again.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect((await engine.client.list({ workflow: 'greet', limit: 1000 })).runs.length).toBe(before + 1);
    });

    it('refuses bad input with a clear error and starts nothing', async () => {
      const before = (await engine.client.list({ limit: 1000 })).runs.length;
      const client = await v1Client(operatorToken);
      await expect(client.sendMessage(send(message([data({ nom: 1 })], { skill: 'greet' })))).rejects.toThrow(/BATON_INVALID_INPUT/);
      await expect(client.sendMessage(send(message([data({ name: 'Ada' })])))).rejects.toThrow(/several skills.*metadata\.skill/);
      await expect(client.sendMessage(send(message([data({ name: 'Ada' })], { skill: 'nope' })))).rejects.toThrow(/no skill 'nope'/);
      // Text cannot stand for an input with no string field.
      await expect(client.sendMessage(send(message([text('42')], { skill: 'approve' })))).rejects.toThrow(/send it as a data part/);
      const res = await rpc(operatorToken, legacySend(randomUUID(), [{ kind: 'data', data: { name: '' } }], { skill: 'greet' }));
      const body = (await res.json()) as { error: { code: number; message: string } };
      expect(body.error.code).toBe(-32602);
      expect(body.error.message).toMatch(/BATON_INVALID_INPUT/);
      expect((await engine.client.list({ limit: 1000 })).runs.length).toBe(before);
    });
  });
});
