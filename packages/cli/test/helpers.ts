/** Drives the real `baton` executable as child processes, and reads the database the way a client does. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Engine, silentLogger, type AuditFilter, type AuditRecord, type RunInfo, type WorkflowList } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const BIN = join(ROOT, 'packages/cli/dist/bin.js');
export const FIXTURES = join(ROOT, 'packages/cli/test/fixtures');
export const WORKFLOWS = join(FIXTURES, 'workflows.ts');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  cwd?: string;
}

/**
 * Makes the fixture workflows known on the database `db`, as a worker that ran them there once does:
 * its engine registers them in the store's workflow catalog when it starts. Call it before any run
 * exists (the engine runs what it finds while it is up).
 */
export async function registerFixtureWorkflows(db: string): Promise<void> {
  const workflows = (await import(WORKFLOWS)) as WorkflowList;
  const store = new SqliteStore({ path: db });
  const engine = new Engine({ store, workflows, logger: silentLogger, schedules: false });
  try {
    await engine.start();
    await engine.stop();
  } finally {
    await store.close();
  }
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'baton-cli-'));
}

/** Where models come from: a test names its own (the scripted model server), never the machine's. */
const MODEL_ENV = [
  'BATON_AI_MODEL',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_BASE_URL',
  'OLLAMA_BASE_URL',
  'OPENAI_COMPATIBLE_BASE_URL',
  'OPENAI_COMPATIBLE_API_KEY',
];

/** The test runner's environment without anything that would change what the CLI does. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['BATON_DB', 'BATON_WORKFLOWS', 'BATON_DEBUG', 'BATON_URL', 'BATON_KEY', 'BATON_HOOK_SECRET', 'NODE_OPTIONS', ...MODEL_ENV])
    delete env[key];
  return { ...env, ...extra };
}

/**
 * Runs `baton ...args` through the CLI's own entry in this process: the command line is parsed and
 * answered as the executable does (exit code, stdout, stderr), without a process start. `env` and
 * `cwd` are what the command sees as its environment and working directory, as for `baton()`.
 */
export async function batonInProcess(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const { main } = await import('../src/index.js');
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    out: (line: string) => void out.push(`${line}\n`),
    err: (line: string) => void err.push(`${line}\n`),
    env: childEnv(options.env),
    cwd: options.cwd ?? ROOT,
  };
  const code = await main(args, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Runs `baton ...args` to completion (killed after a minute: a process start on a loaded machine takes seconds). */
export function baton(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: childEnv(options.env), timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running `baton` process (worker, dev) whose output the test can wait on. */
export class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #child: ChildProcess;

  constructor(args: string[], options: CliOptions = {}) {
    this.#child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: childEnv(options.env), stdio: 'pipe' });
    this.#child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.#child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.#child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  async waitForOutput(text: string, timeoutMs = 20_000): Promise<void> {
    await waitFor(() => this.stdout.includes(text), { timeoutMs, what: () => `output '${text}'; stdout so far:\n${this.stdout}\nstderr:\n${this.stderr}` });
  }

  signal(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  /** Stops gracefully; kills the process if it does not exit within `timeoutMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return this.exited;
    this.#child.kill(signal);
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Polls `condition` until it holds; fails with `what` after the deadline. */
export async function waitFor<T>(
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  options: { timeoutMs?: number; what?: string | (() => string) } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof options.what === 'function' ? options.what() : (options.what ?? 'a condition')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Reads runs straight from the database file, as any client process could. */
export class DatabaseReader {
  readonly #store: SqliteStore;
  readonly #client: Client;

  private constructor(store: SqliteStore) {
    this.#store = store;
    this.#client = new Client({ store });
  }

  static async open(path: string): Promise<DatabaseReader> {
    const store = new SqliteStore({ path });
    await store.init();
    return new DatabaseReader(store);
  }

  run(id: string): Promise<RunInfo | undefined> {
    return this.#client.get(id);
  }

  /** The audit log's entries, newest first. */
  audit(filter: Omit<AuditFilter, 'limit'>): Promise<AuditRecord[]> {
    return this.#store.listAudit({ ...filter, limit: 100 });
  }

  async waitForStatus(id: string, status: RunInfo['status'], timeoutMs = 20_000): Promise<RunInfo> {
    let last: RunInfo | undefined;
    return waitFor(
      async () => {
        last = await this.#client.get(id);
        return last?.status === status ? last : undefined;
      },
      { timeoutMs, what: () => `run ${id} to be ${status} (it is ${last?.status ?? 'missing'})` },
    );
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}

/** The single error line the CLI prints: `baton: error: <message> (<CODE>)`. */
export function expectOneErrorLine(result: CliResult, code: string): string {
  const lines = result.stderr.split('\n').filter((l) => l.length > 0);
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got ${lines.length}:\n${result.stderr}`);
  const line = lines[0] ?? '';
  if (!line.startsWith('baton: error: ') || !line.endsWith(`(${code})`)) throw new Error(`unexpected error line: ${line}`);
  if (result.stderr.includes('    at ')) throw new Error(`stack trace on stderr:\n${result.stderr}`);
  return line;
}
