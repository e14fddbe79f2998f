/**
 * GET /metrics over real HTTP, from a server on a SQLite file with an engine running runs that
 * complete, fail, retry a step and wait for a signal; the exposition is checked with promtool.
 * Without promtool the check is skipped with a notice; under CI=true that is a failure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, TerminalError, defineWorkflow, newApiKey, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { startApiServer, type ApiServer } from '@baton/server';

const ok = defineWorkflow({ name: 'ok' }, async (ctx) => {
  const a = await ctx.step('one', () => 1);
  return ctx.step('two', () => a + 1);
});
const broken = defineWorkflow({ name: 'broken' }, async (ctx) => {
  await ctx.step('explode', () => {
    throw new TerminalError('the account is closed');
  });
});
let flakyCalls = 0;
const flaky = defineWorkflow({ name: 'flaky' }, async (ctx) =>
  ctx.step(
    'call',
    () => {
      if (++flakyCalls === 1) throw new Error('busy, try again');
      return 'done';
    },
    { retry: { maxAttempts: 3, initialInterval: 1, jitter: 0 } },
  ),
);
const approval = defineWorkflow({ name: 'approval' }, async (ctx) => ctx.waitForSignal<{ by: string }>('approve'));
/** On a queue the engine does not serve: its runs stay queued. */
const report = defineWorkflow({ name: 'report', queue: 'reports' }, async () => 'report');

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
if (!promtool && process.env.CI !== 'true') {
  console.warn('[baton] skipping the promtool check of /metrics: promtool is not installed (apt-get install prometheus).');
}

let dir: string;
let store: SqliteStore;
let engine: Engine;
let server: ApiServer;
let viewerKey: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-metrics-'));
  store = new SqliteStore({ path: join(dir, 'baton.db') });
  engine = new Engine({ store, workflows: [ok, broken, flaky, approval, report], queues: ['default'], logger: silentLogger, pollIntervalMs: 20 });
  await engine.start();
  const viewer = newApiKey({ name: 'prometheus', role: 'viewer' }, Date.now());
  await store.createApiKey(viewer.record);
  viewerKey = viewer.token;
  server = await startApiServer({ client: engine.client, store, workflows: engine.workflows, metrics: { engine } });
});

afterAll(async () => {
  await server?.close();
  await engine?.stop();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Scrapes with the viewer key, another token, or (null) none. */
async function scrape(key: string | null = viewerKey): Promise<Response> {
  return fetch(`${server.url}/metrics`, key === null ? {} : { headers: { authorization: `Bearer ${key}` } });
}

/** Samples of the exposition by series (`name{labels}`). */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

async function waitForSamples(check: (s: Map<string, number>) => boolean): Promise<{ text: string; values: Map<string, number> }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await (await scrape()).text();
    const values = samples(text);
    if (check(values)) return { text, values };
    if (Date.now() > deadline) throw new Error(`metrics never matched; last scrape:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('GET /metrics', () => {
  it('needs an API key like the other routes', async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape('bk_not_a_key')).status).toBe(401);
    expect((await scrape()).status).toBe(200);
  });

  it('counts the runs of the engine and reads queue depth and waiting runs from the store', async () => {
    const runs = await Promise.all([
      engine.client.start(ok, undefined),
      engine.client.start(broken, undefined),
      engine.client.start(flaky, undefined),
      engine.client.start(approval, undefined),
      engine.client.start(report, undefined),
    ]);
    const [okRun, brokenRun, flakyRun, approvalRun] = runs;
    expect(await okRun!.result()).toBe(2);
    await expect(brokenRun!.result()).rejects.toThrow(/the account is closed/);
    expect(await flakyRun!.result()).toBe('done');

    const { text, values } = await waitForSamples(
      (s) => s.get('baton_runs_waiting') === 1 && s.get('baton_runs_completed_total{workflow="flaky",namespace="default"}') === 1,
    );
    const res = await scrape();
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');

    expect(values.get('baton_runs_started_total{workflow="ok",namespace="default"}')).toBe(1);
    expect(values.get('baton_runs_started_total{workflow="approval",namespace="default"}')).toBe(1);
    expect(values.get('baton_runs_completed_total{workflow="ok",namespace="default"}')).toBe(1);
    expect(values.get('baton_runs_failed_total{workflow="broken",namespace="default"}')).toBe(1);
    expect(values.get('baton_runs_completed_total{workflow="broken",namespace="default"}')).toBeUndefined();
    expect(values.get('baton_step_retries_total{workflow="flaky",namespace="default"}')).toBe(1);
    expect(values.get('baton_run_duration_seconds_count{workflow="ok",namespace="default"}')).toBe(1);
    expect(values.get('baton_run_duration_seconds_count{workflow="broken",namespace="default"}')).toBe(1);
    expect(values.get('baton_step_duration_seconds_count{workflow="ok",namespace="default"}')).toBe(2);
    expect(values.get('baton_step_duration_seconds_bucket{le="+Inf",workflow="ok",namespace="default"}')).toBe(2);
    expect(values.get('baton_runs_waiting')).toBe(1);
    expect(values.get('baton_runs_waiting_for_signal')).toBe(1);
    expect(values.get('baton_runs_running')).toBe(0);
    expect(values.get('baton_runs_lease_expired')).toBe(0);
    expect(values.get('baton_queue_depth{queue="reports",namespace="default"}')).toBe(1);
    expect(values.get('baton_queue_oldest_age_seconds{queue="reports",namespace="default"}')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE baton_run_duration_seconds histogram');

    // The signal ends the wait: the gauges follow at the next scrape, the counters move on.
    await engine.client.signal(approvalRun!.id, 'approve', { by: 'ops' });
    expect(await approvalRun!.result()).toEqual({ by: 'ops' });
    const after = await waitForSamples((s) => s.get('baton_runs_completed_total{workflow="approval",namespace="default"}') === 1);
    expect(after.values.get('baton_runs_waiting')).toBe(0);
    expect(after.values.get('baton_runs_waiting_for_signal')).toBe(0);
    expect(after.values.get('baton_runs_resumed_total{workflow="approval",namespace="default"}')).toBe(1);
  });

  it('labels run counts by namespace, the namespaces past maxNamespaceLabels under _other', async () => {
    const bounded = await startApiServer({ client: engine.client, store, workflows: engine.workflows, metrics: { engine, maxNamespaceLabels: 2 } });
    try {
      for (const namespace of ['team-a', 'team-b', 'team-c', 'team-d', 'team-a']) {
        expect(await (await engine.client.as({ id: 'key', namespace }).start(ok, undefined)).result()).toBe(2);
      }
      const read = async () => samples(await (await fetch(`${bounded.url}/metrics`, { headers: { authorization: `Bearer ${viewerKey}` } })).text());
      const deadline = Date.now() + 10_000;
      let values = await read();
      while (values.get('baton_runs_completed_total{workflow="ok",namespace="_other"}') !== 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        values = await read();
      }
      expect(values.get('baton_runs_started_total{workflow="ok",namespace="team-a"}')).toBe(2);
      expect(values.get('baton_runs_started_total{workflow="ok",namespace="team-b"}')).toBe(1);
      expect(values.get('baton_runs_started_total{workflow="ok",namespace="_other"}')).toBe(2);
      expect(values.get('baton_runs_completed_total{workflow="ok",namespace="_other"}')).toBe(2);
      expect([...values.keys()].some((k) => k.includes('team-c') || k.includes('team-d'))).toBe(false);
    } finally {
      await bounded.close();
    }
  });

  it("labels queue depth and age by namespace: one tenant's backlog is its own series", async () => {
    const own = await startApiServer({ client: engine.client, store, workflows: engine.workflows, metrics: { maxNamespaceLabels: 2 } });
    try {
      // 'reports' has no worker here: its runs stay queued.
      for (const namespace of ['team-a', 'team-a', 'team-b', 'team-c']) await engine.client.as({ id: 'key', namespace }).start(report, undefined);
      const values = samples(await (await fetch(`${own.url}/metrics`, { headers: { authorization: `Bearer ${viewerKey}` } })).text());
      const depth = [...values.entries()].filter(([name]) => name.startsWith('baton_queue_depth{queue="reports"')).sort();
      // The first two namespaces seen keep their name; the rest share _other (depths added up).
      expect(depth.map(([name, value]) => [name.replace(/^baton_queue_depth/, ''), value])).toEqual(
        [
          ['{queue="reports",namespace="default"}', 1],
          ['{queue="reports",namespace="team-a"}', 2],
          ['{queue="reports",namespace="_other"}', 2],
        ].sort(),
      );
      expect(values.get('baton_queue_oldest_age_seconds{queue="reports",namespace="team-a"}')).toBeGreaterThanOrEqual(0);
    } finally {
      await own.close();
    }
  });

  it.skipIf(!promtool && process.env.CI !== 'true')('serves an exposition promtool accepts', async () => {
    if (!promtool) throw new Error('promtool is not installed; CI needs it to check /metrics (apt-get install prometheus).');
    const text = await (await scrape()).text();
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: check.status, output: `${check.stdout}${check.stderr}` }).toEqual({ status: 0, output: '' });
  });
});
