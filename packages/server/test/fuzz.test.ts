/**
 * Hostile input: at least 10,000 malformed or hostile requests (broken JSON, wrong types, huge and
 * deeply nested bodies, unicode edge cases, path traversal, SQL metacharacters, bad keys) against
 * every route, and bad HMACs on webhooks. None may get a 5xx or a stack trace, the server must still answer, and the data must
 * be unchanged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Engine, defineWorkflow, newApiKey, seededRandom, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { createApp, defineWebhook } from '@baton/server';

const REQUESTS = Number(process.env.BATON_FUZZ_REQUESTS ?? 10_000);

const wf = defineWorkflow({ name: 'fuzzed', input: z.object({ n: z.number().int() }) }, async (ctx, input: { n: number }) =>
  ctx.step('double', () => input.n * 2),
);

let dir: string;
let store: SqliteStore;
let engine: Engine;
let app: ReturnType<typeof createApp>;
let keys: { viewer: string; admin: string };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-fuzz-'));
  store = new SqliteStore({ path: join(dir, 'baton.db') });
  engine = new Engine({ store, workflows: [wf], logger: silentLogger, pollIntervalMs: 50 });
  await engine.start();
  const viewer = newApiKey({ name: 'viewer', role: 'viewer' }, Date.now());
  const admin = newApiKey({ name: 'admin', role: 'admin' }, Date.now());
  await store.createApiKey(viewer.record);
  await store.createApiKey(admin.record);
  keys = { viewer: viewer.token, admin: admin.token };
  app = createApp({
    client: engine.client,
    store,
    workflows: engine.workflows,
    maxBodyBytes: 64 * 1024,
    webhooks: [defineWebhook({ name: 'fuzzhook', workflow: 'fuzzed', secret: 'fuzz-secret-0123456789' })],
  });
});

afterAll(async () => {
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const STRINGS = [
  '',
  ' ',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  "'; DROP TABLE runs; --",
  '" OR 1=1 --',
  '%00',
  '\u0000',
  '\ud800',
  '\uffff',
  '😀'.repeat(50),
  'Ａ'.repeat(300),
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '{{7*7}}',
  'a'.repeat(10_000),
  '$event:x#1',
  '__proto__',
  'constructor',
];

function randomValue(random: () => number, depth = 0): unknown {
  const pick = Math.floor(random() * 10);
  if (depth > 3) return STRINGS[Math.floor(random() * STRINGS.length)];
  switch (pick) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return [0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2][Math.floor(random() * 6)];
    case 3:
      return STRINGS[Math.floor(random() * STRINGS.length)];
    case 4:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
    case 5:
      // Prototype pollution, and typed-JSON tags that lie about their value.
      return [
        { __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } },
        { $baton: 'date', v: 'not a date' },
        { $baton: 'bigint', v: '12x' },
        { $baton: 'no-such-tag', v: 1 },
        { $baton: 'map', v: 'not entries' },
      ][Math.floor(random() * 5)];
    default: {
      const out: Record<string, unknown> = {};
      for (const key of [
        'workflow',
        'input',
        'id',
        'queue',
        'priority',
        'name',
        'data',
        'type',
        'source',
        'specversion',
        'cron',
        'timezone',
        'reason',
        'time',
      ]) {
        if (random() < 0.35) out[key] = randomValue(random, depth + 1);
      }
      return out;
    }
  }
}

/** Lone surrogates cannot be URL-encoded: they become U+FFFD (as a browser would send them). */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function deepNesting(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

const ROUTES: [string, string][] = [
  ['POST', '/api/runs'],
  ['GET', '/api/runs'],
  ['GET', '/api/runs/{id}'],
  ['POST', '/api/runs/{id}/signal'],
  ['POST', '/api/runs/{id}/cancel'],
  ['POST', '/api/runs/{id}/retry'],
  ['POST', '/api/runs/{id}/resume'],
  ['POST', '/api/events'],
  ['GET', '/api/events'],
  ['GET', '/api/schedules'],
  ['POST', '/api/schedules'],
  ['GET', '/api/schedules/{id}'],
  ['POST', '/api/schedules/{id}/pause'],
  ['DELETE', '/api/schedules/{id}'],
  ['GET', '/api/workflows'],
  ['GET', '/api/audit'],
  ['GET', '/api/stream'],
  ['PUT', '/api/runs'],
  ['GET', '/api/../../etc/passwd'],
  ['POST', '/hooks/fuzzhook'],
  ['POST', '/hooks/{id}'],
];

describe('hostile input', () => {
  it(`survives ${REQUESTS} malformed or hostile requests: no 5xx, no stack, still answering, data unchanged`, async () => {
    // Known data first: one completed run, one event, one schedule.
    const run = await engine.client.start(wf, { n: 21 }, { id: 'known-run' });
    expect(await run.result({ timeoutMs: 10_000 })).toBe(42);
    await engine.client.emit('known.event', { ok: true }, { id: 'known-event' });
    await engine.client.schedules.create({ id: 'known-schedule', workflow: wf, cron: '0 0 1 1 *', input: { n: 1 } });
    const snapshot = async () => ({
      run: await engine.client.get('known-run'),
      journal: await engine.client.journal('known-run'),
      events: await engine.client.events.list(),
      schedules: (await engine.client.schedules.list()).map(({ updatedAt: _u, ...s }) => s),
    });
    const before = await snapshot();

    const random = seededRandom(Number(process.env.BATON_FUZZ_SEED ?? 12345));
    const statuses = new Map<number, number>();
    for (let i = 0; i < REQUESTS; i++) {
      const [method, template] = ROUTES[Math.floor(random() * ROUTES.length)]!;
      const id = ['known-run', 'known-schedule', STRINGS[Math.floor(random() * STRINGS.length)]!][Math.floor(random() * 3)]!;
      let path = template.replace('{id}', encodeURIComponent(wellFormed(id)).slice(0, 2000));
      if (random() < 0.2)
        path += `?${['limit=-1', 'limit=abc', 'status=%00', 'cursor=' + encodeURIComponent(wellFormed(STRINGS[Math.floor(random() * STRINGS.length)]!)), 'after=1e999', 'type=../x', 'workflow=%27%3B--', 'tag=%25', 'search=%27%20OR%201%3D1--', 'search=_%25%5C', 'since=2030-13-45', 'before=-5', 'runId=..%2F..'][Math.floor(random() * 13)]}`;
      const kind = random();
      let body: string | undefined;
      if (method !== 'GET' && method !== 'DELETE') {
        if (kind < 0.15) body = '{"workflow": ';
        else if (kind < 0.2) body = deepNesting(5000);
        else if (kind < 0.23) body = JSON.stringify({ workflow: 'fuzzed', input: { n: 'x'.repeat(100_000) } });
        else if (kind < 0.3) body = STRINGS[Math.floor(random() * STRINGS.length)];
        else body = JSON.stringify(randomValue(random));
      }
      const auth = random();
      // Mostly valid keys (to reach the handlers), the rest missing, malformed or forged.
      const headers: Record<string, string> =
        auth < 0.75
          ? { authorization: `Bearer ${random() < 0.5 ? keys.admin : keys.viewer}` }
          : auth < 0.85
            ? {}
            : auth < 0.95
              ? { authorization: `Bearer ${STRINGS[Math.floor(random() * STRINGS.length)]!.replace(/[^\x20-\x7e]/g, '')}` }
              : { authorization: `Bearer ${keys.admin.slice(0, -3)}xyz` };
      // A well-formed admin request may legitimately pause or delete a schedule: the known one is only
      // ever reached with a key that may not change it.
      if (id === 'known-schedule' && template.startsWith('/api/schedules/') && method !== 'GET' && headers.authorization === `Bearer ${keys.admin}`) {
        headers.authorization = `Bearer ${keys.viewer}`;
      }
      if (body !== undefined) headers['content-type'] = random() < 0.9 ? 'application/json' : 'text/plain';
      // Resume positions that are not positions (a stream that opens is closed at once, below).
      if (template === '/api/stream' && random() < 0.7) {
        headers['last-event-id'] = wellFormed(STRINGS[Math.floor(random() * STRINGS.length)]!)
          .replace(/[^\x20-\x7e]/g, '')
          .slice(0, 200);
      }
      // Bad HMACs: random, malformed, stale or for another body.
      if (template.startsWith('/hooks/')) {
        const t = Math.floor(Date.now() / 1000) + Math.floor((random() - 0.5) * 2000);
        headers['x-baton-signature'] = [
          `t=${t},v1=${'ab'.repeat(32)}`,
          `t=${t}`,
          'v1=zz',
          wellFormed(STRINGS[Math.floor(random() * STRINGS.length)]!).replace(/[^\x20-\x7e]/g, ''),
        ][Math.floor(random() * 4)]!;
      }
      const res = await app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.headers.get('content-type')?.includes('text/event-stream') === true) {
        await res.body?.cancel();
        continue;
      }
      const text = await res.text();
      if (res.status >= 500) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 500)} (body ${body?.slice(0, 200)})`);
      expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);
      if (res.status !== 200 && res.status !== 201 && res.status !== 202) {
        expect(JSON.parse(text) as unknown, `${method} ${path} → ${res.status}`).toMatchObject({
          error: { code: expect.stringMatching(/^BATON_/), message: expect.any(String) },
        });
      }
    }
    console.log(`fuzz: ${REQUESTS} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);

    // Still answering, and the known data is as it was (fuzzed runs and events may have been added).
    expect((await app.request('/api/health')).status).toBe(200);
    const after = await snapshot();
    expect(after.run).toEqual(before.run);
    expect(after.journal).toEqual(before.journal);
    expect(after.events.filter((e) => e.id === 'known-event')).toEqual(before.events);
    expect(after.schedules.find((s) => s.id === 'known-schedule')).toEqual(before.schedules[0]);
  }, 300_000);
});
