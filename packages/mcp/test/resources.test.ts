/**
 * Runs and journals as MCP resources, in process: an engine on a SQLite file and on PostgreSQL, the SDK's client linked
 * to createMcpServer by its in-memory transport. Templates, the list, reads, subscriptions (an update
 * when a signalled run moves, none once unsubscribed), errors, reading through an acting client. Both ways of noticing journal growth are covered: the store's
 * change feed, and (without one) the journal's length.
 */
import { defineWorkflow, Engine, silentLogger, type Store } from '@baton/core';
import { createMcpServer, journalUri, registerRunResources, RESOURCE_NOT_FOUND, RUN_RESOURCES_CAPABILITY, runUri } from '@baton/mcp';
import { PostgresStore } from '@baton/postgres';
import { SqliteStore } from '@baton/sqlite';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connect, errorOf, steps, tempFile, WAIT_MS } from './resources-helpers.js';
import { POSTGRES_URL, freshSchema, runPostgresTests } from '../../postgres/test/test-database.js';

function json(result: { contents: object[] }): Record<string, unknown> {
  const first = result.contents[0];
  expect(first).toMatchObject({ mimeType: 'application/json', text: expect.any(String) });
  return JSON.parse((first as { text: string }).text) as Record<string, unknown>;
}

/** Gates the test opens: a step of `grows` ends when its gate opens. */
const gates = new Map<string, { promise: Promise<void>; open: () => void }>();

function gate(key: string, step: string): Promise<void> {
  const name = `${key}/${step}`;
  let entry = gates.get(name);
  if (entry === undefined) {
    let open = (): void => {};
    const promise = new Promise<void>((resolve) => (open = resolve));
    entry = { promise, open };
    gates.set(name, entry);
  }
  return entry.promise;
}

function open(key: string, step: string): void {
  void gate(key, step);
  gates.get(`${key}/${step}`)?.open();
}

/** Journals a step, then two more that end when the test opens their gates: its journal grows while it runs. */
const grows = defineWorkflow({ name: 'grows', input: z.object({ key: z.string() }) }, async (ctx, { key }) => {
  const a = await ctx.step('a', () => 'a');
  const b = await ctx.step('b', async () => {
    await gate(key, 'b');
    return 'b';
  });
  const c = await ctx.step('c', async () => {
    await gate(key, 'c');
    return 'c';
  });
  return a + b + c;
});

let store: Store;
let engine: Engine;

const stores = [
  { name: 'sqlite', create: (): Store => new SqliteStore({ path: tempFile('resources.db') }) },
  ...(runPostgresTests('MCP run resources on PostgreSQL')
    ? [{ name: 'postgres', create: (): Store => new PostgresStore({ connectionString: POSTGRES_URL, schema: freshSchema(), maxConnections: 4 }) }]
    : []),
];

describe.each(stores)('on $name', { timeout: 120_000 }, ({ name, create }) => {
  beforeAll(async () => {
    store = create();
    engine = new Engine({ store, workflows: [steps, grows], logger: silentLogger, schedules: false });
    await engine.start();
  });

  afterAll(async () => {
    await engine.stop();
    await store.close();
  });

  describe.each([
    { feed: 'the change feed', changes: true },
    { feed: "the journal's length", changes: false },
  ])('run resources (journal growth seen by $feed)', ({ changes }) => {
    let mcp: McpClient;
    let updates: string[];
    let next: (uri: string, after: number) => Promise<void>;

    beforeAll(async () => {
      const server = createMcpServer({
        client: engine.client,
        workflows: engine.workflows,
        resourcePollMs: 20,
        logger: silentLogger,
        ...(changes ? { changes: store } : {}),
      });
      ({ mcp, updates, next } = await connect(server));
    });

    afterAll(async () => {
      await mcp.close();
    });

    it('declares subscribable resources and offers the run and journal templates', async () => {
      expect(mcp.getServerCapabilities()?.resources).toEqual({ subscribe: true });
      const { resourceTemplates } = await mcp.listResourceTemplates();
      expect(resourceTemplates.map((t) => [t.uriTemplate, t.mimeType])).toEqual([
        ['baton://runs/{id}', 'application/json'],
        ['baton://runs/{id}/journal', 'application/json'],
      ]);
    });

    it('lists runs waiting for a person first, then recent runs; reads a run and its journal', async () => {
      const { id } = await engine.client.start(steps, undefined, { id: `list-${String(changes)}` });
      await waitForStatus(id, 'waiting');
      const { resources } = await mcp.listResources();
      const listed = resources.find((r) => r.uri === runUri(id));
      expect(listed).toMatchObject({ uri: `baton://runs/${id}`, name: id, mimeType: 'application/json' });
      expect(listed?.description).toContain("Waits for a person's signal (go)");

      const run = json(await mcp.readResource({ uri: runUri(id) }));
      expect(run).toMatchObject({
        runId: id,
        workflow: 'steps',
        version: expect.any(String),
        status: 'waiting',
        waitingFor: { signals: ['go'], children: [] },
      });
      expect(typeof run.createdAt).toBe('string');
      // A wait is journaled once it ends: nothing yet.
      expect(json(await mcp.readResource({ uri: journalUri(id) }))).toEqual({ runId: id, workflow: 'steps', status: 'waiting', entries: [] });
      await engine.client.cancel(id, 'listed only');
    });

    it('sends an update when a subscribed run moves on a signal', async () => {
      const { id } = await engine.client.start(steps, undefined, { id: `signalled-${String(changes)}` });
      await waitForStatus(id, 'waiting');
      await mcp.subscribeResource({ uri: runUri(id) });
      const before = updates.length;
      await engine.client.signal(id, 'go', { by: 'c' });
      await next(runUri(id), before);
      await waitFor(
        async () => json(await mcp.readResource({ uri: runUri(id) })).status === 'waiting' && (await engine.client.get(id))?.progress !== undefined,
      );
      expect(json(await mcp.readResource({ uri: runUri(id) }))).toMatchObject({ progress: { half: true }, waitingFor: { signals: ['finish'] } });
      const afterGo = updates.length;
      await engine.client.signal(id, 'finish', { by: 'd' });
      await next(runUri(id), afterGo);
      expect(await engine.client.result(id, { timeoutMs: WAIT_MS })).toEqual({ first: 'c', second: 'd' });
      await mcp.unsubscribeResource({ uri: runUri(id) });
    });

    it('sends an update when a subscribed journal grows while its run stays running, and none once unsubscribed', async () => {
      const key = `grows-${name}-${String(changes)}`;
      const followed = (await engine.client.start(grows, { key }, { id: key })).id;
      const dropped = (await engine.client.start(steps, undefined, { id: `dropped-${String(changes)}` })).id;
      await waitFor(async () => (await engine.client.journal(followed)).some((e) => e.name === 'a'));
      await waitForStatus(dropped, 'waiting');
      await mcp.subscribeResource({ uri: journalUri(followed) });
      await mcp.subscribeResource({ uri: runUri(dropped) });
      await mcp.unsubscribeResource({ uri: runUri(dropped) });

      // The dropped run moves first and ends; then the followed run journals a step (and nothing else changes).
      await engine.client.signal(dropped, 'go', { by: 'a' });
      await engine.client.signal(dropped, 'finish', { by: 'b' });
      expect(await engine.client.result(dropped, { timeoutMs: WAIT_MS })).toEqual({ first: 'a', second: 'b' });
      const before = updates.length;
      open(key, 'b');
      await next(journalUri(followed), before);
      const journal = json(await mcp.readResource({ uri: journalUri(followed) }));
      expect(journal).toMatchObject({ status: 'running' });
      expect((journal.entries as { name: string }[]).map((e) => e.name)).toEqual(['a', 'b']);
      // The look that saw the journal grow came after the dropped run ended: nothing of it was sent.
      expect(updates).not.toContain(runUri(dropped));

      const afterB = updates.length;
      open(key, 'c');
      await next(journalUri(followed), afterB);
      expect(await engine.client.result(followed, { timeoutMs: WAIT_MS })).toBe('abc');
    });

    it('answers an unknown run with resource-not-found and a malformed uri with invalid params, each with Baton’s code', async () => {
      const missing = await errorOf(mcp.readResource({ uri: runUri('no-such-run') }));
      expect(missing.code).toBe(RESOURCE_NOT_FOUND);
      expect(missing.message).toContain('BATON_RUN_NOT_FOUND');
      expect(missing.data).toMatchObject({ code: 'BATON_RUN_NOT_FOUND' });
      // Ids are escaped in uris, and read back unescaped.
      expect(runUri('a b/c')).toBe('baton://runs/a%20b%2Fc');
      const escaped = await errorOf(mcp.readResource({ uri: runUri('a b/c') }));
      expect(escaped.message).toContain("no run with id 'a b/c'");
      const journal = await errorOf(mcp.readResource({ uri: journalUri('no-such-run') }));
      expect(journal.code).toBe(RESOURCE_NOT_FOUND);
      for (const uri of ['baton://runs/', 'baton://elsewhere/x', 'https://example.com/', 'baton://runs/a/b/c', 'baton://runs/%E0%A4%A']) {
        const bad = await errorOf(mcp.readResource({ uri }));
        expect(bad.code, uri).toBe(ErrorCode.InvalidParams);
        expect(bad.data, uri).toMatchObject({ code: 'BATON_INVALID_ARGUMENT' });
      }
      const subscribe = await errorOf(mcp.subscribeResource({ uri: runUri('no-such-run') }));
      expect(subscribe.code).toBe(RESOURCE_NOT_FOUND);
    });
  });

  describe('registerRunResources', () => {
    it('reads through its client: a client acting for a namespace does not find runs of another', async () => {
      const { id } = await engine.client.start(steps, undefined, { id: 'other-namespace' });
      const server = new Server({ name: 't', version: '1' }, { capabilities: { resources: RUN_RESOURCES_CAPABILITY } });
      registerRunResources(server, { client: engine.client.as({ id: 'tenant', namespace: 'tenant-a' }), logger: silentLogger });
      const { mcp } = await connect(server);
      try {
        const error = await errorOf(mcp.readResource({ uri: runUri(id) }));
        expect(error.code).toBe(RESOURCE_NOT_FOUND);
        expect((await mcp.listResources()).resources.map((r) => r.uri)).not.toContain(runUri(id));
      } finally {
        await mcp.close();
        await engine.client.cancel(id);
      }
    });
  });
});

async function waitForStatus(runId: string, status: string): Promise<void> {
  await waitFor(async () => (await engine.client.get(runId))?.status === status);
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
