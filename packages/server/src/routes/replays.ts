/**
 * Replay checks: the server never has candidate code, so a process that has it (`baton replay
 * --report`, a worker with the new module) replays runs and POSTs what it found to /api/replays
 * (an operator's; audited as replay.report). GET /api/replays/{id} is one check with its results,
 * GET /api/runs/{id}/replays a run's latest results. Every call acts for the request's key: only
 * runs and checks of its namespace.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import {
  BatonError,
  ErrorCode,
  MAX_REPLAY_CHECKS_PER_RUN,
  MAX_REPLAY_RESULTS,
  REPLAY_TEXT_LIMITS as L,
  type Client,
  type ReplayCheckInfo,
  type ReplayResult,
} from '@baton/core';
import type { Context } from 'hono';
import { ErrorSchema } from '../errors.js';
import { RunIdParam, errorResponses, json, jsonBody } from '../schemas.js';

export const REPLAY_CHECK_NOT_FOUND = 'BATON_REPLAY_CHECK_NOT_FOUND';

const Replayed = {
  runId: z.string().min(1).max(L.runId),
  workflow: z.string().max(L.workflow),
  version: z.string().max(L.version).openapi({ description: 'The version of the code the run was replayed against' }),
  positions: z.number().int().min(0).openapi({ description: 'Journal positions the code went through' }),
};

export const ReplayResultSchema = z
  .discriminatedUnion('ok', [
    z.object({
      ...Replayed,
      ok: z.literal(true),
      ended: z
        .enum(['returned', 'threw', 'frontier'])
        .openapi({ description: "How the code stopped: returned, threw, or waits past the journal's end (frontier)" }),
    }),
    z.object({
      ...Replayed,
      ok: z.literal(false),
      divergence: z
        .object({
          seq: z.number().int().min(0).openapi({ description: "The journal position (1-based); 0 when the run's input no longer fits the code" }),
          journaled: z.string().max(L.journaled).openapi({ example: "step 'charge-card'" }),
          requested: z.string().max(L.requested).openapi({ example: "step 'refund'" }),
          code: z.string().max(L.code).openapi({ example: ErrorCode.NonDeterminism, description: 'The stable code of the divergence' }),
          message: z.string().max(L.message),
          source: z.string().max(L.source).optional().openapi({ description: 'file:line:column of the code that asked, when known' }),
        })
        .openapi('ReplayDivergence'),
    }),
  ])
  .openapi('ReplayResult');

const SummarySchema = z.object({ runs: z.number().int(), ok: z.number().int(), diverged: z.number().int() }).openapi('ReplaySummary');

export const ReplayCheckInfoSchema = z
  .object({
    id: z.string(),
    candidate: z.string().openapi({ description: 'What code was checked: a commit, a build or a release name' }),
    by: z.string().openapi({ description: 'The API key that reported it' }),
    checkedAt: z.string(),
    summary: SummarySchema,
  })
  .openapi('ReplayCheckInfo');

export const ReplayCheckSchema = ReplayCheckInfoSchema.extend({ results: z.array(ReplayResultSchema) }).openapi('ReplayCheck');
export const RunReplaySchema = z.object({ check: ReplayCheckInfoSchema, result: ReplayResultSchema }).openapi('RunReplay');

const ReportBody = z
  .object({
    candidate: z.string().min(1).max(L.candidate),
    results: z.array(ReplayResultSchema).min(1).max(MAX_REPLAY_RESULTS),
  })
  .openapi('ReplayReport');

function infoJson(info: ReplayCheckInfo): z.infer<typeof ReplayCheckInfoSchema> {
  return { id: info.id, candidate: info.candidate, by: info.by, checkedAt: new Date(info.checkedAt).toISOString(), summary: info.summary };
}

function checkNotFound(id: string): BatonError {
  return new BatonError(
    REPLAY_CHECK_NOT_FOUND,
    `No replay check has id '${id.slice(0, 200)}' in this namespace. GET /api/runs/{id}/replays lists a run's checks.`,
    {
      retryable: false,
      details: { id },
    },
  );
}

export function registerReplayRoutes(app: OpenAPIHono, acting: (c: Context) => Client): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/replays',
      tags: ['replays'],
      summary: 'Report a replay check',
      description: `Keeps what replaying runs' journals against candidate code found: the results \`replayRun\` (or \`baton replay\`) gave, one per run, each run once, at most ${MAX_REPLAY_RESULTS} per report. Every run must be one of the key's namespace (404 BATON_RUN_NOT_FOUND otherwise, and nothing is kept). Each run keeps its latest ${MAX_REPLAY_CHECKS_PER_RUN} checks. Needs an operator key; audited as replay.report.`,
      request: { body: jsonBody(ReportBody) },
      responses: { 201: json(z.object({ id: z.string(), summary: SummarySchema }), 'Kept'), ...errorResponses },
    }),
    async (c) => {
      const report = c.req.valid('json');
      const info = await acting(c).replays.record({ candidate: report.candidate, results: report.results as ReplayResult[] });
      return c.json({ id: info.id, summary: info.summary }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/replays/{id}',
      tags: ['replays'],
      summary: 'A replay check',
      description:
        "One check with its results (a run's results older than its latest checks are no longer kept). 404 BATON_REPLAY_CHECK_NOT_FOUND for an id that is no check of the key's namespace.",
      request: {
        params: z.object({
          id: z
            .string()
            .min(1)
            .max(200)
            .openapi({ param: { name: 'id', in: 'path' } }),
        }),
      },
      responses: { 200: json(z.object({ check: ReplayCheckSchema }), 'The check'), 404: json(ErrorSchema, 'No such check') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const check = await acting(c).replays.get(id);
      if (check === undefined) throw checkNotFound(id);
      return c.json({ check: { ...infoJson(check), results: check.results } }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/runs/{id}/replays',
      tags: ['replays'],
      summary: "A run's replay results",
      description: `The run's results in its latest ${MAX_REPLAY_CHECKS_PER_RUN} replay checks, latest first.`,
      request: { params: RunIdParam },
      responses: { 200: json(z.object({ replays: z.array(RunReplaySchema) }), 'Latest check first'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const replays = await acting(c).replays.forRun(id);
      return c.json({ replays: replays.map((r) => ({ check: infoJson(r.check), result: r.result })) }, 200);
    },
  );
}
