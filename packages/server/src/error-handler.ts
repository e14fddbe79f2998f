/**
 * What the API answers when a route throws: the one error shape for every failure. Bad input is a
 * 4xx with its stable code; anything unexpected is a 500 (a store that does not answer, a 503) whose
 * body says only that it was logged under the request's id, and the error, its stack and that id go
 * to `onError` (the CLI's log) or, without one, to stderr.
 */
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isAudited } from '@baton/core';
import { ApiErrorCode, apiError, toApiError, type ApiError } from './errors.js';
import { requestIdOf } from './request-id.js';

/** The request an unexpected error happened in, as logged. */
export interface FailedRequest {
  requestId: string;
  method: string;
  path: string;
  status: number;
}

export type UnexpectedErrorListener = (error: unknown, request: FailedRequest) => void;

/** Without a listener: one line with the id, then the stack, on stderr. */
function logToStderr(error: unknown, request: FailedRequest): void {
  console.error(`baton api: ${request.method} ${request.path} failed (request ${request.requestId}, status ${request.status}):`, error);
}

/** The 4xx of an exception Hono itself raised (a body that is not JSON, a content type no route reads). */
function fromHttpException(error: HTTPException, c: Context): { status: ContentfulStatusCode; body: ApiError } {
  const status = error.status as ContentfulStatusCode;
  if (status === 400) return { status, body: apiError(ApiErrorCode.InvalidJson, 'The request body is not valid JSON: send a JSON object.') };
  if (status === 415) {
    const sent = c.req.header('content-type');
    return {
      status,
      body: apiError(
        ApiErrorCode.UnsupportedMediaType,
        `This route reads a JSON body: send it with Content-Type: application/json${sent === undefined ? ' (none was sent)' : `, not ${sent.slice(0, 100)}`}.`,
      ),
    };
  }
  return { status, body: apiError(ApiErrorCode.BadRequest, error.message.slice(0, 200) || 'The request was refused.') };
}

/** The answer to a refused request (a 4xx), before it is sent. */
function refusal(error: unknown, c: Context): { status: ContentfulStatusCode; body: ApiError } | undefined {
  if (error instanceof HTTPException && error.status < 500) return fromHttpException(error, c);
  // The client went away mid-body (or sent a body its framing broke): its request, not a failure here.
  if ((error as { code?: unknown }).code === 'ECONNRESET')
    return { status: 400, body: apiError(ApiErrorCode.BadRequest, 'The request body did not arrive in full: send the request again.') };
  const answer = toApiError(error);
  return answer.status < 500 ? answer : undefined;
}

/**
 * Called for each refused request (a 4xx but 401) whose refusal no client call has recorded already:
 * the server audits refused changes through it.
 */
export type RefusalListener = (c: Context, code: string) => Promise<void>;

export function errorHandler(onError: UnexpectedErrorListener | undefined, onRefused?: RefusalListener): ErrorHandler {
  return async (error, c) => {
    const refused = refusal(error, c);
    if (refused !== undefined) {
      if (onRefused !== undefined && refused.status !== 401 && !isAudited(error)) await onRefused(c, refused.body.error.code);
      const retryAt = refused.body.error.details?.['retryAt'];
      // A quota that frees at a known time says when, in whole seconds from now (at least 1).
      if (refused.status === 429 && typeof retryAt === 'number') c.header('Retry-After', String(Math.max(1, Math.ceil((retryAt - Date.now()) / 1000))));
      return c.json(refused.body, refused.status);
    }
    const { status, body } = toApiError(error);
    const requestId = requestIdOf(c);
    const request: FailedRequest = { requestId, method: c.req.method, path: c.req.path, status };
    try {
      (onError ?? logToStderr)(error, request);
    } catch (logFailure) {
      logToStderr(logFailure, request);
    }
    const message = body.error.message.replace(/it was logged\.$/, `it was logged with request id ${requestId}.`);
    return c.json(apiError(body.error.code, message, { ...body.error.details, requestId }), status);
  };
}

/** A listener that writes unexpected errors to a structured logger (pino's `err` carries the stack). */
export function logUnexpectedErrors(logger: { error(fields: Record<string, unknown>, message: string): void }): UnexpectedErrorListener {
  return (error, request) => logger.error({ ...request, err: error }, `API request failed: ${request.method} ${request.path} (request ${request.requestId})`);
}
