/** Live updates over a real listening server: Server-Sent Events, filters, Last-Event-ID, namespaces. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, defineWorkflow, newApiKey, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { startApiServer, type ApiServer } from '@baton/server';

const twoSteps = defineWorkflow({ name: 'two-steps' }, async (ctx) => {
  await ctx.step('fetch', async () => 1);
  await ctx.step('store', async () => 2);
  return 'done';
});
const other = defineWorkflow({ name: 'other' }, async (ctx) => ctx.step('only', async () => 0));

let dir: string;
let store: SqliteStore;
let engine: Engine;
let server: ApiServer;
let viewer: string;
let elsewhere: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-stream-'));
  store = new SqliteStore({ path: join(dir, 'baton.db') });
  engine = new Engine({ store, workflows: [twoSteps, other], logger: silentLogger, pollIntervalMs: 20 });
  await engine.start();
  const key = newApiKey({ name: 'dashboard', role: 'viewer' }, Date.now());
  await store.createApiKey(key.record);
  viewer = key.token;
  const foreign = newApiKey({ name: 'other team', role: 'viewer', namespace: 'acme' }, Date.now());
  await store.createApiKey(foreign.record);
  elsewhere = foreign.token;
  server = await startApiServer({ client: engine.client, store, workflows: engine.workflows, stream: { pollMs: 50, heartbeatMs: 200 } });
});

afterAll(async () => {
  await server.close();
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** An SSE connection: parses events as they arrive; `next(n)` waits for n more of the wanted ones. */
async function connect(path: string, headers: Record<string, string> = {}, token = viewer) {
  const abort = new AbortController();
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers }, signal: abort.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let buffered = '';
  let waiter: (() => void) | undefined;
  const pump = (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffered += value;
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const frame = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const event: SseEvent = { event: 'message', data: '' };
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) comments.push(line);
            else if (line.startsWith('id:')) event.id = line.slice(3).trim();
            else if (line.startsWith('event:')) event.event = line.slice(6).trim();
            else if (line.startsWith('data:')) event.data += line.slice(5).trim();
          }
          if (!frame.split('\n').every((line) => line.startsWith(':'))) events.push(event);
          waiter?.();
        }
      }
    } catch {
      // aborted
    }
  })();
  const changes = () => events.filter((e) => e.event === 'run' || e.event === 'step');
  return {
    res,
    events,
    comments,
    changes,
    async until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out; events so far: ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          waiter = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
    async close(): Promise<void> {
      abort.abort();
      await pump;
    },
  };
}

const label = (e: SseEvent): string => {
  const c = JSON.parse(e.data) as { runId: string; kind: string; status: string; seq?: number; name?: string };
  return c.kind === 'run' ? `${c.runId} ${c.status}` : `${c.runId} ${c.seq}:${c.name} ${c.status}`;
};

describe('live updates (Server-Sent Events)', () => {
  it('streams run and step changes as they commit, filtered by run', async () => {
    const all = await connect('/api/stream');
    expect(all.res.status).toBe(200);
    expect(all.res.headers.get('content-type')).toContain('text/event-stream');
    const onlyA = await connect('/api/stream?runId=sse-a');
    await all.until(() => all.events.some((e) => e.event === 'open'));
    await onlyA.until(() => onlyA.events.some((e) => e.event === 'open'));

    await engine.client.start(twoSteps, undefined, { id: 'sse-a' });
    await engine.client.start(other, undefined, { id: 'sse-b' });
    await all.until(() => all.changes().filter((e) => label(e).endsWith(' completed') && !label(e).includes(':')).length === 2);
    const a = all
      .changes()
      .map(label)
      .filter((l) => l.startsWith('sse-a '));
    expect(a.slice(-3)).toEqual(['sse-a 1:fetch completed', 'sse-a 2:store completed', 'sse-a completed']);
    expect(a[0]).toMatch(/^sse-a (queued|running)$/);
    await onlyA.until(() => onlyA.changes().some((e) => label(e) === 'sse-a completed'));
    expect(onlyA.changes().every((e) => label(e).startsWith('sse-a '))).toBe(true);
    const step = JSON.parse(all.changes().find((e) => e.event === 'step')!.data) as Record<string, unknown>;
    expect(step).toMatchObject({ workflow: expect.any(String), namespace: 'default', kind: 'entry', entryKind: 'step' });
    expect(typeof step.at).toBe('string');
    // Ids are the feed's positions, strictly increasing.
    const ids = all.changes().map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
    await all.until(() => all.comments.length > 0); // heartbeats keep an idle stream open
    await all.close();
    await onlyA.close();
  });

  it('resumes after a disconnect from Last-Event-ID with exactly the changes it missed', async () => {
    const first = await connect('/api/stream?workflow=two-steps');
    await engine.client.start(twoSteps, undefined, { id: 'sse-c' });
    await first.until(() => first.changes().some((e) => label(e) === 'sse-c completed'));
    const lastId = first.changes().at(-1)!.id!;
    await first.close();

    // While no one listens: one more run.
    await engine.client.start(twoSteps, undefined, { id: 'sse-d' });
    await engine.client.result('sse-d');

    const resumed = await connect('/api/stream?workflow=two-steps', { 'last-event-id': lastId });
    await resumed.until(() => resumed.changes().some((e) => label(e) === 'sse-d completed'));
    const labels = resumed.changes().map(label);
    expect(labels.every((l) => l.startsWith('sse-d '))).toBe(true);
    expect(labels.slice(-3)).toEqual(['sse-d 1:fetch completed', 'sse-d 2:store completed', 'sse-d completed']);
    await resumed.close();

    const bad = await fetch(`${server.url}/api/stream`, { headers: { authorization: `Bearer ${viewer}`, 'last-event-id': "1' OR 1=1 --" } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('BATON_INVALID_ARGUMENT');
  });

  it("shows a key only its namespace's runs, and needs a key", async () => {
    const foreign = await connect('/api/stream', {}, elsewhere);
    await foreign.until(() => foreign.events.some((e) => e.event === 'open'));
    await engine.client.start(twoSteps, undefined, { id: 'sse-e' });
    await engine.client.result('sse-e');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(foreign.changes()).toEqual([]);
    await foreign.close();
    expect((await fetch(`${server.url}/api/stream`)).status).toBe(401);
  });
});
