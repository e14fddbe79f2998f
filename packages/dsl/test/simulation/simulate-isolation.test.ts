/**
 * Nothing of a simulation leaves the process: a definition whose calls (http, openapi, a declared
 * function, with OAuth2) and shell command target a loopback server and a file this test watches
 * sends the server nothing and runs nothing, while the same definition run for real does reach the
 * server (so the count could fail). A simulation leaves no handles: a child process that simulates
 * and does nothing else exits by itself. And the path is the final execution's when the run replays.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, silentLogger } from '@baton/core';
import { parseDefinition } from '@baton/dsl';
import { SqliteStore } from '@baton/sqlite';
import { interpretedWorkflow } from '../../src/runtime/interpreter.js';
import type { SimulationHooks } from '../../src/tasks/executor.js';
import { ScenarioAnswers } from '../../src/simulation/scenario-answers.js';
import { simulatedExecutors } from '../../src/simulation/simulated-executors.js';
import { SimulationTrace } from '../../src/simulation/simulation-trace.js';
import { DefinitionRunner } from '../definition-runner.js';
import { definition, simulateInMemory, steps, task } from './simulation-support.js';

let server: Server;
let base: string;
const requests: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'baton-simulation-'));
const runner = new DefinitionRunner();

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ access_token: 'token', token_type: 'Bearer', expires_in: 3600, ok: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await runner.close();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function outward(): string {
  return definition(`
use:
  functions:
    notify:
      call: http
      with: { method: post, endpoint: '${base}/notify', body: '\${ . }' }
do:
  - fetch:
      call: http
      with:
        method: get
        endpoint:
          uri: '${base}/orders/1'
          authentication:
            oauth2:
              authority: '${base}'
              grant: client_credentials
              client: { id: app, secret: s3cret }
  - describe:
      call: openapi
      with:
        document: { endpoint: '${base}/openapi.json' }
        operationId: getOrder
  - tell:
      call: notify
      with: { order: 1 }
  - touch:
      run:
        shell: { command: 'touch ${join(dir, 'ran')}' }
`);
}

describe('simulate: isolation', () => {
  it('sends nothing to a loopback server the calls target, and runs no command', async () => {
    const result = await simulateInMemory(outward(), {});
    expect(result.issues ?? []).toEqual([]);
    expect(result.status).toBe('completed');
    expect(steps(result)).toEqual(['fetch:completed', 'describe:completed', 'tell:completed', 'touch:completed']);
    expect(result.path.every((t) => t.answeredBy === 'default')).toBe(true);
    expect(requests).toEqual([]);
    expect(existsSync(join(dir, 'ran'))).toBe(false);

    // The same call run for real reaches the server: the count above could have failed.
    const real = await runner.run(
      definition(`
do:
  - fetch:
      call: http
      with: { method: get, endpoint: '${base}/orders/1' }
`),
    );
    expect(real.status).toBe('completed');
    expect(requests).toEqual(['GET /orders/1']);
  });

  it('leaves no handles: a process that only simulates exits by itself', async () => {
    const fixture = fileURLToPath(new URL('../fixtures/simulate-once.mjs', import.meta.url));
    const child = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | string>((resolve) => {
      const deadline = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('did not exit within 60 s: something keeps the event loop alive');
      }, 60_000);
      child.on('exit', (exitCode) => {
        clearTimeout(deadline);
        resolve(exitCode ?? -1);
      });
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const reported = JSON.parse(stdout) as { status: string; steps: string[] };
    expect(reported.status).toBe('completed');
    // The try named pay, then its inner pay's two attempts.
    expect(reported.steps).toEqual(['pause', 'ask', 'pay', 'pay', 'pay', 'listen', 'summarise']);
  });

  it('records the final execution when the run replays after it suspended', async () => {
    // A real timer (the wait is not replaced here) suspends the run; it resumes by replaying from the start.
    const parsed = await parseDefinition(
      definition(`
do:
  - lookup:
      call: http
      with: { method: get, endpoint: 'https://crm.example.com/1' }
  - pause:
      wait: { milliseconds: 50 }
  - done:
      set: { done: true }
`),
    );
    if (!parsed.ok) throw new Error('invalid');
    const executors = new Map(simulatedExecutors(new ScenarioAnswers({ tasks: { lookup: { output: { id: 1 } } } }), undefined));
    executors.delete('wait');
    const trace = new SimulationTrace(executors, { maxTasks: 100, timeoutMs: 60_000, deadline: performance.now() + 60_000 });
    let executions = 0;
    const counted: SimulationHooks = {
      executors,
      skipDelays: true,
      runStarted: () => {
        executions++;
        trace.runStarted();
      },
      taskStarted: (site, kind) => trace.taskStarted(site, kind),
      taskEnded: (token, end) => trace.taskEnded(token, end),
    };
    const workflow = interpretedWorkflow(parsed.definition, {}, counted);
    const store = new SqliteStore({ path: ':memory:' });
    const engine = new Engine({ store, workflows: [workflow], logger: silentLogger, pollIntervalMs: 20 });
    await engine.start();
    try {
      const { id } = await engine.client.start(workflow, {});
      expect(await engine.client.result(id, { timeoutMs: 60_000 })).toEqual({ done: true });
    } finally {
      await engine.stop({ timeoutMs: 1000 });
      await store.close();
    }
    const result = { path: trace.path() };
    expect(executions).toBeGreaterThan(1);
    expect(result.path.map((t) => t.name)).toEqual(['lookup', 'pause', 'done']);
    // The answer's source was journaled with it, so the replay still knows it.
    expect(task({ ...result, status: 'completed', durationMs: 0 }, 'lookup')).toMatchObject({ answeredBy: 'scenario', output: { id: 1 } });
  });
});
