/**
 * GET /api/stream: live updates as Server-Sent Events. Each run status change is an event `run`
 * and each journal entry an event `step`, with the change's feed position as its id, so a client
 * that reconnects with Last-Event-ID (EventSource does) gets what it missed. A client further behind
 * than the feed keeps gets `reset`: reload, then read on. The feed is the store's, so a stream from
 * any API server sees runs executed by every worker.
 */
import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { ChangeFilter, ChangePage, ChangeRecord, Store } from '@baton/core';
import { apiKeyOf } from '../acting.js';
import { ErrorSchema } from '../errors.js';
import { type ChangeSchema, Name } from '../schemas.js';

export interface StreamOptions {
  /** How often the feed is read when nothing announces a change. Default 250 ms. */
  pollMs?: number;
  /** A comment line keeps idle connections (and proxies) open this often. Default 15 s. */
  heartbeatMs?: number;
}

const PAGE = 500;

const StreamQuery = z.object({
  runId: Name.optional().openapi({ description: 'Only changes of this run' }),
  workflow: Name.optional().openapi({ description: 'Only changes of runs of this workflow' }),
  after: z.string().min(1).max(100).optional().openapi({ description: 'Start after this event id (as Last-Event-ID does); default: from now' }),
});

function changeJson(change: ChangeRecord): z.infer<typeof ChangeSchema> {
  const { cursor: _position, ...rest } = change;
  return { ...rest, at: new Date(change.at).toISOString() };
}

export function registerStreamRoute(app: OpenAPIHono, store: Store, options: StreamOptions = {}): void {
  const pollMs = options.pollMs ?? 250;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/stream',
      tags: ['runs'],
      summary: 'Live run and step changes (Server-Sent Events)',
      description:
        "Events `run` (a run's status changed) and `step` (a journal entry was written), each a Change as JSON with its feed position as the event id. Reconnect with Last-Event-ID to resume; `reset` means changes were missed (reload, then read on). Filter with runId or workflow; a key sees its namespace only.",
      request: { query: StreamQuery },
      responses: {
        200: {
          description: 'An event stream',
          content: { 'text/event-stream': { schema: z.string().openapi({ description: 'SSE events whose data is a Change' }) } },
        },
        400: { description: 'Invalid request (a malformed Last-Event-ID)', content: { 'application/json': { schema: ErrorSchema } } },
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const filter: Omit<ChangeFilter, 'after'> = { limit: PAGE };
      const namespace = apiKeyOf(c)?.namespace;
      if (namespace !== undefined) filter.namespace = namespace;
      if (q.runId !== undefined) filter.runId = q.runId;
      if (q.workflow !== undefined) filter.workflow = q.workflow;
      const resumeFrom = c.req.header('last-event-id')?.trim() || q.after;
      // Read once before answering, so a malformed position is a 400, not a broken stream.
      let page: ChangePage | undefined = resumeFrom === undefined ? undefined : await store.listChanges({ ...filter, after: resumeFrom.slice(0, 100) });
      let cursor = page?.cursor ?? (await store.changeCursor());
      return streamSSE(c, async (stream) => {
        let wake: (() => void) | undefined;
        const unsubscribe = store.capabilities.localNotifications ? store.subscribe(() => wake?.()) : undefined;
        let lastWrite = Date.now();
        try {
          await stream.writeSSE({ event: 'open', data: JSON.stringify({ cursor }), retry: 1000 });
          while (!stream.aborted && !stream.closed) {
            if (page === undefined) page = await store.listChanges({ ...filter, after: cursor });
            if (page.gap)
              await stream.writeSSE({ event: 'reset', data: JSON.stringify({ reason: 'Changes were pruned before this stream read them: reload.' }) });
            for (const change of page.changes) {
              await stream.writeSSE({ id: change.cursor, event: change.kind === 'run' ? 'run' : 'step', data: JSON.stringify(changeJson(change)) });
              lastWrite = Date.now();
            }
            cursor = page.cursor;
            const full = page.changes.length === PAGE;
            page = undefined;
            if (full) continue;
            if (Date.now() - lastWrite >= heartbeatMs) {
              await stream.write(': keep-alive\n\n');
              lastWrite = Date.now();
            }
            await new Promise<void>((resolve) => {
              const timer = setTimeout(done, pollMs);
              function done(): void {
                clearTimeout(timer);
                wake = undefined;
                resolve();
              }
              wake = done;
              stream.onAbort(done);
            });
          }
        } finally {
          unsubscribe?.();
        }
      }) as never;
    },
  );
}
