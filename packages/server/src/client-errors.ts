/**
 * Requests Node's HTTP parser refuses before the app sees them (a NUL or a space in the path, broken
 * chunked encoding, a negative or doubled Content-Length, headers over the limit, a request that
 * never arrives in full) are answered in the API's one error shape, as the app would answer them,
 * instead of Node's bare status line. The connection is closed after the answer: after a parse
 * error nothing more on it can be trusted.
 */
import type { Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiErrorCode, apiError } from './errors.js';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';

const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/** The status, code and message for a parser error. */
function answerFor(error: NodeJS.ErrnoException): { status: number; code: string; message: string } {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, code: ApiErrorCode.HeadersTooLarge, message: "The request's headers are too large: send fewer or shorter headers." };
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, code: ApiErrorCode.RequestTimeout, message: 'The request did not arrive in full in time: send it again.' };
  }
  // llhttp's reason ("Invalid header value char") names what it refused; its code is a stable name for it.
  const given = (error as { reason?: unknown }).reason;
  const reason = typeof given === 'string' ? given : undefined;
  return {
    status: 400,
    code: ApiErrorCode.BadRequest,
    message: `The request is not well-formed HTTP${reason === undefined ? '' : ` (${reason})`}: check its request line, headers and body framing.`,
  };
}

/** The response a connection is writing for an earlier request (pipelined), when there is one. */
function earlierResponse(socket: Duplex): ServerResponse | undefined {
  const response = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
  // A request still arriving is the one that failed to parse (broken chunking): its answer is ours.
  return response !== undefined && response.req.complete && !response.writableFinished ? response : undefined;
}

/** Answers the server's client errors in the one error shape (see the file header). */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A connection the client reset: nothing to say on it.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, code, message } = answerFor(error);
    const body = JSON.stringify(apiError(code, message, error.code === undefined ? undefined : { parserError: error.code }));
    const answer = (): void => {
      if (!socket.writable) return;
      socket.end(
        [
          `HTTP/1.1 ${status} ${REASONS[status]}`,
          'Content-Type: application/json; charset=UTF-8',
          `Content-Length: ${Buffer.byteLength(body)}`,
          `${REQUEST_ID_HEADER}: ${requestIdFor(undefined)}`,
          'Connection: close',
          '',
          body,
        ].join('\r\n'),
      );
    };
    // After the answer to an earlier request on this connection, so the two are not spliced together.
    const earlier = earlierResponse(socket);
    if (earlier === undefined) answer();
    else {
      earlier.once('finish', answer);
      earlier.once('close', () => {
        if (!earlier.writableFinished) socket.destroy();
      });
    }
  });
}
