/**
 * Test support for the examples: a real Engine on a real SQLite file in a fresh temp dir, on a
 * ManualClock; a scripted model server on loopback for the AI steps; and condition waits that can
 * drive that clock (never fixed sleeps).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, ManualClock, isTerminalStatus, silentLogger, type AnyWorkflow, type Client, type RunInfo } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { configureAI } from '@baton/ai';
import { startScriptedModelServer, type ScriptedModelServer, type ScriptedModelServerOptions } from '@baton/ai/testing';
import { scriptedModelProvider } from './ai-model.js';

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

export interface TestEngine {
  engine: Engine;
  client: Client;
  clock: ManualClock;
  store: SqliteStore;
  /** Stops this engine and starts a new one on the same database file and clock, like a process restart. */
  restart(): Promise<TestEngine>;
  stop(): Promise<void>;
}

export async function startTestEngine(workflows: AnyWorkflow[]): Promise<TestEngine> {
  return open(workflows, mkdtempSync(join(tmpdir(), 'baton-examples-')), new ManualClock());
}

async function open(workflows: AnyWorkflow[], dir: string, clock: ManualClock): Promise<TestEngine> {
  const store = new SqliteStore({ path: join(dir, 'baton.db'), synchronous: 'NORMAL' });
  const engine = new Engine({
    store,
    workflows,
    clock,
    retry: { initialInterval: 10, maxInterval: 50 },
    logger: silentLogger,
    pollIntervalMs: 20,
    seed: 7,
  });
  await engine.start();
  const close = async (): Promise<void> => {
    await engine.stop({ timeoutMs: 1_000 });
    await store.close();
  };
  return {
    engine,
    client: engine.client,
    clock,
    store,
    async restart() {
      await close();
      return open(workflows, dir, clock);
    },
    async stop() {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The model AI steps call in the examples' tests. */
export const TEST_MODEL = 'scripted:test';

/**
 * Starts a scripted model server on loopback and makes it this process's default model
 * (`scripted:test`, over the OpenAI protocol). A failed model call is not retried, so a test whose
 * script runs out fails at once.
 */
export async function startTestModel(options: ScriptedModelServerOptions = {}): Promise<ScriptedModelServer> {
  const server = await startScriptedModelServer(options);
  configureAI({ env: {}, defaultModel: TEST_MODEL, providers: { scripted: scriptedModelProvider(server.openaiBaseUrl) }, retries: 1 });
  return server;
}

export interface WaitOptions {
  /** Real-time limit. Default 10 s. */
  timeoutMs?: number;
  /** Moves this clock forward by `advanceMs` between polls, so retry back-offs elapse. */
  clock?: ManualClock;
  advanceMs?: number;
}

/** Polls until `condition` returns something other than undefined or false. */
export async function waitFor<T>(what: string, condition: () => Promise<T | undefined | false>, options: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    if (options.clock !== undefined) options.clock.advance(options.advanceMs ?? 25);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Waits until the run matches `predicate`; returns it. */
export function waitForRun(client: Client, runId: string, what: string, predicate: (run: RunInfo) => boolean, options: WaitOptions = {}): Promise<RunInfo> {
  return waitFor(
    `run ${runId} ${what}`,
    async () => {
      const run = await client.get(runId);
      return run !== undefined && predicate(run) ? run : undefined;
    },
    options,
  );
}

/** Waits until the run waits for the named signal. */
export function waitForSignalWait(client: Client, runId: string, signal: string, options: WaitOptions = {}): Promise<RunInfo> {
  return waitForRun(
    client,
    runId,
    `to wait for signal '${signal}'`,
    (run) => run.status === 'waiting' && run.waitingFor?.signals.includes(signal) === true,
    options,
  );
}

/** Waits until the run has ended (completed, failed or cancelled). */
export function waitForEnd(client: Client, runId: string, options: WaitOptions = {}): Promise<RunInfo> {
  return waitForRun(client, runId, 'to end', (run) => isTerminalStatus(run.status), options);
}
