/**
 * The server the hostile-input tests of the agent protocol endpoints (/mcp, /a2a and the agent card)
 * run against: loopback HTTP, a SQLite file, keys required (an operator, a viewer, and an operator of
 * another namespace), a small body limit. Each test file that calls `hostileServer()` gets one of its
 * own, and every test in it must end with no failure logged as unexpected.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { z } from 'zod';
import { Engine, defineWorkflow, newApiKey, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { startApiServer, type ApiServer } from '@baton/server';

const greet = defineWorkflow({ name: 'greet', description: 'Greets someone by name.', input: z.object({ name: z.string() }) }, async (ctx, input) =>
  ctx.step('greet', () => ({ greeting: `hello ${input.name}` })),
);
const hold = defineWorkflow({ name: 'hold', description: 'Waits until released.', signals: { release: z.object({ ok: z.boolean() }) } }, async (ctx) =>
  ctx.waitForSignal('release', { schema: z.object({ ok: z.boolean() }) }),
);

/** The server's request body limit, in bytes. */
export const MAX_BODY = 64 * 1024;

export interface Answer {
  status: number;
  type: string;
  text: string;
  json: unknown;
}

export interface HostileServer {
  store: SqliteStore;
  engine: Engine;
  /** The server, once the file's beforeAll started it. */
  readonly server: ApiServer;
  /** The keys' tokens, once the file's beforeAll made them. */
  tokens: { operator: string; viewer: string; other: string };
  /** One request with a deadline: a hang fails the test instead of stalling it. */
  request(path: string, init: RequestInit & { token?: string | undefined }): Promise<Answer>;
  /** How many runs the store holds (up to 1000). */
  runCount(): Promise<number>;
}

/** Starts the server before the file's tests and stops it after them; checks no test logged a failure. */
export function hostileServer(): HostileServer {
  const dir = mkdtempSync(join(tmpdir(), 'baton-hostile-'));
  const store = new SqliteStore({ path: join(dir, 'hostile.db') });
  const engine = new Engine({ store, workflows: [greet, hold], logger: silentLogger, schedules: false, pollIntervalMs: 20 });
  let server: ApiServer | undefined;
  const tokens = { operator: '', viewer: '', other: '' };
  /** Failures the server logged as unexpected: every test ends with none. */
  const unexpected: unknown[] = [];

  beforeAll(async () => {
    await engine.start();
    for (const [name, role, namespace] of [
      ['operator', 'operator', undefined],
      ['viewer', 'viewer', undefined],
      ['other', 'operator', 'team-b'],
    ] as const) {
      const key = newApiKey({ name, role, ...(namespace === undefined ? {} : { namespace }) }, Date.now());
      await store.createApiKey(key.record);
      tokens[name] = key.token;
    }
    server = await startApiServer({
      client: engine.client,
      store,
      workflows: engine.workflows,
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: MAX_BODY,
      a2a: {},
      mcp: { waitMs: 30_000, logger: { ...silentLogger, error: (...args: unknown[]) => void unexpected.push(args) } },
      onError: (error) => void unexpected.push(error),
    });
  });

  afterAll(async () => {
    await server?.close();
    await engine.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(unexpected.splice(0)).toEqual([]);
  });

  async function request(path: string, init: RequestInit & { token?: string | undefined }): Promise<Answer> {
    const headers = new Headers(init.headers);
    if (init.token !== undefined) headers.set('authorization', `Bearer ${init.token}`);
    const res = await fetch(`${server!.url}${path}`, { ...init, headers, signal: AbortSignal.timeout(20_000) });
    const type = res.headers.get('content-type') ?? '';
    // An event stream is read up to its first event (enough to see the answer).
    const text = type.includes('text/event-stream') ? await firstEvent(res) : await res.text();
    let json: unknown;
    try {
      json = JSON.parse(type.includes('text/event-stream') ? (/^data: (.*)$/m.exec(text)?.[1] ?? 'null') : text);
    } catch {
      json = undefined;
    }
    return { status: res.status, type, text, json };
  }

  return {
    store,
    engine,
    get server() {
      return server!;
    },
    tokens,
    request,
    runCount: async (): Promise<number> => (await engine.client.list({ limit: 1000 })).runs.length,
  };
}

async function firstEvent(res: Response): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('\n\n')) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

/** A refusal: a 4xx with Baton's error shape, or a JSON-RPC error object; never a 5xx. */
export function expectRefused(answer: Answer, what: string): void {
  expect(answer.status, `${what}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  const body = answer.json as { error?: { code?: unknown; message?: unknown } } | undefined;
  expect(body?.error, `${what}: ${answer.text.slice(0, 300)}`).toBeDefined();
  const { code, message } = body!.error!;
  if (typeof code === 'string') expect(code, what).toMatch(/^BATON_[A-Z_]+$/);
  else expect(typeof code, what).toBe('number');
  expect(typeof message, what).toBe('string');
  expect((message as string).length, what).toBeGreaterThan(0);
}
