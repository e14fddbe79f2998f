/** What the resource tests share: a workflow that moves on signals, a client connected in memory, waits. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineWorkflow } from '@baton/core';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { McpError, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'vitest';

export const WAIT_MS = 60_000;

/** Waits for 'go', journals a step and sets progress, waits for 'finish'. */
export const steps = defineWorkflow({ name: 'steps' }, async (ctx) => {
  const first = await ctx.waitForSignal<{ by: string }>('go');
  await ctx.step('work', () => 'done');
  ctx.setProgress({ half: true });
  const second = await ctx.waitForSignal<{ by: string }>('finish');
  return { first: first.by, second: second.by };
});

export function tempFile(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'baton-mcp-resources-')), name);
}

/** A connected client of createMcpServer, recording the resource updates it is sent. */
export async function connect(server: Server): Promise<{ mcp: McpClient; updates: string[]; next: (uri: string, after: number) => Promise<void> }> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const mcp = new McpClient({ name: 'resources-test', version: '1.0.0' });
  const updates: string[] = [];
  const listeners = new Set<() => void>();
  mcp.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
    updates.push(n.params.uri);
    for (const l of listeners) l();
  });
  await mcp.connect(clientSide);
  /** Waits for an update of `uri` beyond the first `after` updates. */
  const next = (uri: string, after: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (updates.slice(after).includes(uri)) {
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`no update of ${uri} within ${WAIT_MS} ms (got ${updates.slice(after).join(', ') || 'none'})`));
      }, WAIT_MS);
      listeners.add(check);
      check();
    });
  return { mcp, updates, next };
}

export async function errorOf(promise: Promise<unknown>): Promise<McpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpError);
  return error as McpError;
}
