/**
 * The HTTP API in a child process of its own, as `baton start` serves it: a plain Client on the
 * store (no engine: started runs wait for workers), authentication on, the benchmark's workflows
 * registered. A process of its own keeps the load generator's work off the server's event loop, and
 * lets the server's CPU time be read alone.
 *
 * Run as the entry point, this file is the server: it reports `ready` with its URL over IPC, answers
 * `cpu` with the CPU time it has used, and on `stop` closes and exits.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, WorkflowRegistry, type Store } from '@baton/core';
import { startApiServer } from '@baton/server';
import { SqliteStore } from '@baton/sqlite';
import { openPostgres, type StoreLocation } from './stores.js';
import { cpuMs } from './timing.js';
import { chain } from './workflows.js';

const TIMEOUT_MS = 30_000;

const thisFile = fileURLToPath(import.meta.url);
const repoRoot = resolve(thisFile, '../../..');

type ServerMessage = { type: 'ready'; url: string } | { type: 'cpu'; ms: number } | { type: 'stopped' };

/** The parent's handle on a server process. */
export interface ApiServerProcess {
  readonly url: string;
  /** CPU time (user + system) the server process has used so far, in ms. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

export async function startApiServerProcess(location: StoreLocation): Promise<ApiServerProcess> {
  const args = location.kind === 'sqlite' ? ['--sqlite', location.path] : ['--pg-url', location.url, '--schema', location.schema];
  const child = fork(thisFile, args, { cwd: repoRoot, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const ready = await nextMessage(child, 'ready');
    return {
      url: ready.type === 'ready' ? ready.url : '',
      async cpuMs() {
        const reply = nextMessage(child, 'cpu');
        child.send('cpu');
        const message = await reply;
        return message.type === 'cpu' ? message.ms : Number.NaN;
      },
      async stop() {
        if (child.exitCode !== null) return;
        const stopped = nextMessage(child, 'stopped');
        child.send('stop');
        await stopped.catch(() => child.kill('SIGKILL'));
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

function nextMessage(child: ChildProcess, type: ServerMessage['type']): Promise<ServerMessage> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`API server process ${child.pid}: no '${type}' after ${TIMEOUT_MS} ms`));
    }, TIMEOUT_MS);
    const onMessage = (message: ServerMessage): void => {
      if (message.type !== type) return;
      cleanup();
      resolvePromise(message);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`API server process ${child.pid} exited with ${code} before '${type}'`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** The server process itself. */
async function serve(store: Store): Promise<void> {
  await store.init();
  const workflows = new WorkflowRegistry([chain]);
  const client = new Client({ store, workflows });
  const api = await startApiServer({ client, store, workflows, onError: (error) => console.error('API server:', error) });
  process.send!({ type: 'ready', url: api.url } satisfies ServerMessage);
  process.on('message', (message) => {
    if (message === 'cpu') process.send!({ type: 'cpu', ms: cpuMs() } satisfies ServerMessage);
    if (message !== 'stop') return;
    void (async () => {
      await api.close();
      client.close();
      await store.close();
      process.send!({ type: 'stopped' } satisfies ServerMessage, () => process.exit(0));
    })();
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === thisFile) {
  const { values } = parseArgs({ options: { sqlite: { type: 'string' }, 'pg-url': { type: 'string' }, schema: { type: 'string' } } });
  let store: Store;
  if (values.sqlite !== undefined) store = new SqliteStore({ path: values.sqlite, synchronous: 'FULL' });
  else if (values['pg-url'] !== undefined && values.schema !== undefined) store = openPostgres(values['pg-url'], values.schema);
  else {
    console.error('Usage: api-server-process.ts --sqlite FILE | --pg-url URL --schema NAME');
    process.exit(2);
  }
  serve(store).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
