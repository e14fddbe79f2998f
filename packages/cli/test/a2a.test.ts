/**
 * `baton dev --a2a` and `baton start --a2a`: the workflows named are an A2A agent's skills, served by
 * the built CLI on loopback and called through the A2A SDK's clients; a task is read from its run,
 * so another process started later answers tasks/get for it; names the process does not have, and
 * a --public-url that is not a URL, are usage errors.
 */
import { rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Role, TaskState, type AgentCard, type Message, type Part, type SendMessageRequest, type Task } from '@a2a-js/sdk';
import { ClientFactory, ClientFactoryOptions, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import { LegacyJsonRpcTransport } from '@a2a-js/sdk/compat/v0_3/client';
import { CliProcess, WORKFLOWS, baton, expectOneErrorLine, tempDir } from './helpers.js';

const dir = tempDir();

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const withKey =
  (token: string): typeof fetch =>
  (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };

const data = (value: unknown): Part => ({ content: { $case: 'data', value }, mediaType: 'application/json', filename: '', metadata: undefined });

function request(parts: Part[], options: { skill?: string; taskId?: string } = {}): SendMessageRequest {
  const message: Message = {
    messageId: randomUUID(),
    contextId: '',
    taskId: options.taskId ?? '',
    role: Role.ROLE_USER,
    parts,
    metadata: options.skill === undefined ? undefined : { skill: options.skill },
    extensions: [],
    referenceTaskIds: [],
  };
  return { tenant: '', message, configuration: undefined, metadata: undefined };
}

describe('baton dev and baton start --a2a', { timeout: 90_000 }, () => {
  it('serves the workflows named as skills; a later server answers for the tasks', async () => {
    const db = join(dir, 'a2a.db');
    const dev = new CliProcess(['dev', '--db', db, '--workflows', WORKFLOWS, '--port', '0', '--a2a', 'approval,greet']);
    let taskId: string;
    let token: string;
    try {
      // The first start makes an admin key and shows it once (after the lines saying what is served).
      await dev.waitForOutput('export BATON_KEY=');
      const base = /API on (http:\/\/127\.0\.0\.1:\d+)\/api/.exec(dev.stdout)?.[1] ?? '';
      token = /admin API key; it is shown only now: (bk_\S+)/.exec(dev.stdout)?.[1] ?? '';
      expect(dev.stdout).toContain(`A2A agent: card at ${base}/.well-known/agent-card.json, JSON-RPC at ${base}/a2a`);
      const card = (await (await fetch(`${base}/.well-known/agent-card.json`)).json()) as { url: string; skills: { id: string }[] };
      expect(card.url).toBe(`${base}/a2a`);
      expect(card.skills.map((s) => s.id).sort()).toEqual(['approval', 'greet']);

      const agent = new LegacyJsonRpcTransport({ endpoint: card.url, fetchImpl: withKey(token) });
      const waiting = (await agent.sendMessage(request([data({ amount: 5 })], { skill: 'approval' }))) as Task;
      expect(waiting.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
      taskId = waiting.id;
      const done = (await agent.sendMessage(request([data({ by: 'cli' })], { taskId }))) as Task;
      expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(done.artifacts[0]?.parts[0]?.content?.value).toEqual({ approvedBy: 'cli', amount: 5 });
    } finally {
      expect((await dev.stop('SIGINT')).code).toBe(0);
    }

    const start = new CliProcess(['start', '--db', db, '--workflows', WORKFLOWS, '--port', '0', '--a2a', 'all', '--public-url', 'https://agents.example.com/']);
    try {
      await start.waitForOutput('A2A agent: card at');
      const base = /API on (http:\/\/127\.0\.0\.1:\d+)\/api/.exec(start.stdout)?.[1] ?? '';
      // The card names the public address; the client is pointed at this process all the same.
      const card = (await (await fetch(`${base}/.well-known/agent-card.json`, { headers: { 'A2A-Version': '1.0' } })).json()) as {
        supportedInterfaces: { url: string }[];
      };
      expect(card.supportedInterfaces.map((i) => i.url)).toEqual(['https://agents.example.com/a2a', 'https://agents.example.com/a2a']);
      const local = { ...card, supportedInterfaces: card.supportedInterfaces.map((i) => ({ ...i, url: `${base}/a2a` })) };
      const factory = new ClientFactory(
        ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { transports: [new JsonRpcTransportFactory({ fetchImpl: withKey(token) })] }),
      );
      const client = await factory.createFromAgentCard(local as unknown as AgentCard);
      const task = await client.getTask({ tenant: '', id: taskId, historyLength: undefined });
      expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(task.artifacts[0]?.parts[0]?.content?.value).toEqual({ approvedBy: 'cli', amount: 5 });
    } finally {
      expect((await start.stop('SIGTERM')).code).toBe(0);
    }
  });

  it('refuses names the process does not have, and a public URL that is not one', async () => {
    const unknown = await baton(['start', '--db', join(dir, 'refused.db'), '--workflows', WORKFLOWS, '--port', '0', '--a2a', 'greet,nope']);
    expect(unknown.code).toBe(2);
    expect(expectOneErrorLine(unknown, 'BATON_INVALID_ARGUMENT')).toContain("--a2a names 'nope', not among the workflows loaded");
    const url = await baton(['start', '--db', join(dir, 'refused.db'), '--port', '0', '--a2a', 'all', '--public-url', 'agents.example.com']);
    expect(expectOneErrorLine(url, 'BATON_INVALID_ARGUMENT')).toContain('--public-url must be an http:// or https:// URL');
  });
});
