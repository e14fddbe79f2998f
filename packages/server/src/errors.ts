/**
 * One error shape for every failure: `{ error: { code, message, details? } }`, with a stable code and
 * an HTTP status derived from it. Nothing else reaches a client: no stack, no driver message.
 */
import { ErrorCode, isBatonError } from '@baton/core';
import { z } from '@hono/zod-openapi';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const ApiErrorCode = {
  NotFound: 'BATON_NOT_FOUND',
  BodyTooLarge: 'BATON_BODY_TOO_LARGE',
  InvalidJson: 'BATON_INVALID_JSON',
  Internal: 'BATON_INTERNAL',
  /** A webhook delivery whose signature is missing, wrong or outside the replay window. */
  WebhookSignature: 'BATON_WEBHOOK_SIGNATURE',
  /** No active API key has this id (never made, or revoked already). */
  KeyNotFound: 'BATON_KEY_NOT_FOUND',
  /** The namespace has no agent policy (to read or remove). */
  PolicyNotFound: 'BATON_POLICY_NOT_FOUND',
  /** An alert rule that does not validate (details.issues says where and why). */
  InvalidAlertRule: 'BATON_INVALID_ALERT_RULE',
  /** No alert rule of the caller's namespace has this id. */
  AlertRuleNotFound: 'BATON_ALERT_RULE_NOT_FOUND',
  /** Creating an alert rule whose id another rule has (replace it with PUT). */
  AlertRuleExists: 'BATON_ALERT_RULE_EXISTS',
  /** A body sent with a content type the route does not read (it reads JSON). */
  UnsupportedMediaType: 'BATON_UNSUPPORTED_MEDIA_TYPE',
  /** A request that is not well-formed HTTP (refused by the HTTP parser before any route saw it). */
  BadRequest: 'BATON_BAD_REQUEST',
  /** The request's headers are over the HTTP parser's limit. */
  HeadersTooLarge: 'BATON_HEADERS_TOO_LARGE',
  /** The request did not arrive in full within the server's time limit. */
  RequestTimeout: 'BATON_REQUEST_TIMEOUT',
  /** A request to /mcp naming a session that is not open (closed, timed out, or from before a restart). */
  McpSessionNotFound: 'BATON_MCP_SESSION_NOT_FOUND',
  /** An MCP initialize while the server keeps as many sessions as it may. */
  McpSessionsFull: 'BATON_MCP_SESSIONS_FULL',
} as const;

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'BATON_RUN_NOT_FOUND' }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('Error');

export type ApiError = z.infer<typeof ErrorSchema>;

/** Every code the API answers with and its status (docs/errors.md lists them all; a test keeps the two in step). */
export const ERROR_STATUS: Readonly<Record<string, ContentfulStatusCode>> = {
  [ErrorCode.InvalidArgument]: 400,
  [ErrorCode.InvalidText]: 400,
  [ErrorCode.InvalidInput]: 400,
  [ErrorCode.InvalidSignal]: 400,
  [ErrorCode.PayloadEncoding]: 400,
  [ErrorCode.InvalidDefinition]: 400,
  [ApiErrorCode.InvalidJson]: 400,
  BATON_INVALID_SCENARIO: 400,
  [ApiErrorCode.BadRequest]: 400,
  [ApiErrorCode.RequestTimeout]: 408,
  [ApiErrorCode.UnsupportedMediaType]: 415,
  [ApiErrorCode.HeadersTooLarge]: 431,
  [ApiErrorCode.WebhookSignature]: 401,
  // auth.ts's codes (answered there directly).
  BATON_UNAUTHORIZED: 401,
  BATON_FORBIDDEN: 403,
  BATON_NAMESPACE_FORBIDDEN: 403,
  [ErrorCode.PayloadTooLarge]: 413,
  [ApiErrorCode.BodyTooLarge]: 413,
  [ErrorCode.RunNotFound]: 404,
  [ErrorCode.BlobNotFound]: 404,
  // A server without a blob store has no blobs to upload to or serve.
  [ErrorCode.BlobStoreMissing]: 404,
  [ErrorCode.WorkflowNotFound]: 404,
  [ErrorCode.ScheduleNotFound]: 404,
  [ErrorCode.DefinitionNotFound]: 404,
  [ApiErrorCode.NotFound]: 404,
  [ApiErrorCode.KeyNotFound]: 404,
  [ApiErrorCode.PolicyNotFound]: 404,
  [ApiErrorCode.InvalidAlertRule]: 400,
  [ApiErrorCode.AlertRuleNotFound]: 404,
  [ApiErrorCode.AlertRuleExists]: 409,
  [ApiErrorCode.McpSessionNotFound]: 404,
  BATON_PLAN_NOT_FOUND: 404,
  BATON_REPLAY_CHECK_NOT_FOUND: 404,
  [ErrorCode.RunFinished]: 409,
  [ErrorCode.RunNotFailed]: 409,
  [ErrorCode.RunNotWaiting]: 409,
  [ErrorCode.RetryNotPossible]: 409,
  [ErrorCode.ScheduleExists]: 409,
  [ErrorCode.DefinitionExists]: 409,
  [ErrorCode.ScheduleBusy]: 409,
  [ErrorCode.SchedulePaused]: 409,
  [ErrorCode.RunIdTaken]: 409,
  [ErrorCode.WorkflowVersionNotLoaded]: 409,
  BATON_SIMULATIONS_BUSY: 429,
  [ErrorCode.QuotaExceeded]: 429,
  BATON_SIMULATION_UNAVAILABLE: 501,
  [ErrorCode.StoreError]: 503,
  [ApiErrorCode.McpSessionsFull]: 503,
  [ApiErrorCode.Internal]: 500,
};

export function apiError(code: string, message: string, details?: Record<string, unknown>): ApiError {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

export function statusOf(code: string): ContentfulStatusCode {
  return ERROR_STATUS[code] ?? 500;
}

/** Any thrown value as the error shape and its status. Unknown errors say nothing about themselves. */
export function toApiError(error: unknown): { status: ContentfulStatusCode; body: ApiError } {
  if (isBatonError(error)) {
    const status = statusOf(error.code);
    if (status < 500 || error.code === ErrorCode.StoreError) {
      const message = error.code === ErrorCode.StoreError ? 'The store is unavailable; try again shortly.' : error.message;
      return { status, body: apiError(error.code, message, error.details) };
    }
  }
  return { status: 500, body: apiError(ApiErrorCode.Internal, 'The server failed to handle this request; it was logged.') };
}

/** Field-level messages from a zod validation failure. */
export function validationError(issues: readonly { path: readonly PropertyKey[]; message: string }[], where: string): ApiError {
  const fields = issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message }));
  return apiError(ErrorCode.InvalidArgument, `Invalid ${where}: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, { fields });
}
