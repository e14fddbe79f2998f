/**
 * Starts test worker processes (a worker script under tsx: the SQLite crash worker by default) and
 * waits on their output and exit. It remembers whether the test itself sent the kill, to tell a
 * SIGKILL from a crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@baton/testkit';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

export interface StartOptions {
  /** The worker script (default: this folder's SQLite worker-process.ts). */
  script?: string;
  timeoutMs?: number;
}

export class WorkerHandle {
  readonly pid: number;
  readonly startedAt = Date.now();
  /** The signal the test sent, if it sent one. */
  killedWith: NodeJS.Signals | undefined;
  readonly exited: Promise<WorkerExit>;
  stdout = '';
  stderr = '';
  #exit: WorkerExit | undefined;
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.#child = child;
    if (child.pid === undefined) throw new Error('the worker process did not start');
    this.pid = child.pid;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        this.#exit = { code, signal, at: Date.now() };
        resolve(this.#exit);
      }),
    );
  }

  /** Spawns a worker with `env` added to the environment and waits until it prints `ready`. */
  static async start(env: Record<string, string>, options: StartOptions = {}): Promise<WorkerHandle> {
    const timeoutMs = options.timeoutMs ?? 20_000;
    const base = { ...process.env };
    delete base.NODE_OPTIONS;
    const child = spawn(process.execPath, ['--import', 'tsx', options.script ?? SCRIPT], {
      cwd: ROOT,
      env: { ...base, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const worker = new WorkerHandle(child);
    try {
      await waitFor(() => worker.stdout.includes('ready\n') || worker.#exit !== undefined, { timeoutMs, message: 'the worker process to be ready' });
    } catch (error) {
      worker.kill('SIGKILL');
      throw error;
    }
    if (worker.#exit !== undefined) throw new Error(`the worker process exited before it was ready (${JSON.stringify(worker.#exit)}):\n${worker.stderr}`);
    return worker;
  }

  get alive(): boolean {
    return this.#exit === undefined;
  }

  /** True while the process is stopped (SIGSTOP); reads the Linux process state. */
  get paused(): boolean {
    if (!this.alive) return false;
    try {
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      return /^\S+ \(.*\) T /.test(stat);
    } catch {
      return false;
    }
  }

  get exit(): WorkerExit | undefined {
    return this.#exit;
  }

  kill(signal: NodeJS.Signals): void {
    if (!this.alive) return;
    this.killedWith ??= signal;
    this.#child.kill(signal);
  }

  /** Sends `signal` and waits for the exit; SIGKILLs the process if it has not exited after `timeoutMs`. */
  async stop(signal: NodeJS.Signals = 'SIGKILL', timeoutMs = 10_000): Promise<WorkerExit> {
    if (!this.alive) return this.exited;
    this.kill(signal);
    const timer = setTimeout(() => this.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The last lines of stderr, for failure messages. */
  stderrTail(lines = 20): string {
    return this.stderr.split('\n').slice(-lines).join('\n');
  }
}
