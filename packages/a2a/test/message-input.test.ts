/**
 * The rule by which a message becomes a workflow's input, through `createA2aRequestHandler` in
 * process (an engine on a SQLite file): a data part as it is; text for a string input, for the one
 * required string field of an object (or its one string field when none is required), and for a
 * workflow without a schema; any other input refuses text, and nothing starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Role, TaskState, type Part, type Task } from '@a2a-js/sdk';
import { Engine, defineWorkflow, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { batonCallContext, createA2aRequestHandler, type BatonRequestHandler } from '@baton/a2a';

const echo = <S extends z.ZodType | undefined>(name: string, input: S) =>
  defineWorkflow({ name, ...(input === undefined ? {} : { input }) }, async (_ctx, value: unknown) => ({ got: value }));

const workflows = [
  echo('plain', z.string()),
  echo('one-field', z.object({ topic: z.string(), depth: z.number().optional(), style: z.string().optional() })),
  echo('only-optional', z.object({ note: z.string().optional(), count: z.number().optional() })),
  echo('any', undefined),
  echo('two-fields', z.object({ a: z.string(), b: z.string() })),
  echo('number', z.number()),
];

const dir = mkdtempSync(join(tmpdir(), 'baton-a2a-input-'));
let store: SqliteStore;
let engine: Engine;
let handler: BatonRequestHandler;

beforeAll(async () => {
  store = new SqliteStore({ path: join(dir, 'input.db') });
  engine = new Engine({ store, workflows, logger: silentLogger, schedules: false, pollIntervalMs: 20 });
  await engine.start();
  handler = createA2aRequestHandler({ client: engine.client, workflows: engine.workflows, card: { url: 'http://127.0.0.1/a2a' } });
});

afterAll(async () => {
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const text = (value: string): Part => ({ content: { $case: 'text', value }, mediaType: 'text/plain', filename: '', metadata: undefined });
const data = (value: unknown): Part => ({ content: { $case: 'data', value }, mediaType: 'application/json', filename: '', metadata: undefined });

async function send(skill: string, parts: Part[]): Promise<unknown> {
  const context = batonCallContext({ client: engine.client, requestedVersion: '1.0' });
  const message = {
    messageId: randomUUID(),
    contextId: '',
    taskId: '',
    role: Role.ROLE_USER,
    parts,
    metadata: { skill },
    extensions: [],
    referenceTaskIds: [],
  };
  const task = (await handler.sendMessage({ tenant: '', message, configuration: undefined, metadata: undefined }, context)) as Task;
  expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  return (task.artifacts[0]?.parts[0]?.content?.value as { got: unknown }).got;
}

describe('a message as a workflow input', () => {
  it('offers every workflow as a skill', () => {
    expect(handler.card.skills.map((s) => s.id)).toEqual(workflows.map((w) => w.name));
  });

  it('takes the first data part as it is', async () => {
    expect(await send('one-field', [text('ignored'), data({ topic: 'tides', depth: 2 })])).toEqual({ topic: 'tides', depth: 2 });
  });

  it('maps text onto a string, the one required string field, the one string field, or an input without a schema', async () => {
    expect(await send('plain', [text('first'), text('second')])).toBe('first\nsecond');
    expect(await send('one-field', [text('tides')])).toEqual({ topic: 'tides' });
    expect(await send('only-optional', [text('remember')])).toEqual({ note: 'remember' });
    expect(await send('any', [text('free text')])).toBe('free text');
  });

  it('refuses text for any other input, and starts nothing', async () => {
    const before = (await engine.client.list({ limit: 1000 })).runs.length;
    await expect(send('two-fields', [text('x')])).rejects.toThrow(/BATON_INVALID_INPUT: .*send it as a data part/);
    await expect(send('number', [text('42')])).rejects.toThrow(/send it as a data part/);
    await expect(send('plain', [])).rejects.toThrow(/no data part and no text part/);
    await expect(send('number', [data({ value: 'x' })])).rejects.toThrow(/BATON_INVALID_INPUT/);
    expect((await engine.client.list({ limit: 1000 })).runs.length).toBe(before);
  });
});
