/**
 * How the CLI reports failure: one line on stderr, `baton: error: <message> (<CODE>)`, and an exit
 * code that tells scripts whether the command line was wrong (2) or the operation failed (1).
 */
import { ErrorCode, isBatonError } from '@baton/core';

export const ExitCode = { Ok: 0, Failure: 1, Usage: 2 } as const;

/** Codes of errors only the CLI raises; core's codes are used wherever one fits. */
export const CliErrorCode = {
  DatabaseNotFound: 'BATON_DATABASE_NOT_FOUND',
  WorkflowsLoadFailed: 'BATON_WORKFLOWS_LOAD_FAILED',
  Unexpected: 'BATON_UNEXPECTED',
} as const;

/** The command line itself is wrong: unknown command or flag, missing or malformed argument. */
export class UsageError extends Error {
  readonly code = ErrorCode.InvalidArgument;
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** A failure the CLI detects itself (no database, unloadable workflows) with a stable code. */
export class CliError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.code = code;
  }
}

export interface ReportedError {
  line: string;
  exitCode: number;
}

/** Turns any thrown value into the single line users see; stack traces stay hidden unless asked for. */
export function reportError(error: unknown): ReportedError {
  if (error instanceof UsageError) {
    const hint = error.command === undefined ? 'baton --help' : `baton ${error.command} --help`;
    return { line: errorLine(`${error.message}; see ${hint}`, error.code), exitCode: ExitCode.Usage };
  }
  if (error instanceof CliError) return { line: errorLine(error.message, error.code), exitCode: ExitCode.Failure };
  if (isBatonError(error)) {
    // A malformed argument that only core could judge (a run id's shape, say) is still a usage error.
    const exitCode = error.code === ErrorCode.InvalidArgument ? ExitCode.Usage : ExitCode.Failure;
    return { line: errorLine(error.message, error.code), exitCode };
  }
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : CliErrorCode.Unexpected;
  const message = error instanceof Error ? error.message : String(error);
  return { line: errorLine(message, code), exitCode: ExitCode.Failure };
}

export function errorLine(message: string, code: string | undefined): string {
  return `baton: error: ${oneLine(message)}${code === undefined ? '' : ` (${code})`}`;
}

/** Multi-line messages (compiler diagnostics, say) are folded so each error stays one line. */
export function oneLine(text: string): string {
  return text
    .split(/\r?\n/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .join(' ');
}
