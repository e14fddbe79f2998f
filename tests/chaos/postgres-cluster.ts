/**
 * A throwaway PostgreSQL cluster for the chaos test: initdb in a temp folder, a server on a free
 * loopback port (never the machine's own 5432), restartable mid-test, stopped and removed at the end.
 * The server binaries refuse to run as root, so they run as the `postgres` OS user when we are root.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The newest installed PostgreSQL's server programs (Debian puts each major version in its own folder). */
export const POSTGRES_BIN = newestPostgresBin();

function newestPostgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)) : [];
  const newest = versions.map(Number).sort((a, b) => b - a)[0] ?? 15;
  return join(root, String(newest), 'bin');
}

/** True when Debian's PostgreSQL server binaries are installed. */
export function postgresInstalled(): boolean {
  return existsSync(join(POSTGRES_BIN, 'initdb')) && existsSync(join(POSTGRES_BIN, 'pg_ctl'));
}

/** A port nothing listens on right now: bind port 0 on loopback, read it, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

export class PostgresCluster {
  readonly dir: string;
  readonly port: number;
  readonly #dataDir: string;
  readonly #logPath: string;
  readonly #osUser: { name: string; uid: number; gid: number } | undefined;
  #running = false;

  private constructor(dir: string, port: number, osUser: { name: string; uid: number; gid: number } | undefined) {
    this.dir = dir;
    this.port = port;
    this.#dataDir = join(dir, 'data');
    this.#logPath = join(dir, 'server.log');
    this.#osUser = osUser;
  }

  /** Creates the cluster and starts its server. On failure removes what it made. */
  static async create(): Promise<PostgresCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'baton-chaos-pg-'));
    let osUser: { name: string; uid: number; gid: number } | undefined;
    if (userInfo().uid === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      osUser = { name: 'postgres', uid: Number(stdout.trim()), gid: Number(gid.trim()) };
      chownSync(dir, osUser.uid, osUser.gid);
    }
    const cluster = new PostgresCluster(dir, await freePort(), osUser);
    try {
      // --no-sync only speeds up initdb itself; the server below runs with fsync on.
      await cluster.#exec('initdb', ['-D', cluster.#dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
      await cluster.start();
      return cluster;
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
  }

  get connectionString(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    const options = `-c listen_addresses=127.0.0.1 -c port=${this.port} -c unix_socket_directories=${this.dir} -c fsync=on -c max_connections=200`;
    await this.#exec('pg_ctl', ['-D', this.#dataDir, '-l', this.#logPath, '-w', '-t', '30', '-o', options, 'start']);
    this.#running = true;
  }

  /** Stops the server; `fast` ends sessions and checkpoints, `immediate` is a crash. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.#exec('pg_ctl', ['-D', this.#dataDir, '-m', mode, '-w', '-t', '30', 'stop']);
    this.#running = false;
  }

  /** Stops and starts the server; returns how long it was down (ms). */
  async restart(): Promise<{ stoppedAt: number; startedAt: number }> {
    await this.stop('fast');
    const stoppedAt = Date.now();
    await this.start();
    return { stoppedAt, startedAt: Date.now() };
  }

  /** The end of the server log, for failure messages. */
  logTail(lines = 30): string {
    try {
      return readFileSync(this.#logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** Stops the server if it runs (immediately: nothing in it matters any more) and removes the folder. */
  async destroy(): Promise<void> {
    try {
      if (this.#running || existsSync(join(this.#dataDir, 'postmaster.pid'))) await this.stop('immediate');
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  async #exec(program: string, args: string[]): Promise<void> {
    const path = join(POSTGRES_BIN, program);
    const [file, argv] = this.#osUser === undefined ? [path, args] : ['runuser', ['-u', this.#osUser.name, '--', path, ...args]];
    try {
      await run(file, argv, { cwd: this.dir, timeout: 60_000 });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(`${program} ${args.join(' ')} failed: ${stderr ?? ''}${stdout ?? ''}\n${this.logTail()}`, { cause: error });
    }
  }
}
