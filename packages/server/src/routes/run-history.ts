/**
 * GET /api/runs/{id}/history: a run's record and journal exactly as stored, as a replay file
 * (`baton.replay/1`), for a deploy check (`baton replay --url`) that replays runs against new code
 * where it cannot reach the database. A viewer may read it; a key sees its namespace's runs only.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { REPLAY_FILE_FORMAT, replayFileOf, runNotFound, type Client } from '@baton/core';
import type { Context } from 'hono';
import { RunIdParam, errorResponses, json } from '../schemas.js';

const ReplayFileSchema = z
  .object({
    format: z.literal(REPLAY_FILE_FORMAT),
    run: z.looseObject({ id: z.string(), workflow: z.string(), version: z.string(), status: z.string(), input: z.string() }).openapi({
      description: 'The run as stored: payloads in their encoded form (typed JSON text), times in epoch milliseconds',
    }),
    journal: z.array(z.looseObject({ seq: z.number(), kind: z.string(), name: z.string(), status: z.string() })).openapi({
      description: 'The journal in order, payloads encoded as stored',
    }),
    exportedAt: z.string(),
  })
  .openapi('ReplayFile');

export function registerRunHistoryRoute(app: OpenAPIHono, acting: (c: Context) => Client): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/runs/{id}/history',
      tags: ['runs'],
      description:
        'The run and its journal as stored (payloads encoded, not decoded for people), in the replay file format `baton.replay/1` that `baton replay` checks new code against.',
      request: { params: RunIdParam },
      responses: { 200: json(ReplayFileSchema, 'The run as a replay file'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const found = await acting(c).history(id);
      if (found === undefined) throw runNotFound(id);
      return c.json(replayFileOf(found), 200);
    },
  );
}
