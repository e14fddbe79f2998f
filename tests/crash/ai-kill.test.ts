/**
 * Model calls under SIGKILL, with many runs at once: worker processes run AI_KILL_TURNS model calls per
 * run (concurrently across runs) while a random worker is SIGKILLed and restarted at random times.
 * The scripted provider counts every request. Asserted: every run completes with the answers it was
 * given, each turn is journaled once (the journal decides: a turn's answer is the one committed).
 *
 * Printed (not asserted, they depend on the machine): the requests paid twice per kill, the answers
 * delivered before a kill but lost with it, and the window from the provider's answer to the commit
 * of the journaled turn, split where the worker read the answer off its socket and where the workflow
 * saw it, with how late the workers' event loops ran. `npm run bench:ai-kill` runs it at scale (see docs/benchmarks.md).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Client, seededRandom, type Store } from '@baton/core';
import { PostgresStore } from '@baton/postgres';
import { SqliteStore } from '@baton/sqlite';
import { waitFor } from '@baton/testkit';
import { startScriptedModelServer, type ScriptedModelServer } from '@baton/ai/testing';
import { AI_KILL_TURNS, aiKill, parseTurnPrompt, turnPrompt } from './ai-kill-workflows.js';
import { WorkerHandle } from './worker-handle.js';

const SCRIPT = fileURLToPath(new URL('./ai-kill-worker-process.ts', import.meta.url));
const RUNS = Number(process.env.BATON_AI_KILL_RUNS ?? 60);
const WORKERS = Number(process.env.BATON_AI_KILL_WORKERS ?? 2);
const CONCURRENCY = Number(process.env.BATON_AI_KILL_CONCURRENCY ?? 30);
/** Kills stop after this many (or when every run has completed). */
const MAX_KILLS = Number(process.env.BATON_AI_KILL_KILLS ?? 6);
/** Each answer takes 20-150 ms; kills come every 0.5-1.5 s. */
const ANSWER_MS = [20, 150] as const;
const KILL_EVERY_MS = [500, 1500] as const;
const SEED = Number(process.env.BATON_AI_KILL_SEED ?? 7);
/** `postgres` runs the workers on PostgreSQL (BATON_TEST_POSTGRES or the local server) instead of a SQLite file. */
const ON_POSTGRES = process.env.BATON_AI_KILL_STORE === 'postgres';
const POSTGRES_URL = process.env.BATON_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `baton_ai_kill_${process.pid}`;

interface Commit {
  runId: string;
  step: string;
  at: number;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function promptOf(messages: readonly { role: string; content: unknown }[]): string {
  const user = messages.find((m) => m.role === 'user');
  if (typeof user?.content === 'string') return user.content;
  const parts = user?.content as { type?: string; text?: string }[] | undefined;
  return parts?.map((p) => p.text ?? '').join('') ?? '';
}

describe('model calls across SIGKILLs of busy workers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-ai-kill-'));
  const workers = new Set<WorkerHandle>();
  let server: ScriptedModelServer | undefined;

  afterAll(async () => {
    await Promise.all([...workers].map((w) => w.stop('SIGKILL')));
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('journals every turn once and gives every run the answers it was given', async () => {
    const random = seededRandom(SEED);
    const between = ([min, max]: readonly [number, number]): number => Math.round(min + random() * (max - min));
    server = await startScriptedModelServer({
      responder: (request) => ({ text: `answer to ${promptOf(request.messages)}`, delayMs: between(ANSWER_MS), usage: { input: 20, output: 8 } }),
    });
    const db = join(dir, 'ai-kill.db');
    const commitLog = join(dir, 'commits.log');
    const turnLog = join(dir, 'turns.log');
    const readLog = join(dir, 'reads.log');
    const store: Store = ON_POSTGRES ? new PostgresStore({ connectionString: POSTGRES_URL, schema: SCHEMA, maxConnections: 4 }) : new SqliteStore({ path: db });
    await store.init();
    const client = new Client({ store });
    const env = {
      ...(ON_POSTGRES ? { BATON_PG_URL: POSTGRES_URL, BATON_PG_SCHEMA: SCHEMA } : { BATON_DB: db }),
      BATON_COMMIT_LOG: commitLog,
      BATON_TURN_LOG: turnLog,
      BATON_READ_LOG: readLog,
      BATON_AI_MODEL: 'openai:gpt-4o-mini',
      OPENAI_API_KEY: 'test',
      OPENAI_BASE_URL: server.openaiBaseUrl,
      BATON_DEFAULT_ENGINE_ID: '1',
      BATON_LEASE_MS: '2000',
      BATON_POLL_MS: '50',
      BATON_CONCURRENCY: String(CONCURRENCY),
    };
    const start = async (): Promise<WorkerHandle> => {
      const worker = await WorkerHandle.start(env, { script: SCRIPT, timeoutMs: 60_000 });
      workers.add(worker);
      return worker;
    };
    try {
      const ids = Array.from({ length: RUNS }, (_, i) => `ai-kill-${String(i).padStart(4, '0')}`);
      for (const id of ids) await client.start(aiKill, undefined, { id });
      const live: WorkerHandle[] = [];
      for (let i = 0; i < WORKERS; i++) live.push(await start());

      const completed = async (): Promise<number> => (await store.listRuns({ status: 'completed', limit: RUNS + 1 })).runs.length;
      const kills: number[] = [];
      while (kills.length < MAX_KILLS && (await completed()) < RUNS) {
        await delay(between(KILL_EVERY_MS));
        const index = Math.floor(random() * live.length);
        const victim = live[index]!;
        await victim.stop('SIGKILL');
        kills.push(Date.now());
        workers.delete(victim);
        live[index] = await start();
      }
      await waitFor(async () => (await completed()) === RUNS, {
        timeoutMs: 120_000 + RUNS * 500,
        message: `every run to complete; stderr:\n${live.map((w) => w.stderrTail()).join('\n')}`,
      });

      // Correctness: each run got its own answers, each turn journaled once.
      for (const id of ids) {
        const run = await client.get(id);
        expect(run?.output, `output of ${id}`).toEqual(Array.from({ length: AI_KILL_TURNS }, (_, k) => `answer to ${turnPrompt(id, k + 1)}`));
        const steps = (await client.journal(id)).filter((e) => e.kind === 'step' && e.name.startsWith('llm:')).map((e) => e.name);
        expect(steps, `journal of ${id}`).toEqual(Array.from({ length: AI_KILL_TURNS }, (_, k) => `llm:turn-${k + 1}`));
      }
      const commits = new Map<string, Commit>();
      for (const line of readFileSync(commitLog, 'utf8').split('\n')) {
        if (line.length === 0) continue;
        const commit = JSON.parse(line) as Commit;
        const key = `${commit.runId}/${commit.step}`;
        if (!commits.has(key)) commits.set(key, commit);
      }
      const reached = new Map<string, number[]>();
      for (const line of readFileSync(turnLog, 'utf8').split('\n')) {
        if (line.length === 0) continue;
        const turn = JSON.parse(line) as Commit;
        const key = `${turn.runId}/${turn.step}`;
        reached.set(key, [...(reached.get(key) ?? []), turn.at]);
      }
      const reads = new Map<string, number[]>();
      const loopDelays: { p50: number; p99: number; max: number }[] = [];
      for (const line of readFileSync(readLog, 'utf8').split('\n')) {
        if (line.length === 0) continue;
        const entry = JSON.parse(line) as { kind: 'read'; key: string; at: number } | { kind: 'loop'; p50: number; p99: number; max: number };
        if (entry.kind === 'loop') loopDelays.push(entry);
        else reads.set(entry.key, [...(reads.get(entry.key) ?? []), entry.at]);
      }
      const requests = new Map<string, { receivedAt: number; answeredAt: number | undefined }[]>();
      for (const call of server.modelCalls) {
        const turn = parseTurnPrompt(promptOf(call.messages));
        expect(turn, `a request for a known turn: ${promptOf(call.messages)}`).toBeDefined();
        const key = `${turn!.runId}/llm:turn-${turn!.turn}`;
        const list = requests.get(key) ?? [];
        list.push({ receivedAt: call.receivedAt.getTime(), answeredAt: server.answeredAt(call.index)?.getTime() });
        requests.set(key, list);
      }
      expect(requests.size).toBe(RUNS * AI_KILL_TURNS);
      const windows: number[] = [];
      const toWorkflow: number[] = [];
      const toCommit: number[] = [];
      const toRead: number[] = [];
      const readToWorkflow: number[] = [];
      const lostAfterAnswer: number[] = [];
      let repeats = 0;
      let askedAfterCommit = 0;
      for (const [key, list] of requests) {
        const commit = commits.get(key);
        // A turn whose commit the worker died before logging has no commit line; it is journaled all the same.
        if (commit !== undefined) {
          // Received (not sent) after the commit: a request of an execution that had lost its lease, late in a busy server.
          askedAfterCommit += list.filter((r) => r.receivedAt > commit.at).length;
          const producer = list.filter((r) => r.answeredAt !== undefined && r.answeredAt <= commit.at).at(-1);
          if (producer !== undefined) windows.push(commit.at - producer.answeredAt!);
          // The answer reached the workflow at the last time logged before its commit.
          const reachedAt = (reached.get(key) ?? []).filter((at) => at <= commit.at).at(-1);
          if (reachedAt !== undefined) {
            toCommit.push(commit.at - reachedAt);
            if (producer !== undefined) {
              toWorkflow.push(reachedAt - producer.answeredAt!);
              // The worker read the answer between the provider sending it and the workflow seeing it.
              const readAt = (reads.get(key) ?? []).filter((at) => at >= producer.answeredAt! && at <= reachedAt).at(-1);
              if (readAt !== undefined) {
                toRead.push(readAt - producer.answeredAt!);
                readToWorkflow.push(reachedAt - readAt);
              }
            }
          }
        }
        repeats += list.length - 1;
        for (const r of list.slice(0, -1)) {
          if (r.answeredAt === undefined) continue;
          const kill = kills.find((k) => k >= r.answeredAt!);
          if (kill !== undefined) lostAfterAnswer.push(kill - r.answeredAt);
        }
      }
      const total = [...requests.values()].reduce((sum, list) => sum + list.length, 0);
      console.log(
        `ai-kill (${ON_POSTGRES ? 'PostgreSQL' : 'SQLite'}): ${RUNS} runs × ${AI_KILL_TURNS} turns on ${WORKERS} workers (concurrency ${CONCURRENCY}), ${kills.length} SIGKILLs: ` +
          `${total} provider requests for ${RUNS * AI_KILL_TURNS} journaled turns, ${repeats} paid twice ` +
          `(${(repeats / Math.max(1, kills.length)).toFixed(1)} per kill), of which ${lostAfterAnswer.length} had been answered before the kill ` +
          `(up to ${lostAfterAnswer.length === 0 ? 0 : Math.max(...lostAfterAnswer)} ms before it); ` +
          `${askedAfterCommit} received after their turn's commit; answer → commit: p50 ${percentile(windows, 50)} ms, p99 ${percentile(windows, 99)} ms, max ${Math.max(...windows)} ms (${windows.length} turns), ` +
          `of which answer → workflow p50 ${percentile(toWorkflow, 50)} ms, p99 ${percentile(toWorkflow, 99)} ms ` +
          `(answer → read by the worker p50 ${percentile(toRead, 50)} ms, p99 ${percentile(toRead, 99)} ms; ` +
          `read → workflow p50 ${percentile(readToWorkflow, 50)} ms, p99 ${percentile(readToWorkflow, 99)} ms; ${toRead.length} turns), ` +
          `and workflow → commit p50 ${percentile(toCommit, 50)} ms, p99 ${percentile(toCommit, 99)} ms, max ${Math.max(...toCommit)} ms; ` +
          `workers' event loop delay (per second, median over ${loopDelays.length} s): p50 ${percentile(
            loopDelays.map((d) => d.p50),
            50,
          )} ms, ` +
          `p99 ${percentile(
            loopDelays.map((d) => d.p99),
            50,
          )} ms, max ${loopDelays.length === 0 ? 0 : Math.max(...loopDelays.map((d) => d.max))} ms`,
      );
    } finally {
      await store.close();
      if (ON_POSTGRES) {
        const admin = new pg.Client({ connectionString: POSTGRES_URL });
        await admin.connect();
        await admin.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`).finally(() => admin.end());
      }
    }
  }, 900_000);
});
