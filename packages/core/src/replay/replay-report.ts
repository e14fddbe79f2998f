/**
 * A replay report as a process that holds candidate code sends it: what code was checked and each
 * run's result. The limits here are the ones every store keeps, so a report that passes is stored
 * whole; the HTTP API and the uploader use the same numbers.
 */
import { z } from 'zod';
import { BatonError, ErrorCode } from '../errors/errors.js';
import { unstorableCharacter } from '../util/text.js';
import { MAX_REPLAY_RESULTS } from '../store/replay-store.js';
import type { ReplayResult } from './replay-result.js';

/** The longest text each field of a report may hold (a longer one is refused; the uploader shortens it first). */
export const REPLAY_TEXT_LIMITS = {
  candidate: 200,
  runId: 200,
  workflow: 200,
  version: 100,
  journaled: 1000,
  requested: 1000,
  code: 100,
  message: 4000,
  source: 1000,
} as const;

const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => unstorableCharacter(value) === undefined, { message: 'holds a character no store can keep (NUL or a lone surrogate)' });

const L = REPLAY_TEXT_LIMITS;
const Replayed = { runId: text(L.runId).min(1), workflow: text(L.workflow), version: text(L.version), positions: z.number().int().min(0).max(1e9) };

const ResultSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ...Replayed, ok: z.literal(true), ended: z.enum(['returned', 'threw', 'frontier']) }),
  z.strictObject({
    ...Replayed,
    ok: z.literal(false),
    divergence: z.strictObject({
      seq: z.number().int().min(0).max(1e9),
      journaled: text(L.journaled),
      requested: text(L.requested),
      code: text(L.code),
      message: text(L.message),
      source: text(L.source).optional(),
    }),
  }),
]);

const ReportSchema = z.strictObject({
  candidate: text(L.candidate).min(1),
  results: z
    .array(ResultSchema)
    .min(1)
    .max(MAX_REPLAY_RESULTS)
    .superRefine((results, ctx) => {
      const seen = new Set<string>();
      results.forEach((result, index) => {
        if (seen.has(result.runId)) ctx.addIssue({ code: 'custom', path: [index, 'runId'], message: `run '${result.runId}' is listed twice` });
        seen.add(result.runId);
      });
    }),
});

export interface ReplayReport {
  candidate: string;
  results: ReplayResult[];
}

/** The report, checked: BATON_INVALID_ARGUMENT (details.fields) names each wrong field. */
export function checkReplayReport(report: unknown): ReplayReport {
  const parsed = ReportSchema.safeParse(report);
  if (parsed.success) return parsed.data as ReplayReport;
  const fields = parsed.error.issues.slice(0, 20).map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message }));
  throw new BatonError(
    ErrorCode.InvalidArgument,
    `The replay report is not valid: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}. A report names its candidate and holds 1 to ${MAX_REPLAY_RESULTS} results, each run once.`,
    { retryable: false, details: { fields } },
  );
}
