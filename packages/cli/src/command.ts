/**
 * The shape every command shares: its help text, its flags (parsed with node:util parseArgs), its
 * positional arguments, and the helpers that read the flags every command understands.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

/** Where a command writes and what it reads from its environment (the process, or a test's stand-in). */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

type OptionSpec = NonNullable<ParseArgsConfig['options']>;
type Values<O extends OptionSpec> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values'];

export interface CommandArgs<O extends OptionSpec> {
  values: Values<O>;
  /** Required positionals by name, in order. */
  positionals: string[];
}

export interface Command {
  /** As typed after `baton`: 'run', 'runs list'. */
  readonly name: string;
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  execute(argv: string[], io: Io): Promise<number>;
}

export interface CommandDefinition<O extends OptionSpec> {
  name: string;
  summary: string;
  help: string;
  options: O;
  /** Names of the required positional arguments, e.g. ['ID', 'NAME']; a last name ending in '...' (`FILE...`) takes one or more. */
  args?: string[];
  /** The last argument repeats (`FILE...`): more positionals than `args` are accepted. */
  variadic?: boolean;
  run(args: CommandArgs<O>, io: Io): Promise<number>;
}

/** Flags every command takes. */
export const commonOptions = {
  db: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const DEFAULT_DB_PATH = '.baton/baton.db';

export function defineCommand<const O extends OptionSpec>(definition: CommandDefinition<O>): Command {
  return {
    name: definition.name,
    summary: definition.summary,
    help: definition.help,
    async execute(argv, io) {
      const parsed = parse(definition, argv);
      if ((parsed.values as { help?: unknown }).help === true) {
        io.out(definition.help);
        return 0;
      }
      const expected = definition.args ?? [];
      if (parsed.positionals.length < expected.length) {
        throw new UsageError(`missing ${expected.slice(parsed.positionals.length).join(' ')}`, definition.name);
      }
      if (definition.variadic !== true && parsed.positionals.length > expected.length && !(expected.at(-1)?.endsWith('...') ?? false)) {
        throw new UsageError(`unexpected argument '${parsed.positionals[expected.length]}'`, definition.name);
      }
      return definition.run(parsed, io);
    },
  };
}

function parse<O extends OptionSpec>(definition: CommandDefinition<O>, argv: string[]): CommandArgs<O> {
  try {
    return parseArgs({ args: argv, options: definition.options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(parseErrorMessage(error), definition.name);
  }
}

/** node:util's messages carry advice about `--` that does not help here; keep what went wrong. */
function parseErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const option = /'(-[^' ]*)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) return `unknown option ${option}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined) {
    return message.includes('argument missing') ? `option ${option} needs a value` : `option ${option} does not take a value`;
  }
  return message.split('. ')[0] ?? message;
}

/** The database file: --db, else $BATON_DB, else .baton/baton.db (relative to the working directory). */
export function databasePath(db: string | undefined, io: Io): string {
  const path = db ?? nonEmpty(io.env.BATON_DB) ?? DEFAULT_DB_PATH;
  // A PostgreSQL URL is used as it is; a SQLite file is relative to the working directory.
  return isPostgresUrl(path) ? path : resolve(io.cwd, path);
}

/** The database as it may be shown: a URL's password is masked. */
export function displayDatabase(db: string): string {
  if (!isPostgresUrl(db)) return db;
  try {
    const url = new URL(db);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://…';
  }
}

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** The workflows module: --workflows, else $BATON_WORKFLOWS. */
export function workflowsPath(workflows: string | undefined, io: Io): string | undefined {
  const path = workflows ?? nonEmpty(io.env.BATON_WORKFLOWS);
  return path === undefined ? undefined : resolve(io.cwd, path);
}

/** Engines need the module: without workflows they would claim nothing. */
export function requiredWorkflowsPath(workflows: string | undefined, io: Io, command: string): string {
  const path = workflowsPath(workflows, io);
  if (path === undefined) throw new UsageError('--workflows PATH is required (or set BATON_WORKFLOWS)', command);
  return path;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Parses a JSON flag value; `@file.json` reads the value from a file. */
export function jsonArgument(text: string | undefined, flag: string, command: string, io: Io): unknown {
  if (text === undefined) return undefined;
  let source = text;
  if (text.startsWith('@')) {
    try {
      source = readFileSync(resolve(io.cwd, text.slice(1)), 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${flag} file ${text.slice(1)}: ${(error as Error).message}`, command);
    }
  }
  try {
    return JSON.parse(source) as unknown;
  } catch (error) {
    throw new UsageError(`${flag} is not valid JSON: ${(error as Error).message}`, command);
  }
}

export function positiveInteger(text: string | undefined, flag: string, command: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`${flag} must be a positive whole number, not '${text}'`, command);
  }
  return value;
}

export function oneOf<const T extends string>(text: string | undefined, allowed: readonly T[], flag: string, command: string): T | undefined {
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, not '${text}'`, command);
  return text as T;
}

/** Where the HTTP API listens: --port/$BATON_PORT (default 7070; 0 picks a free port) and --host/$BATON_HOST (default loopback). */
export function apiAddress(values: { port?: string | undefined; host?: string | undefined }, io: Io, command: string): { port: number; host: string } {
  const portText = values.port ?? io.env.BATON_PORT ?? '7070';
  const port = portText === '0' ? 0 : positiveInteger(portText, '--port', command);
  if (port === undefined || port > 65_535) throw new UsageError(`--port must be a port number from 0 to 65535, not '${portText}'`, command);
  return { port, host: values.host ?? io.env.BATON_HOST ?? '127.0.0.1' };
}
