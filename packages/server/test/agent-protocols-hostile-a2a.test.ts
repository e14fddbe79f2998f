/**
 * Hostile input against the A2A endpoints (/a2a and the agent card) on a real server (see
 * agent-protocols-hostile.ts). Each refusal must be a 4xx or a JSON-RPC error with a stable code,
 * never a 5xx, a hang or a logged failure, and must change nothing; after each group the server still
 * answers a good request.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { waitFor } from '@baton/testkit';
import { MAX_BODY, expectRefused, hostileServer } from './agent-protocols-hostile.js';

const hostile = hostileServer();
const { engine, tokens, request, runCount } = hostile;

const a2a = (token: string | undefined, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  request('/a2a', { method: 'POST', token, headers, body });

const legacySend = (messageId: string, parts: unknown, extra: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'message/send',
  params: { message: { kind: 'message', role: 'user', messageId, parts, metadata: { skill: 'greet' }, ...extra } },
});

async function expectA2aHealthy(): Promise<void> {
  const answer = await a2a(tokens.operator, JSON.stringify(legacySend(randomUUID(), [{ kind: 'data', data: { name: 'Ada' } }])));
  expect(answer.status, answer.text).toBe(200);
  expect((answer.json as { result?: { status?: { state?: string } } }).result?.status?.state, answer.text).toBe('completed');
}

describe('the agent card', () => {
  it('answers any A2A-Version header, odd or not, with a card', async () => {
    for (const version of ['', '0.3', '1.0', '9.9', 'garbage', 'ü'.repeat(3), ' '.repeat(100), '0.']) {
      const headers: Record<string, string> = {};
      if (version !== '') headers['A2A-Version'] = /^[\x20-\x7e]*$/.test(version) ? version : encodeURIComponent(version);
      const answer = await request('/.well-known/agent-card.json', { method: 'GET', headers });
      expect(answer.status, version).toBe(200);
      expect((answer.json as { name?: string }).name).toBe('Baton');
    }
    const post = await request('/.well-known/agent-card.json', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(post.status).toBeLessThan(500);
  });
});

describe('/a2a', () => {
  it('refuses bodies that are not JSON-RPC requests, and starts nothing', async () => {
    const before = await runCount();
    const cases: [string, string][] = [
      ['malformed JSON', '{"jsonrpc":"2.0","id":1,"method":"message/send",'],
      ['empty body', ''],
      ['a JSON string', '"message/send"'],
      ['null', 'null'],
      ['an empty object', '{}'],
      ['an empty array', '[]'],
      ['a batch', JSON.stringify([legacySend(randomUUID(), [{ kind: 'text', text: 'a' }]), legacySend(randomUUID(), [{ kind: 'text', text: 'b' }])])],
      ['wrong jsonrpc version', JSON.stringify({ ...legacySend(randomUUID(), [{ kind: 'text', text: 'a' }]), jsonrpc: '1.0' })],
      ['an unknown method', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tasks/explode', params: {} })],
      ['a method that is a number', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 5, params: {} })],
      ['params null', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'message/send', params: null })],
      ['params an array', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'message/send', params: [1] })],
      ['a message that is a string', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'message/send', params: { message: 'hi' } })],
      ['no parts', JSON.stringify(legacySend(randomUUID(), []))],
      ['parts null', JSON.stringify(legacySend(randomUUID(), null))],
      ['parts an object', JSON.stringify(legacySend(randomUUID(), { kind: 'text', text: 'a' }))],
      ['parts of an unknown kind', JSON.stringify(legacySend(randomUUID(), [{ kind: 'hologram', beam: 1 }]))],
      ['a part with no kind', JSON.stringify(legacySend(randomUUID(), [{ text: 'a' }]))],
      ['a text part whose text is a number', JSON.stringify(legacySend(randomUUID(), [{ kind: 'text', text: 5 }]))],
      ['a messageId that is null', JSON.stringify(legacySend(null as unknown as string, [{ kind: 'text', text: 'a' }]))],
      ['tasks/get with a null id', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tasks/get', params: { id: null } })],
      ['tasks/cancel with an id that is a number', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tasks/cancel', params: { id: 5 } })],
      ['push config without a config', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tasks/pushNotificationConfig/set', params: { taskId: 'x' } })],
      ['a messageId that is a number', JSON.stringify(legacySend(7 as unknown as string, [{ kind: 'text', text: 'a' }]))],
      ['an unknown skill', JSON.stringify(legacySend(randomUUID(), [{ kind: 'text', text: 'a' }], { metadata: { skill: 'no-such-skill' } }))],
      ['a skill that is a number', JSON.stringify(legacySend(randomUUID(), [{ kind: 'text', text: 'a' }], { metadata: { skill: 5 } }))],
      ['input the skill refuses', JSON.stringify(legacySend(randomUUID(), [{ kind: 'data', data: { name: 5 } }]))],
      [
        'deep nesting',
        JSON.stringify(legacySend(randomUUID(), [{ kind: 'data', data: { name: 'a' } }])).replace('"a"', `${'['.repeat(5000)}${']'.repeat(5000)}`),
      ],
      ['v1.0 method without params', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'SendMessage' })],
      ['v1.0 SendMessage with an empty message', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'SendMessage', params: { message: {} } })],
      [
        'v1.0 SendMessage with parts of an unknown kind',
        JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'SendMessage',
          params: { message: { messageId: randomUUID(), role: 'ROLE_USER', parts: [{ hologram: 1 }], metadata: { skill: 'greet' } } },
        }),
      ],
    ];
    for (const [what, body] of cases) {
      const answer = await a2a(tokens.operator, body);
      expectRefused(answer, what);
    }
    expect(await runCount()).toBe(before);
    await expectA2aHealthy();
  });

  it('refuses a body over the limit and huge metadata', async () => {
    const before = await runCount();
    const huge = await a2a(
      tokens.operator,
      JSON.stringify(legacySend(randomUUID(), [{ kind: 'text', text: 'a' }], { metadata: { skill: 'greet', pad: 'x'.repeat(MAX_BODY * 2) } })),
    );
    expect(huge.status).toBe(413);
    expectRefused(huge, 'huge body');
    // Under the limit: long names in metadata are refused without being echoed whole.
    for (const metadata of [{ skill: 'ü'.repeat(20_000) }, { skill: 'greet', pad: 'x'.repeat(MAX_BODY / 2) }, { skill: { nested: ['x'.repeat(1000)] } }]) {
      const answer = await a2a(tokens.operator, JSON.stringify(legacySend(randomUUID(), [{ kind: 'text', text: 'Ada' }], { metadata })));
      expect(answer.status, answer.text.slice(0, 300)).toBeLessThan(500);
      expect(answer.text.length, answer.text.slice(0, 300)).toBeLessThan(4000);
    }
    expect(await runCount()).toBe(before + 1);
  });

  it('refuses an A2A-Version it does not speak', async () => {
    const before = await runCount();
    for (const version of ['9.9', 'garbage', '1.0', '0.3']) {
      const answer = await a2a(tokens.operator, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tasks/explode', params: {} }), {
        'content-type': 'application/json',
        'A2A-Version': version,
      });
      expectRefused(answer, version);
    }
    for (const version of ['9.9', 'garbage']) {
      const answer = await a2a(tokens.operator, JSON.stringify(legacySend(randomUUID(), [{ kind: 'text', text: 'Ada' }])), {
        'content-type': 'application/json',
        'A2A-Version': version,
      });
      expectRefused(answer, version);
    }
    expect(await runCount()).toBe(before);
  });

  it('keeps a task waiting for a reply from replies it must refuse', async () => {
    const sent = await a2a(
      tokens.operator,
      JSON.stringify({
        ...legacySend(randomUUID(), [{ kind: 'text', text: 'go' }], { metadata: { skill: 'hold' } }),
        params: {
          message: { kind: 'message', role: 'user', messageId: randomUUID(), parts: [{ kind: 'text', text: 'go' }], metadata: { skill: 'hold' } },
          configuration: { blocking: false },
        },
      }),
    );
    const taskId = (sent.json as { result: { id: string } }).result.id;
    await waitFor(async () => (await engine.client.get(taskId))?.status === 'waiting');
    const reply = (parts: unknown[], metadata?: Record<string, unknown>) =>
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'message/send',
        params: { message: { kind: 'message', role: 'user', messageId: randomUUID(), taskId, parts, ...(metadata === undefined ? {} : { metadata }) } },
      });
    for (const [what, token, body] of [
      ['a viewer', tokens.viewer, reply([{ kind: 'data', data: { ok: true } }])],
      ['another namespace', tokens.other, reply([{ kind: 'data', data: { ok: true } }])],
      ['data the signal refuses', tokens.operator, reply([{ kind: 'data', data: { ok: 'yes' } }])],
      ['no parts', tokens.operator, reply([])],
      ['another signal', tokens.operator, reply([{ kind: 'data', data: { ok: true } }], { signal: 'x'.repeat(5000) })],
    ] as const) {
      const answer = await a2a(token, body);
      expectRefused(answer, what);
      expect(answer.text.length, what).toBeLessThan(4000);
      expect((await engine.client.get(taskId))?.status, what).toBe('waiting');
    }
    const good = await a2a(tokens.operator, reply([{ kind: 'data', data: { ok: true } }]));
    expect(good.status, good.text).toBe(200);
    await waitFor(async () => (await engine.client.get(taskId))?.status === 'completed');
  });

  it('refuses wrong content types without crashing', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const answer = await a2a(tokens.operator, 'a=1', { 'content-type': type });
      expectRefused(answer, type);
    }
  });

  it('refuses tasks that are not runs, and runs of another namespace', async () => {
    const mine = await a2a(tokens.operator, JSON.stringify(legacySend(randomUUID(), [{ kind: 'data', data: { name: 'Ada' } }])));
    const taskId = (mine.json as { result: { id: string } }).result.id;
    for (const id of ['', 'no-such-run', 'x'.repeat(10_000), '../../etc', '🦀', 5, null]) {
      for (const method of ['tasks/get', 'tasks/cancel', 'tasks/resubscribe']) {
        const answer = await a2a(tokens.operator, JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { id } }));
        expectRefused(answer, `${method} ${String(id).slice(0, 20)}`);
      }
    }
    for (const method of ['tasks/get', 'tasks/cancel']) {
      const answer = await a2a(tokens.other, JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { id: taskId } }));
      expectRefused(answer, `${method} of another namespace`);
      expect(answer.text).not.toContain('hello Ada');
    }
    // A reply naming a task that is not a run (or is another namespace's) starts nothing.
    const before = await runCount();
    for (const [token, id] of [
      [tokens.operator, 'no-such-run'],
      [tokens.other, taskId],
    ] as const) {
      const answer = await a2a(token, JSON.stringify(legacySend(randomUUID(), [{ kind: 'text', text: 'yes' }], { taskId: id })));
      expectRefused(answer, `reply to ${id}`);
    }
    expect(await runCount()).toBe(before);
    const still = await a2a(tokens.operator, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tasks/get', params: { id: taskId } }));
    expect((still.json as { result: { status: { state: string } } }).result.status.state).toBe('completed');
  });

  it('starts exactly one run for 20 identical sends at once', async () => {
    const messageId = randomUUID();
    const body = JSON.stringify(legacySend(messageId, [{ kind: 'data', data: { name: 'Twenty' } }]));
    const answers = await Promise.all(Array.from({ length: 20 }, () => a2a(tokens.operator, body)));
    for (const answer of answers) expect(answer.status, answer.text).toBe(200);
    const ids = new Set(answers.map((a) => (a.json as { result?: { id?: string } }).result?.id));
    expect(ids.size, [...ids].join(', ')).toBe(1);
    expect([...ids][0]).toBeTruthy();
    await waitFor(async () => (await engine.client.list({ workflow: 'greet', limit: 1000 })).runs.length > 0);
    const runs = (await engine.client.list({ workflow: 'greet', limit: 1000 })).runs.filter((r) => JSON.stringify(r.input).includes('Twenty'));
    expect(runs).toHaveLength(1);
  });

  it('survives generated junk messages', async () => {
    let seed = 11;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    const values: unknown[] = [null, 0, -1, 1e308, true, '', 'x', '\u202e', [], {}, [null], 'greet', 'hold'];
    const parts: unknown[] = [
      { kind: 'text', text: pick(values) },
      { kind: 'data', data: pick(values) },
      { kind: 'file', file: pick(values) },
      { kind: pick(values) },
      pick(values),
    ];
    const methods = [
      'message/send',
      'message/stream',
      'tasks/get',
      'tasks/cancel',
      'tasks/resubscribe',
      'tasks/pushNotificationConfig/set',
      'SendMessage',
      'GetTask',
      'CancelTask',
      'ListTasks',
      '',
    ];
    for (let i = 0; i < 120; i += 1) {
      const message: Record<string, unknown> = {
        kind: pick(['message', pick(values)]),
        role: pick(['user', 'agent', pick(values)]),
        messageId: pick([randomUUID(), pick(values)]),
      };
      if (random() < 0.8) message.parts = random() < 0.7 ? Array.from({ length: Math.floor(random() * 3) }, () => pick(parts)) : pick(values);
      if (random() < 0.5) message.metadata = random() < 0.5 ? { skill: pick(values) } : pick(values);
      if (random() < 0.3) message.taskId = pick(values);
      const params = random() < 0.8 ? { message, id: pick(values), configuration: random() < 0.3 ? pick(values) : undefined } : pick(values);
      const body = { jsonrpc: '2.0', id: i, method: pick(methods), params };
      const answer = await a2a(tokens.operator, JSON.stringify(body));
      expect(answer.status, `${JSON.stringify(body)} -> ${answer.text.slice(0, 300)}`).toBeLessThan(500);
    }
    await expectA2aHealthy();
  });
});
