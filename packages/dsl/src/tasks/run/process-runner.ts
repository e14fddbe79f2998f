/**
 * Runs one external process for `run.shell` and `run.script`: a program and its argv (never a
 * command line built from data), an environment, and stdin. Awaited, it resolves with the exit code
 * and what the process wrote; not awaited, it resolves once the process has started, and the process
 * lives on without the run. A process is killed when the step's signal aborts (a task timeout, a
 * cancelled run).
 */
import { spawn } from 'node:child_process';
import { standardFault } from '../../runtime/workflow-fault.js';

/** What a process gave back (the DSL's processResult). */
export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ProcessSpec {
  /** The program (an absolute path or a name found on PATH). */
  program: string;
  argv: readonly string[];
  env: Readonly<Record<string, string>>;
  stdin?: string;
  /** Kills the process when aborted. */
  signal: AbortSignal;
  /** What the process is, in error messages (e.g. "The shell command of /do/0/list"). */
  what: string;
  /** Removes what was made for the process (a script's file) once it has ended. */
  cleanup?: () => Promise<void>;
}

/** Most of stdout (and of stderr) kept: a process that writes more faults rather than filling the journal. */
export const MAX_PROCESS_OUTPUT = 1024 * 1024;

/** Worker variables a process gets besides its `environment`: nothing else (the worker's secrets stay in the worker). */
const INHERITED = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SYSTEMROOT'] as const;

/** The environment of a process: the few inherited variables, then the task's `environment`. */
export function processEnvironment(environment: unknown, what: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  if (environment === undefined || environment === null) return env;
  if (typeof environment !== 'object' || Array.isArray(environment)) {
    throw standardFault('configuration', `${what}: environment must map variable names to values.`);
  }
  for (const [name, value] of Object.entries(environment)) {
    if (value === undefined || value === null) continue;
    env[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return env;
}

/** Runs the process to its end. */
export function runProcess(spec: ProcessSpec): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(spec.program, [...spec.argv], { env: spec.env, signal: spec.signal, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const stdout = new Capture();
    const stderr = new Capture();
    child.stdout.on('data', (chunk: Buffer) => stdout.add(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));
    let failed = false;
    child.on('error', (error: NodeJS.ErrnoException) => {
      failed = true;
      reject(startError(error, spec));
    });
    // A process that does not read its stdin closes the pipe early: that is not the task's failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(spec.stdin ?? '');
    child.on('close', (code, signal) => {
      if (failed) return;
      if (stdout.overflow || stderr.overflow) {
        reject(
          standardFault(
            'runtime',
            `${spec.what} wrote more than ${MAX_PROCESS_OUTPUT} bytes to ${stdout.overflow ? 'stdout' : 'stderr'}: write large results to a file or a service instead.`,
          ),
        );
        return;
      }
      if (code === null) {
        reject(standardFault('runtime', `${spec.what} was stopped by ${signal ?? 'a signal'}.${tail(stderr.text())}`));
        return;
      }
      resolve({ code, stdout: stdout.text(), stderr: stderr.text() });
    });
  });
}

/** Starts the process and lets it run on its own (`await: false`): resolves once it has started. */
export function startProcess(spec: Omit<ProcessSpec, 'signal'>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(spec.program, [...spec.argv], {
      env: spec.env,
      stdio: [spec.stdin === undefined ? 'ignore' : 'pipe', 'ignore', 'ignore'],
      detached: true,
      windowsHide: true,
    });
    child.on('error', (error: NodeJS.ErrnoException) => reject(startError(error, spec)));
    child.on('spawn', () => {
      if (spec.stdin !== undefined && child.stdin !== null) {
        child.stdin.on('error', () => undefined);
        child.stdin.end(spec.stdin);
      }
      child.unref();
      resolve();
    });
  });
}

/** The last lines of stderr, for an error's detail. */
export function tail(stderr: string): string {
  const text = stderr.trim();
  if (text === '') return '';
  return ` Its stderr ends with: ${text.length > 500 ? `…${text.slice(-500)}` : text}`;
}

function startError(error: NodeJS.ErrnoException, spec: Pick<ProcessSpec, 'program' | 'what'>) {
  if (error.name === 'AbortError') return standardFault('timeout', `${spec.what} was stopped: the task timed out or the run was cancelled.`);
  if (error.code === 'ENOENT') return standardFault('configuration', `${spec.what} could not start: '${spec.program}' is not installed on this worker.`);
  return standardFault('runtime', `${spec.what} could not start: ${error.message}`);
}

class Capture {
  readonly #chunks: Buffer[] = [];
  #bytes = 0;
  overflow = false;

  add(chunk: Buffer): void {
    if (this.overflow) return;
    this.#bytes += chunk.length;
    if (this.#bytes > MAX_PROCESS_OUTPUT) this.overflow = true;
    else this.#chunks.push(chunk);
  }

  text(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }
}
