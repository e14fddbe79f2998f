/**
 * Restate: the `restate-server` binary that `@restatedev/restate-server` ships (single node, its
 * defaults: its own log and RocksDB state in a data folder of the round, not PostgreSQL), with the
 * services served by SDK 1.14.5 from this process over HTTP/2 on loopback, registered through the
 * admin API and called through the ingress with `@restatedev/restate-sdk-clients` (a call returns
 * when the invocation has finished, which is start → result). Steps are `ctx.run`.
 *
 * Telemetry is turned off (RESTATE_DISABLE_TELEMETRY). The server also asks GitHub for its latest
 * release at start-up whatever the settings; offline that request fails at once and changes nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import http2 from 'node:http2';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import * as restate from '@restatedev/restate-sdk';
import * as clients from '@restatedev/restate-sdk-clients';
import type { PeerSystem, SystemInstance } from '../system.js';
import { packageVersion } from '../versions.js';

const require = createRequire(import.meta.url);
const SERVER_VERSION = packageVersion('@restatedev/restate-server');
const SDK_VERSION = packageVersion('@restatedev/restate-sdk');

const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

const bench = restate.service({
  name: 'bench',
  handlers: {
    chain: async (ctx: restate.Context, steps: number): Promise<number> => {
      let value = 0;
      for (let i = 0; i < steps; i++) {
        const previous = value;
        value = await ctx.run('add', async () => previous + 1);
      }
      return value;
    },
    fanOut: async (ctx: restate.Context, width: number): Promise<number> => {
      const values = await restate.RestatePromise.all(Array.from({ length: width }, (_, i) => ctx.run('branch', async () => i)));
      return values.reduce((sum, v) => sum + v, 0);
    },
    single: async (ctx: restate.Context, input: number): Promise<number> => ctx.run('one', async () => input + 1),
  },
});

/** A loopback port free at the moment of asking. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function serverBinary(): string {
  return require.resolve(`@restatedev/restate-server-${platform()}-${arch()}/bin/restate-server`);
}

async function until<T>(what: string, attempt: () => Promise<T | undefined>, serverLog: string): Promise<T> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  let last: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (performance.now() > deadline) {
      let tail = '';
      try {
        tail = readFileSync(serverLog, 'utf8').split('\n').slice(-20).join('\n');
      } catch {
        // no log yet
      }
      throw new Error(`Restate: timed out waiting for ${what} (${String(last)})\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

export const systems: PeerSystem[] = [
  {
    id: 'restate',
    label: `Restate server ${SERVER_VERSION} + SDK ${SDK_VERSION}, single node, durable default; stores in its own log and RocksDB, not PostgreSQL`,
    kind: 'durable',
    notes: { TEN: 'stores in its own log and RocksDB, not in PostgreSQL: no PostgreSQL commits or WAL to count' },
    async start(context) {
      const [ingressPort, adminPort, fabricPort] = [await freePort(), await freePort(), await freePort()];
      const endpoint = http2.createServer(restate.createEndpointHandler({ services: [bench] }));
      await new Promise<void>((resolve, reject) => {
        endpoint.once('error', reject);
        endpoint.listen(0, '127.0.0.1', () => resolve());
      });
      const endpointPort = (endpoint.address() as AddressInfo).port;
      const serverLog = join(context.workDir, 'restate-server.log');
      const logStream = createWriteStream(serverLog);
      const server = spawn(serverBinary(), ['--no-logo', '--base-dir', join(context.workDir, 'restate-data')], {
        cwd: context.workDir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          RESTATE_DISABLE_TELEMETRY: 'true',
          // The server asks for its latest release at start; a proxy on loopback that answers nothing
          // keeps that request on this machine.
          HTTPS_PROXY: 'http://127.0.0.1:9',
          HTTP_PROXY: 'http://127.0.0.1:9',
          NO_PROXY: '127.0.0.1,localhost',
          RESTATE_LISTEN_MODE: 'tcp',
          RESTATE_INGRESS__BIND_ADDRESS: `127.0.0.1:${ingressPort}`,
          RESTATE_ADMIN__BIND_ADDRESS: `127.0.0.1:${adminPort}`,
          RESTATE_BIND_ADDRESS: `127.0.0.1:${fabricPort}`,
          RESTATE_ADVERTISED_ADDRESS: `http://127.0.0.1:${fabricPort}/`,
          RESTATE_LOG_FORMAT: 'compact',
          RESTATE_LOG_DISABLE_ANSI_CODES: 'true',
          RESTATE_LOG_FILTER: 'warn',
        },
      });
      server.stdout?.pipe(logStream);
      server.stderr?.pipe(logStream);
      const admin = `http://127.0.0.1:${adminPort}`;
      const close = async (): Promise<void> => {
        await stop(server);
        await new Promise<void>((resolve) => endpoint.close(() => resolve()));
        logStream.end();
      };
      try {
        if (server.pid === undefined) throw new Error('Restate: the server did not start');
        context.log(`restate-server pid ${server.pid}, ingress ${ingressPort}, admin ${adminPort}`);
        await until('the admin API', async () => ((await fetch(`${admin}/health`)).ok ? true : undefined), serverLog);
        await until(
          'the deployment to register',
          async () => {
            const response = await fetch(`${admin}/deployments`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ uri: `http://127.0.0.1:${endpointPort}`, force: true }),
            });
            return response.ok ? true : undefined;
          },
          serverLog,
        );
        const ingress = clients.connect({ url: `http://127.0.0.1:${ingressPort}` });
        const client = ingress.serviceClient(bench);
        await until('the ingress to answer', async () => ((await client.single(0)) === 1 ? true : undefined), serverLog);
        const instance: SystemInstance = {
          pids: [server.pid],
          async w1(count, steps) {
            const results = await Promise.all(Array.from({ length: count }, () => client.chain(steps)));
            if (results.some((r) => r !== steps)) throw new Error('a workflow returned a wrong result');
          },
          async w1seq(count, steps) {
            for (let i = 0; i < count; i++) if ((await client.chain(steps)) !== steps) throw new Error('a workflow returned a wrong result');
          },
          async w2(width) {
            if ((await client.fanOut(width)) !== (width * (width - 1)) / 2) throw new Error('wrong sum');
          },
          async w3() {
            if ((await client.single(1)) !== 2) throw new Error('wrong result');
          },
          close,
        };
        return instance;
      } catch (error) {
        await close();
        throw error;
      }
    },
  },
];
