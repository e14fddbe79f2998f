/**
 * Upgrading a store written by an earlier release: the rows that release leaves (runs in flight and
 * one ended, in the columns every release has had), the workflow they are runs of, and what must hold
 * once a new process has migrated the store and run them on. Each store's test writes the rows into a
 * database migrated only as far as its earlier release went, then opens it with the store.
 */
import { expect } from 'vitest';
import { Engine, defineWorkflow, silentLogger, type Store } from '@baton/core';

const HOUR = 3_600_000;

/** When the earlier release wrote its runs: two hours before the hour under way, so hourly counts hold them. */
export function oldReleaseTime(now: number): number {
  return now - (now % HOUR) - 2 * HOUR + 5 * 60_000;
}

/**
 * The earlier release's rows, as SQL both stores run: a run never claimed; a run whose worker died
 * after journaling its first step (its lease long expired); a run that completed, tagged.
 */
export function oldReleaseRows(t: number): string[] {
  return [
    `INSERT INTO runs (id, workflow, version, status, input, queue, priority, ready_at, created_at, updated_at)
     VALUES ('old-queued', 'upgrade-chain', '1', 'queued', '{"n":1}', 'default', 0, ${t}, ${t}, ${t})`,
    `INSERT INTO runs (id, workflow, version, status, input, queue, priority, lease_owner, lease_token, lease_expires_at,
       ready_at, claims, created_at, updated_at, started_at)
     VALUES ('old-running', 'upgrade-chain', '1', 'running', '{"n":40}', 'default', 0, 'old-worker', 'old-token', ${t + 1000},
       ${t + 1000}, 1, ${t}, ${t}, ${t})`,
    `INSERT INTO journal (run_id, seq, kind, name, status, output, attempts, started_at, ended_at)
     VALUES ('old-running', 1, 'step', 'one', 'completed', '41', 1, ${t + 10}, ${t + 10})`,
    `INSERT INTO runs (id, workflow, version, status, input, output, queue, priority, tags, claims, created_at, updated_at, started_at, ended_at)
     VALUES ('old-done', 'upgrade-chain', '1', 'completed', '{"n":5}', '12', 'default', 0, '["legacy"]', 1, ${t}, ${t}, ${t}, ${t + 20})`,
  ];
}

/** The workflow of the old runs; each step it runs is added to `calls` as '<run> <step>'. */
function upgradeChain(calls: string[]) {
  return defineWorkflow({ name: 'upgrade-chain', version: '1' }, async (ctx, input: { n: number }) => {
    const one = await ctx.step('one', () => {
      calls.push(`${ctx.runId} one`);
      return input.n + 1;
    });
    return ctx.step('two', () => {
      calls.push(`${ctx.runId} two`);
      return one * 2;
    });
  });
}

/**
 * Opens the migrated `store` (its init applies the new migrations), runs the old runs to their end on
 * an engine, and checks that no journaled step ran again and that what came since sees the old runs.
 * Closes the store.
 */
export async function expectOldRunsFinish(store: Store, t: number): Promise<void> {
  await store.init();
  const calls: string[] = [];
  const engine = new Engine({ store, workflows: [upgradeChain(calls)], logger: silentLogger, pollIntervalMs: 50 });
  await engine.start();
  try {
    expect(await engine.client.result('old-queued', { timeoutMs: 10_000 })).toBe(4);
    expect(await engine.client.result('old-running', { timeoutMs: 10_000 })).toBe(82);
    // The step the dead worker journaled is not run again.
    expect([...calls].sort()).toEqual(['old-queued one', 'old-queued two', 'old-running two']);
    const journal = await engine.client.journal('old-running');
    expect(journal.map((e) => [e.seq, e.name, e.status, e.output])).toEqual([
      [1, 'one', 'completed', 41],
      [2, 'two', 'completed', 82],
    ]);
    expect(journal[0]!.input).toBeUndefined(); // journaled before steps had inputs

    const ids = async (filter: { search?: string; tag?: string }) => (await store.listRuns({ ...filter, limit: 10 })).runs.map((r) => r.id).sort();
    expect(await ids({ search: 'old-' })).toEqual(['old-done', 'old-queued', 'old-running']);
    expect(await ids({ search: '"n":40' })).toEqual(['old-running']);
    expect(await ids({ tag: 'legacy' })).toEqual(['old-done']);

    // The hours before this one are read from the hourly counts: the old runs were counted into them.
    const now = Date.now();
    const since = t - (t % HOUR) - HOUR;
    const overview = await store.overview({ since, until: now - (now % HOUR) + HOUR, bucketMs: HOUR, now });
    expect(overview.totals).toEqual({ started: 3, completed: 3, failed: 0, cancelled: 0 });
    expect(overview.buckets.find((b) => b.start === t - (t % HOUR))).toMatchObject({ started: 3, completed: 1 });
  } finally {
    await engine.stop();
    await store.close();
  }
}

/**
 * Runs an earlier release's events and schedules started, before stores recorded which trigger
 * started a run: two events (seq 1 and 2) and a schedule, their runs by the ids triggers give them,
 * and runs whose ids only look like it (no such event, another workflow, another schedule's prefix).
 */
export function oldTriggeredRows(t: number): string[] {
  const run = (id: string, workflow: string, at: number) =>
    `INSERT INTO runs (id, workflow, version, status, input, queue, priority, claims, created_at, updated_at, started_at, ended_at)
     VALUES ('${id}', '${workflow}', '1', 'completed', '{}', 'default', 0, 1, ${at}, ${at}, ${at}, ${at + 5})`;
  return [
    `INSERT INTO events (id, type, source, time, data, received_at) VALUES ('e-1', 'user.signed-up', 'app', ${t}, '{}', ${t})`,
    `INSERT INTO events (id, type, source, time, data, received_at) VALUES ('e-2', 'user.signed-up', 'app', ${t + 1}, '{}', ${t + 1})`,
    `INSERT INTO schedules (id, workflow, cron, timezone, input, overlap, catchup, catchup_limit, queue, priority, paused, source, next_at, created_at, updated_at)
     VALUES ('nightly', 'report', '0 3 * * *', 'UTC', '{}', 'skip', 'none', 100, 'default', 0, 0, 'api', ${t + 86_400_000}, ${t}, ${t})`,
    run('welcome@event-1', 'welcome', t + 2),
    run('audit-signup@event-1', 'audit-signup', t + 3),
    run('welcome@event-2', 'welcome', t + 4),
    run('nightly@2030-01-01T03:00:00.000Z', 'report', t + 5),
    run('nightly@2030-01-02T03:00:00.000Z', 'report', t + 6),
    // Look-alikes: no event 9, not the workflow named in the id, not this schedule's workflow or prefix.
    run('welcome@event-9', 'welcome', t + 7),
    run('someone@event-1', 'welcome', t + 8),
    run('nightly@2030-01-03T03:00:00.000Z', 'other', t + 9),
    run('nightly-extra@2030-01-01T03:00:00.000Z', 'report', t + 10),
  ];
}

/** Opens the migrated `store`: the old runs are listed as started by their event or schedule. Closes the store. */
export async function expectTriggeredRunsRecorded(store: Store): Promise<void> {
  await store.init();
  try {
    const started = await store.listStartedRuns({ origins: ['event:1', 'event:2', 'event:9', 'schedule:nightly', 'schedule:nightly-extra'], limit: 100 });
    expect(started.map((r) => [r.origin, r.runId, r.workflow, r.status])).toEqual([
      ['schedule:nightly', 'nightly@2030-01-02T03:00:00.000Z', 'report', 'completed'],
      ['schedule:nightly', 'nightly@2030-01-01T03:00:00.000Z', 'report', 'completed'],
      ['event:2', 'welcome@event-2', 'welcome', 'completed'],
      ['event:1', 'audit-signup@event-1', 'audit-signup', 'completed'],
      ['event:1', 'welcome@event-1', 'welcome', 'completed'],
    ]);
  } finally {
    await store.close();
  }
}

/**
 * Model calls an earlier release journaled, before the hourly counts told unpriced calls apart: a run
 * with a priced call, a call to a model with no price, an unpriced cache hit and a call journaled
 * before calls were marked priced or not; another run with a second unpriced call.
 */
export function oldModelCallRows(t: number): string[] {
  const call = (flags: string) =>
    `{"kind":"baton.llm","text":"ok","model":"m","usage":{"inputTokens":3,"outputTokens":2,"totalTokens":5},"costUsd":${flags.includes('"priced":true') ? 0.5 : 0}${flags}}`;
  const run = (id: string) =>
    `INSERT INTO runs (id, workflow, version, status, input, output, queue, priority, claims, created_at, updated_at, started_at, ended_at)
     VALUES ('${id}', 'old-llm', '1', 'completed', '{}', 'null', 'default', 0, 1, ${t}, ${t}, ${t}, ${t + 20})`;
  const entry = (runId: string, seq: number, output: string) =>
    `INSERT INTO journal (run_id, seq, kind, name, status, output, attempts, started_at, ended_at)
     VALUES ('${runId}', ${seq}, 'step', 'llm:${seq}', 'completed', '${output}', 1, ${t + seq}, ${t + seq})`;
  return [
    run('old-llm-1'),
    entry('old-llm-1', 1, call(',"priced":true,"cached":false')),
    entry('old-llm-1', 2, call(',"priced":false,"cached":false')),
    entry('old-llm-1', 3, call(',"priced":false,"cached":true')),
    entry('old-llm-1', 4, call('')),
    run('old-llm-2'),
    entry('old-llm-2', 1, call(',"priced":false')),
  ];
}

/** Opens the migrated `store`: the hours before this one count the old unpriced calls, as the runs do. Closes the store. */
export async function expectUnpricedCallsCounted(store: Store, t: number): Promise<void> {
  await store.init();
  try {
    const now = Date.now();
    const window = { since: t - (t % HOUR), until: now - (now % HOUR), now };
    const hourly = await store.overview({ ...window, bucketMs: HOUR });
    const exact = await store.overview({ ...window, bucketMs: HOUR / 2 });
    for (const llm of [hourly.llm, exact.llm]) expect(llm).toEqual({ calls: 5, costUsd: 0.5, unpricedCalls: 2, inputTokens: 15, outputTokens: 10 });
  } finally {
    await store.close();
  }
}
