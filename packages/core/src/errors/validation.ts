/** Schema validation with errors that list each failing field and say what to do. */
import type { ZodType } from 'zod';
import { BatonError } from './errors.js';

export interface ValidationContext {
  /** Stable error code (BATON_INVALID_INPUT, BATON_INVALID_OUTPUT, BATON_INVALID_SIGNAL). */
  code: string;
  /** What was validated, as a phrase: "input for workflow 'invoice'". */
  what: string;
  /** What to do about it. */
  advice: string;
  runId?: string;
}

/** Parses `value` with `schema`; returns the parsed data or throws a terminal BatonError naming each field. */
export function validate<T>(schema: ZodType<T>, value: unknown, context: ValidationContext): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }));
  const list = issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
  throw new BatonError(context.code, `Invalid ${context.what}: ${list}. ${context.advice}`, {
    retryable: false,
    details: { issues },
    ...(context.runId === undefined ? {} : { runId: context.runId }),
  });
}
