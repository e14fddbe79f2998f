/**
 * POST /api/workflows/{name}/migrations: moves runs in flight from one version of a workflow to
 * another (client.migrate): each run's journal is replayed on the new code first, and only those that
 * replay move, at their suspension point, audited under the request's key. Only a server that has the
 * new version's code (baton dev / baton start with --workflows) can check runs against it; any other
 * answers 409 BATON_WORKFLOW_VERSION_NOT_LOADED. An admin's (auth.ts).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Client, MigrateFilter } from '@baton/core';
import type { Context } from 'hono';
import { Name, errorResponses, json, jsonBody } from '../schemas.js';

const Version = z.string().min(1).max(200);

const MigrationFilter = z
  .object({
    status: z
      .array(z.enum(['queued', 'waiting', 'running']))
      .min(1)
      .optional()
      .openapi({ description: 'Only runs in these states (default: all three).' }),
    tag: z.string().min(1).max(200).optional().openapi({ description: 'Only runs carrying this tag.' }),
    createdAfter: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Only runs created at or after this time.' }),
    createdBefore: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Only runs created before this time.' }),
    limit: z.number().int().min(1).max(10_000).optional().openapi({ description: 'At most this many runs (default and most 10,000).' }),
  })
  .strict()
  .openapi('MigrationFilter', { description: 'Which runs in flight on fromVersion to take, when runIds does not name them (not with runIds).' });

const MigrationRequest = z
  .object({
    fromVersion: Version,
    toVersion: Version,
    runIds: z
      .array(z.string().min(1).max(200))
      .min(1)
      .max(1000)
      .optional()
      .openapi({ description: 'Only these runs; without it, every run in flight on fromVersion that `filter` admits.' }),
    filter: MigrationFilter.optional(),
    dryRun: z.boolean().optional().openapi({ description: 'Check only: say what would move and what is refused, and move nothing.' }),
    waitSeconds: z
      .number()
      .int()
      .min(0)
      .max(60)
      .optional()
      .openapi({ description: 'How long to wait for running runs to reach their next suspension point, each checked and moved once it suspends (default 0).' }),
  })
  .openapi('MigrationRequest');

const DivergenceSchema = z
  .object({
    seq: z.number().int(),
    journaled: z.string(),
    requested: z.string(),
    code: z.string(),
    message: z.string(),
    source: z.string().optional(),
  })
  .openapi('ReplayDivergence');

export const MigrationSchema = z
  .object({
    workflow: z.string(),
    fromVersion: z.string(),
    toVersion: z.string(),
    dryRun: z.boolean(),
    moved: z.array(z.object({ runId: z.string(), status: z.string(), positions: z.number().int() })),
    refused: z.array(z.object({ runId: z.string(), divergence: DivergenceSchema })),
    skipped: z.array(z.object({ runId: z.string(), reason: z.string() })),
  })
  .openapi('Migration');

const NameParam = z.object({ name: Name.openapi({ param: { name: 'name', in: 'path' } }) });

export function registerMigrationRoute(app: OpenAPIHono, acting: (c: Context) => Client): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workflows/{name}/migrations',
      tags: ['workflows'],
      description:
        "Moves the workflow's runs in flight from fromVersion to toVersion: each run's journal is replayed on toVersion's code first; a run that replays moves at its next suspension point (audited as run.migrate), one that does not is listed in `refused` with its divergence and left as it is, a running one is `skipped` (try again when it suspends, or give waitSeconds). Only a server started with the new code (baton dev or baton start --workflows) can check: any other answers 409 BATON_WORKFLOW_VERSION_NOT_LOADED (use `baton migrate --workflows PATH` instead). Needs an admin key.",
      request: { params: NameParam, body: jsonBody(MigrationRequest) },
      responses: { 200: json(MigrationSchema, 'What moved, what was refused and why, what was skipped'), ...errorResponses },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const body = c.req.valid('json');
      const { waitSeconds, filter, ...rest } = body;
      const result = await acting(c).migrate({
        workflow: name,
        ...rest,
        ...(filter === undefined ? {} : { filter: migrateFilter(filter) }),
        ...(waitSeconds === undefined ? {} : { waitMs: waitSeconds * 1000 }),
      });
      return c.json(result, 200);
    },
  );
}

/** The request's filter as client.migrate takes it (times as Dates). */
function migrateFilter(filter: z.infer<typeof MigrationFilter>): MigrateFilter {
  const { createdAfter, createdBefore, ...rest } = filter;
  return {
    ...rest,
    ...(createdAfter === undefined ? {} : { createdAfter: new Date(createdAfter) }),
    ...(createdBefore === undefined ? {} : { createdBefore: new Date(createdBefore) }),
  };
}
