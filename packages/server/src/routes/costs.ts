/**
 * GET /api/costs: cost attribution for chargeback — runs and model spend per namespace, workflow or
 * tag over a period, by UTC day or calendar month (Store.costs). As JSON, or as CSV (`Accept:
 * text/csv` or `?format=csv`) with the stable columns COST_CSV_COLUMNS. A viewer or operator key sees
 * its namespace only; an admin key sees every namespace (or one, with `?namespace=`).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { stringify } from 'csv-stringify/sync';
import { BatonError, COST_MAX_DAYS, ErrorCode, roleAllows, type CostReport, type CostRow, type Store } from '@baton/core';
import { apiKeyOf } from '../acting.js';
import { AuthErrorCode } from '../auth.js';
import { ErrorSchema, apiError } from '../errors.js';
import { Name } from '../schemas.js';

const DAY = 86_400_000;

/** The CSV's columns, in order: documented in docs/operations.md, never renamed or reordered. */
export const COST_CSV_COLUMNS = [
  'period',
  'namespace',
  'group_by',
  'key',
  'runs',
  'llm_calls',
  'unpriced_calls',
  'input_tokens',
  'output_tokens',
  'cost_usd',
] as const;

const DateOnly = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date: YYYY-MM-DD');

const CostsQuery = z.object({
  from: DateOnly.optional().openapi({ description: 'First day of the period, YYYY-MM-DD (UTC; default: the first of this month)' }),
  to: DateOnly.optional().openapi({ description: `Day after the period, YYYY-MM-DD (exclusive; default: tomorrow). At most ${COST_MAX_DAYS} days.` }),
  groupBy: z.enum(['namespace', 'workflow', 'tag']).optional().openapi({ description: 'What a row is about (default workflow)' }),
  interval: z.enum(['day', 'month']).optional().openapi({ description: 'A row per UTC day or per calendar month (default day)' }),
  namespace: Name.optional().openapi({ description: 'Only this namespace (an admin key; other keys see their own only)' }),
  format: z.enum(['json', 'csv']).optional().openapi({ description: 'csv: the same rows as CSV (as Accept: text/csv does)' }),
});

const CostRowSchema = z
  .object({
    period: z.string().openapi({ description: 'YYYY-MM-DD (day) or YYYY-MM (month), UTC' }),
    namespace: z.string(),
    key: z.string().openapi({ description: 'The namespace, workflow or tag, as groupBy says' }),
    runs: z.number().int().openapi({ description: 'Runs created in the period' }),
    llmCalls: z.number().int().openapi({ description: 'Model calls journaled by those runs (cache hits included, at no cost)' }),
    unpricedCalls: z.number().int().openapi({ description: 'Calls whose model has no known price: costUsd is a lower bound when above 0' }),
    inputTokens: z.number(),
    outputTokens: z.number(),
    costUsd: z.number().openapi({ description: 'What the calls cost, in US dollars' }),
  })
  .openapi('CostRow');

export const CostReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    groupBy: z.enum(['namespace', 'workflow', 'tag']),
    interval: z.enum(['day', 'month']),
    rows: z.array(CostRowSchema),
    totals: z.object({ runs: z.number().int(), llmCalls: z.number().int(), unpricedCalls: z.number().int(), costUsd: z.number() }).openapi({
      description: 'Sums of the rows (by tag, a run with several tags counts under each)',
    }),
  })
  .openapi('CostReport');

function dayOf(text: string, name: string): number {
  const at = Date.parse(`${text}T00:00:00Z`);
  if (!Number.isFinite(at) || new Date(at).toISOString().slice(0, 10) !== text) {
    throw new BatonError(ErrorCode.InvalidArgument, `${name} '${text}' is not a date: give YYYY-MM-DD.`, { retryable: false });
  }
  return at;
}

/** A CSV cell for money: fixed to 6 decimals, so sums read the same in every spreadsheet. */
function money(n: number): string {
  return n.toFixed(6);
}

export function costsCsv(report: CostReport): string {
  return stringify([
    [...COST_CSV_COLUMNS],
    ...report.rows.map((r: CostRow) => [
      r.period,
      r.namespace,
      report.groupBy,
      r.key,
      r.runs,
      r.llmCalls,
      r.unpricedCalls,
      r.inputTokens,
      r.outputTokens,
      money(r.costUsd),
    ]),
  ]);
}

function reportJson(report: CostReport): z.infer<typeof CostReportSchema> {
  const totals = { runs: 0, llmCalls: 0, unpricedCalls: 0, costUsd: 0 };
  for (const row of report.rows) for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += row[key];
  return {
    from: new Date(report.from).toISOString().slice(0, 10),
    to: new Date(report.to).toISOString().slice(0, 10),
    groupBy: report.groupBy,
    interval: report.interval,
    rows: report.rows,
    totals,
  };
}

export function registerCostsRoute(app: OpenAPIHono, store: Store): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/costs',
      tags: ['stats'],
      summary: 'Cost attribution',
      description:
        "Runs created and their model spend per namespace, workflow or tag over a period, per UTC day or calendar month, for chargeback. A run's spend counts in full under each of its tags. A viewer or operator key sees its namespace only; an admin key every namespace. As CSV with Accept: text/csv or format=csv.",
      request: { query: CostsQuery },
      responses: {
        200: {
          description: 'The report',
          content: {
            'application/json': { schema: CostReportSchema },
            'text/csv': { schema: z.string().openapi({ description: COST_CSV_COLUMNS.join(',') }) },
          },
        },
        400: { description: 'Invalid request (a period not of whole days, or too long)', content: { 'application/json': { schema: ErrorSchema } } },
        403: { description: "Another namespace than the key's, without an admin key", content: { 'application/json': { schema: ErrorSchema } } },
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const now = new Date();
      const from = q.from === undefined ? Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) : dayOf(q.from, 'from');
      const to = q.to === undefined ? Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY : dayOf(q.to, 'to');
      const caller = apiKeyOf(c);
      const all = caller === undefined || roleAllows(caller.role, 'admin');
      if (!all && q.namespace !== undefined && q.namespace !== caller.namespace) {
        const message = `The key '${caller.name}' sees the costs of namespace '${caller.namespace}' only; every namespace's costs take an admin key.`;
        return c.json(apiError(AuthErrorCode.Forbidden, message), 403);
      }
      const namespace = all ? q.namespace : caller.namespace;
      const report = await store.costs({
        from,
        to,
        groupBy: q.groupBy ?? 'workflow',
        interval: q.interval ?? 'day',
        ...(namespace === undefined ? {} : { namespace }),
      });
      const csv = q.format === 'csv' || (q.format === undefined && /\btext\/csv\b/i.test(c.req.header('accept') ?? ''));
      if (csv) {
        const name = `baton-costs-${new Date(from).toISOString().slice(0, 10)}-${new Date(to).toISOString().slice(0, 10)}.csv`;
        return c.body(costsCsv(report), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` });
      }
      return c.json(reportJson(report), 200);
    },
  );
}
