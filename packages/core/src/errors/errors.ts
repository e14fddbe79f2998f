/**
 * Baton's error hierarchy. Every error a user can see carries a stable string `code`, says which run
 * and step it concerns, and whether retrying can help (`retryable`). Check errors with `isBatonError`
 * and by `code`, never by `instanceof` across package copies.
 */

export const ErrorCode = {
  NonDeterminism: 'BATON_NON_DETERMINISM',
  LeaseLost: 'BATON_LEASE_LOST',
  InvalidInput: 'BATON_INVALID_INPUT',
  InvalidOutput: 'BATON_INVALID_OUTPUT',
  InvalidSignal: 'BATON_INVALID_SIGNAL',
  InvalidArgument: 'BATON_INVALID_ARGUMENT',
  /** An escalation policy of a person's task that cannot work (details.issues says which stage and why). */
  InvalidEscalation: 'BATON_INVALID_ESCALATION',
  /** A namespace's agent policy refused a model, tool or MCP server (details say which policy rule, and what). */
  PolicyRefused: 'BATON_POLICY_REFUSED',
  /** A string that no store can keep as it is: it holds NUL (U+0000) or a lone UTF-16 surrogate. */
  InvalidText: 'BATON_INVALID_TEXT',
  PayloadTooLarge: 'BATON_PAYLOAD_TOO_LARGE',
  PayloadEncoding: 'BATON_PAYLOAD_ENCODING',
  RunNotFound: 'BATON_RUN_NOT_FOUND',
  RunIdTaken: 'BATON_RUN_ID_TAKEN',
  RunFinished: 'BATON_RUN_FINISHED',
  RunNotFailed: 'BATON_RUN_NOT_FAILED',
  /** An inbox claim on a run that waits for no person's signal now. */
  RunNotWaiting: 'BATON_RUN_NOT_WAITING',
  RetryNotPossible: 'BATON_RETRY_NOT_POSSIBLE',
  WorkflowNotFound: 'BATON_WORKFLOW_NOT_FOUND',
  /** Moving runs to a version whose code this process has not loaded (only a process with the code can check them). */
  WorkflowVersionNotLoaded: 'BATON_WORKFLOW_VERSION_NOT_LOADED',
  ScheduleNotFound: 'BATON_SCHEDULE_NOT_FOUND',
  /** A declarative definition that does not parse or validate (details.issues says where and why). */
  InvalidDefinition: 'BATON_INVALID_DEFINITION',
  InvalidReplayFile: 'BATON_INVALID_REPLAY_FILE',
  /** A definition version deployed already with another text: versions are immutable, bump document.version. */
  DefinitionExists: 'BATON_DEFINITION_EXISTS',
  DefinitionNotFound: 'BATON_DEFINITION_NOT_FOUND',
  ScheduleExists: 'BATON_SCHEDULE_EXISTS',
  /** "Run now" on a schedule whose overlap policy refuses another run while its last one goes on. */
  ScheduleBusy: 'BATON_SCHEDULE_BUSY',
  /** "Run now" on a paused schedule. */
  SchedulePaused: 'BATON_SCHEDULE_PAUSED',
  StepFailed: 'BATON_STEP_FAILED',
  StepTimeout: 'BATON_STEP_TIMEOUT',
  RunTimeout: 'BATON_RUN_TIMEOUT',
  Cancelled: 'BATON_CANCELLED',
  ChildFailed: 'BATON_CHILD_FAILED',
  Terminal: 'BATON_TERMINAL',
  WorkflowError: 'BATON_WORKFLOW_ERROR',
  StoreError: 'BATON_STORE_ERROR',
  EngineStopped: 'BATON_ENGINE_STOPPED',
  Timeout: 'BATON_TIMEOUT',
  /**
   * A namespace's quota refused the call: details.quota says which (runsPerMinute, concurrentRuns,
   * modelSpendPerDayUsd), details.limit its limit, details.retryAt (ms) when it frees, if known.
   */
  QuotaExceeded: 'BATON_QUOTA_EXCEEDED',
  BlobNotFound: 'BATON_BLOB_NOT_FOUND',
  BlobStoreMissing: 'BATON_BLOB_STORE_MISSING',
  /** A blob store that cannot be used as configured: a spec that does not parse, or a bucket that does not answer at start. */
  InvalidBlobStore: 'BATON_INVALID_BLOB_STORE',
  /**
   * A database opened without upgrading (by a command that only reads) lacks migrations this version
   * of Baton has: details.missing lists them. Nothing was written; upgrade it by starting a worker or
   * server of this version on it first, or read it with the version that wrote it.
   */
  DatabaseOutdated: 'BATON_DATABASE_OUTDATED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface BatonErrorOptions {
  /** Can retrying the same operation succeed? Defaults to true. */
  retryable?: boolean;
  cause?: unknown;
  runId?: string;
  step?: string;
  /** Structured details for programs (the message is for people). */
  details?: Record<string, unknown>;
}

export class BatonError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly runId: string | undefined;
  readonly step: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  /** Brand checked by `isBatonError`, so errors are recognised across copies of this package. */
  readonly isBatonError = true;

  constructor(code: string, message: string, options: BatonErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BatonError';
    this.code = code;
    this.retryable = options.retryable ?? true;
    this.runId = options.runId;
    this.step = options.step;
    this.details = options.details;
  }
}

/**
 * Throw from a step (or the workflow) to fail it at once: no further attempts are made.
 * Use it for errors that retrying cannot fix (a declined card, a missing record).
 */
export class TerminalError extends BatonError {
  constructor(message: string, options: Omit<BatonErrorOptions, 'retryable'> & { code?: string } = {}) {
    super(options.code ?? ErrorCode.Terminal, message, { ...options, retryable: false });
    this.name = 'TerminalError';
  }
}

export function isBatonError(error: unknown): error is BatonError {
  return typeof error === 'object' && error !== null && (error as { isBatonError?: unknown }).isBatonError === true;
}

/** True when `error` carries the given stable code (works for decoded errors from the journal too). */
export function hasErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** Terminal errors must not be retried: TerminalError, or any error marked `retryable: false`. */
export function isTerminalError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { retryable?: unknown; name?: unknown };
  return e.retryable === false || e.name === 'TerminalError';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
