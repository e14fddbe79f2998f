/**
 * Replay checks through the API, on SQLite and PostgreSQL over real HTTP on loopback: results made
 * by `replayRun` over real runs (the code that ran them, and a reordered version) are reported by an
 * operator and read back by check and by run; viewers may read but not report; bad bodies, unknown
 * runs and other namespaces' runs get 4xx with stable codes and keep nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, MAX_REPLAY_RESULTS, defineWorkflow, newApiKey, replayRun, silentLogger, type ReplayResult, type Store } from '@baton/core';
import { startApiServer } from '@baton/server';
import { waitFor } from '@baton/testkit';
import { testStores } from './test-stores.js';

function order(reordered: boolean) {
  return defineWorkflow({ name: 'order' }, async (ctx, input: { amount: number }) => {
    if (reordered) await ctx.step('check', () => input.amount < 1000);
    await ctx.step('extract', () => input.amount);
    if (!reordered) await ctx.step('check', () => input.amount < 1000);
    const decision = await ctx.waitForSignal<{ approved: boolean }>('decision');
    await ctx.step('book', () => decision.approved);
    return decision.approved;
  });
}

describe.each(testStores('the replay check API tests'))('replay checks through the API on $name', (stores) => {
  let store: Store;
  let engine: Engine;
  let server: Awaited<ReturnType<typeof startApiServer>>;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const runs: string[] = [];

  const call = async (method: string, path: string, options: { body?: unknown; raw?: string; role?: string } = {}) => {
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[options.role ?? 'operator']}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  /** Each run's result against `workflow`, from the run's record and journal as the store holds them. */
  const check = async (reordered: boolean): Promise<ReplayResult[]> =>
    Promise.all(runs.map(async (id) => replayRun(order(reordered), { run: (await store.getRun(id))!, journal: await store.getJournal(id) })));

  const reports = async () => (await store.listAudit({ action: 'replay.report', limit: 100 })).filter((a) => a.result === 'ok').length;

  beforeAll(async () => {
    store = stores.create();
    engine = new Engine({ store, workflows: [order(false)], logger: silentLogger, pollIntervalMs: 20 });
    await engine.start();
    for (const [role, namespace] of [
      ['admin', 'default'],
      ['operator', 'default'],
      ['viewer', 'default'],
      ['other', 'other'],
    ] as const) {
      const key = newApiKey({ name: role, role: role === 'other' ? 'operator' : role, namespace }, Date.now());
      await store.createApiKey(key.record);
      tokens[role] = key.token;
      ids[role] = key.record.id;
    }
    server = await startApiServer({ client: engine.client, store, workflows: engine.workflows, host: '127.0.0.1', port: 0 });
    for (const amount of [10, 20]) runs.push((await engine.client.start('order', { amount })).id);
    for (const id of runs) await waitFor(async () => (await store.getRun(id))?.status === 'waiting', { timeoutMs: 30_000 });
    await engine.client.signal(runs[1]!, 'decision', { approved: true });
    await waitFor(async () => (await store.getRun(runs[1]!))?.status === 'completed', { timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await server?.close();
    await engine?.stop();
    await store?.close();
  });

  it('keeps a report of real results, audited, and answers it by check and by run, latest first', async () => {
    const same = await check(false);
    expect(same.map((r) => (r.ok ? r.ended : 'diverged'))).toEqual(['frontier', 'returned']);
    const first = await call('POST', '/api/replays', { body: { candidate: 'v1-build', results: same } });
    expect(first).toEqual({ status: 201, body: { id: expect.any(String), summary: { runs: 2, ok: 2, diverged: 0 } } });

    const reordered = await check(true);
    expect(reordered.every((r) => !r.ok)).toBe(true);
    const second = await call('POST', '/api/replays', { body: { candidate: 'commit-reorder', results: reordered }, role: 'admin' });
    expect(second.status).toBe(201);
    expect(second.body.summary).toEqual({ runs: 2, ok: 0, diverged: 2 });

    const stored = await call('GET', `/api/replays/${second.body.id}`, { role: 'viewer' });
    expect(stored.status).toBe(200);
    expect(stored.body.check).toMatchObject({ id: second.body.id, candidate: 'commit-reorder', by: ids.admin, summary: { runs: 2, ok: 0, diverged: 2 } });
    expect(stored.body.check.results).toEqual(reordered);
    expect(stored.body.check.results[0].divergence).toMatchObject({
      seq: 1,
      journaled: "step 'extract'",
      requested: "step 'check'",
      code: 'BATON_NON_DETERMINISM',
    });
    expect(stored.body.check.results[0].divergence.source).toMatch(/replays\.test\.(?:ts|js):\d+:\d+$/);

    const byRun = await call('GET', `/api/runs/${runs[0]}/replays`, { role: 'viewer' });
    expect(byRun.status).toBe(200);
    expect(byRun.body.replays.map((r: { check: { candidate: string }; result: { ok: boolean } }) => [r.check.candidate, r.result.ok])).toEqual([
      ['commit-reorder', false],
      ['v1-build', true],
    ]);
    expect(new Date(byRun.body.replays[0].check.checkedAt).getTime()).toBeGreaterThan(0);

    const audit = await store.listAudit({ action: 'replay.report', limit: 10 });
    expect(audit.map((a) => [a.actor, a.target, a.result])).toEqual([
      [ids.admin, second.body.id, 'ok'],
      [ids.operator, first.body.id, 'ok'],
    ]);
    expect(JSON.parse(audit[0]!.detail!)).toEqual({ candidate: 'commit-reorder', runs: 2 });
  });

  it('refuses a viewer, and keeps nothing', async () => {
    const before = await reports();
    const refused = await call('POST', '/api/replays', { body: { candidate: 'x', results: await check(false) }, role: 'viewer' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('BATON_FORBIDDEN');
    expect(await reports()).toBe(before);
  });

  it('answers bad reports with 4xx and stable codes, and keeps nothing', async () => {
    const good = await check(false);
    const before = await reports();
    const listed = (await call('GET', `/api/runs/${runs[0]}/replays`)).body.replays.length;
    const cases: [unknown, number, string][] = [
      [{ results: good }, 400, 'BATON_INVALID_ARGUMENT'],
      [{ candidate: '', results: good }, 400, 'BATON_INVALID_ARGUMENT'],
      [{ candidate: 'x', results: [] }, 400, 'BATON_INVALID_ARGUMENT'],
      [{ candidate: 'x'.repeat(201), results: good }, 400, 'BATON_INVALID_ARGUMENT'],
      [{ candidate: 'x', results: [{ ...good[0], ok: 'yes' }] }, 400, 'BATON_INVALID_ARGUMENT'],
      [{ candidate: 'x', results: [{ ...good[0], ok: false }] }, 400, 'BATON_INVALID_ARGUMENT'],
      [{ candidate: 'x', results: [good[0], good[0]] }, 400, 'BATON_INVALID_ARGUMENT'],
      [{ candidate: 'x', results: Array.from({ length: MAX_REPLAY_RESULTS + 1 }, (_, i) => ({ ...good[0], runId: `r${i}` })) }, 400, 'BATON_INVALID_ARGUMENT'],
      [{ candidate: 'bad\u0000name', results: good }, 400, 'BATON_INVALID_TEXT'],
      [{ candidate: 'x', results: [{ ...good[0], runId: 'no-such-run' }] }, 404, 'BATON_RUN_NOT_FOUND'],
      [{ candidate: 'x', results: [...good, { ...good[0], runId: 'no-such-run' }] }, 404, 'BATON_RUN_NOT_FOUND'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await call('POST', '/api/replays', { body });
      expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status, code });
    }
    const notJson = await call('POST', '/api/replays', { raw: '{"candidate":' });
    expect(notJson.status).toBe(400);

    // Another namespace's key does not see these runs: the same as unknown ones.
    const foreign = await call('POST', '/api/replays', { body: { candidate: 'x', results: good }, role: 'other' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('BATON_RUN_NOT_FOUND');

    expect(await reports()).toBe(before);
    expect((await call('GET', `/api/runs/${runs[0]}/replays`)).body.replays).toHaveLength(listed);
  });

  it("answers 404 for an unknown check, another namespace's check, and another namespace's run", async () => {
    const kept = await call('POST', '/api/replays', { body: { candidate: 'v1', results: await check(false) } });
    expect((await call('GET', `/api/replays/${kept.body.id}`, { role: 'other' })).body.error.code).toBe('BATON_REPLAY_CHECK_NOT_FOUND');
    const unknown = await call('GET', '/api/replays/no-such-check');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('BATON_REPLAY_CHECK_NOT_FOUND');
    const theirs = await call('GET', `/api/runs/${runs[0]}/replays`, { role: 'other' });
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('BATON_RUN_NOT_FOUND');
  });
});
