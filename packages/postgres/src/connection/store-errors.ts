/** How driver failures become store errors: which are worth another try, and which broke a constraint. */
import { BatonError, ErrorCode } from '@baton/core';

export function isBatonError(error: unknown): error is BatonError {
  return typeof error === 'object' && error !== null && (error as { isBatonError?: unknown }).isBatonError === true;
}

export function isConstraintError(error: unknown): boolean {
  const cause = isBatonError(error) ? error.cause : error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('23');
}

/** Connection failures, deadlocks and serialization failures are worth another try; the rest are not. */
export function storeError(what: string, cause: unknown): BatonError {
  const code = (cause as { code?: unknown }).code;
  const retryable =
    code === undefined ||
    (typeof code === 'string' &&
      (code.startsWith('08') ||
        code === '40P01' ||
        code === '40001' ||
        code === '57P01' ||
        code === '57P03' ||
        code === 'ECONNREFUSED' ||
        code === 'ECONNRESET'));
  return new BatonError(ErrorCode.StoreError, `PostgreSQL ${what} failed: ${(cause as Error).message}`, { cause, retryable });
}
