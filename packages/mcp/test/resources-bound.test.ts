/**
 * The subscriptions of one MCP client are bounded, and the watcher keeps one timer while any run is
 * subscribed, none once the connection closes. A file of its own, with no engine in the process, so
 * the count of timers is the watcher's alone.
 */
import { Client as BatonClient, silentLogger } from '@baton/core';
import { journalUri, registerRunResources, RUN_RESOURCES_CAPABILITY, runUri } from '@baton/mcp';
import { SqliteStore } from '@baton/sqlite';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, errorOf, steps, tempFile } from './resources-helpers.js';

let store: SqliteStore;

beforeAll(async () => {
  store = new SqliteStore({ path: tempFile('bound.db') });
  await store.init();
});

afterAll(async () => {
  await store.close();
});

describe('registerRunResources', () => {
  it('bounds the subscriptions of a client, and its watcher’s timer ends when the connection closes', async () => {
    const client = new BatonClient({ store });
    const ids = ['bound-1', 'bound-2', 'bound-3'];
    for (const id of ids) await client.start(steps, undefined, { id });
    const server = new Server({ name: 't', version: '1' }, { capabilities: { resources: RUN_RESOURCES_CAPABILITY } });
    registerRunResources(server, { client, maxSubscriptions: 2, pollMs: 60_000, logger: silentLogger });
    const { mcp } = await connect(server);
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const idle = timers();
    await mcp.subscribeResource({ uri: runUri('bound-1') });
    await mcp.subscribeResource({ uri: journalUri('bound-1') });
    expect(timers()).toBe(idle + 1);
    const refused = await errorOf(mcp.subscribeResource({ uri: runUri('bound-2') }));
    expect(refused.code).toBe(ErrorCode.InvalidParams);
    expect(refused.message).toContain('BATON_INVALID_ARGUMENT');
    // Subscribing again to a uri it holds is no new subscription.
    await mcp.subscribeResource({ uri: runUri('bound-1') });
    await mcp.unsubscribeResource({ uri: journalUri('bound-1') });
    await mcp.subscribeResource({ uri: runUri('bound-2') });
    expect(timers()).toBe(idle + 1);
    await mcp.close();
    expect(timers()).toBe(idle);
    for (const id of ids) await client.cancel(id);
  });
});
