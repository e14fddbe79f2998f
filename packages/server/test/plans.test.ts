/**
 * Planning and simulation through the API, over real HTTP on loopback, on SQLite and PostgreSQL: the
 * planner workflow runs in the test's engine and asks the scripted model server (OpenAI's wire
 * protocol) for definitions. A viewer may not plan (403, audited), an operator may (202, audited as
 * run.start); a plan answered invalid in round 1 shows that round's problems in its progress before
 * round 2 answers valid; a revision carries a diff; an id that is no plan is 404. Simulations: a
 * completed path (a branch taken, a call answered by the scenario), an invalid text as a 200 result,
 * a scenario of the wrong shape 400, and 501 on a server without a store for simulations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Client, Engine, defineWorkflow, newApiKey, silentLogger, type Role, type Store } from '@baton/core';
import { configureAI } from '@baton/ai';
import { startScriptedModelServer, type ScriptedModelServer, type ScriptedReply } from '@baton/ai/testing';
import { catalogFromStore, plannerWorkflow } from '@baton/dsl';
import { SqliteStore } from '@baton/sqlite';
import { createApp, startApiServer } from '@baton/server';
import { waitFor } from '@baton/testkit';
import { testStores } from './test-stores.js';

const approveInvoice = defineWorkflow(
  { name: 'approve-invoice', description: 'A manager approves an invoice', input: z.object({ amount: z.number() }) },
  async (ctx, input) => ctx.step('decide', () => ({ approved: input.amount < 10_000 })),
);

const other = defineWorkflow({ name: 'not-a-plan' }, async (ctx) => ctx.step('only', () => 1));

/** An answer whose definition has a `then` to a task that does not exist (line 9 of the fenced definition). */
const INVALID = `Here it is:
\`\`\`yaml
document:
  dsl: '1.0.0'
  namespace: acme
  name: invoices
  version: '1.0.0'
do:
  - check:
      set: { checked: true }
      then: nowhere
\`\`\`
`;

const VALID = `document:
  dsl: '1.0.0'
  namespace: acme
  name: invoices
  version: '1.0.0'
do:
  - check:
      set: { checked: true }
`;

const REVISED = `document:
  dsl: '1.0.0'
  namespace: acme
  name: invoices
  version: '1.1.0'
do:
  - check:
      set: { checked: true }
  - notify:
      set: { notified: true }
`;

const SIMULATED = `document:
  dsl: '1.0.0'
  namespace: acme
  name: triage
  version: '1.0.0'
input:
  schema:
    format: json
    document: { type: object, properties: { amount: { type: number } }, required: [amount] }
do:
  - fetchScore:
      call: http
      with: { method: get, endpoint: 'https://scores.example/v1/score' }
  - route:
      switch:
        - risky: { when: '.score < 500', then: review }
        - fine: { then: approve }
  - review:
      set: { decision: review }
      then: end
  - approve:
      set: { decision: approved }
`;

const text = (value: string): ScriptedReply => ({ text: value, usage: { input: 1200, output: 300 } });

describe.each(testStores('the plans API tests'))('plans and simulations through the API on $name', (stores) => {
  let store: Store;
  let engine: Engine;
  let server: Awaited<ReturnType<typeof startApiServer>>;
  let models: ScriptedModelServer;
  const keys = {} as Record<Role, { token: string; id: string }>;

  const call = async (role: Role, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${keys[role].token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  type Plan = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  /** Reads the plan until `check` holds of it. */
  const planWhen = async (id: string, check: (plan: Plan) => boolean, what: string) => {
    let plan: Plan = {};
    await waitFor(
      async () => {
        plan = (await call('viewer', 'GET', `/api/plans/${id}`)).body;
        return check(plan);
      },
      { timeoutMs: 30_000, message: what },
    );
    return plan;
  };

  beforeAll(async () => {
    models = await startScriptedModelServer();
    configureAI({ env: { OPENAI_API_KEY: 'test', OPENAI_BASE_URL: models.openaiBaseUrl }, retries: 1 });
    store = stores.create();
    const planner = plannerWorkflow({ catalog: () => catalogFromStore(store, { workflows: engine.workflows }) });
    engine = new Engine({ store, workflows: [planner, approveInvoice, other], logger: silentLogger, pollIntervalMs: 20 });
    await engine.start();
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const key = newApiKey({ name: `${role} key`, role }, Date.now());
      await store.createApiKey(key.record);
      keys[role] = { token: key.token, id: key.record.id };
    }
    server = await startApiServer({
      client: engine.client,
      store,
      workflows: engine.workflows,
      simulationStore: () => new SqliteStore({ path: ':memory:' }),
    });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await engine?.stop({ timeoutMs: 5000 });
    await store?.close();
    await models?.close();
  });

  it('refuses a viewer with 403 (audited) and starts nothing', async () => {
    const refused = await call('viewer', 'POST', '/api/plans', { description: 'Approve invoices.' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('BATON_FORBIDDEN');
    const entries = await store.listAudit({ actor: keys.viewer.id, limit: 10 });
    expect(entries).toEqual([expect.objectContaining({ action: 'run.start', result: 'BATON_FORBIDDEN' })]);
    expect((await engine.client.list({ workflow: 'baton.plan' })).runs).toEqual([]);
  });

  it('refuses a request of the wrong shape with 400', async () => {
    for (const body of [
      {},
      { description: '' },
      { description: 'x', maxRounds: 0 },
      { description: 'x', maxRounds: 11 },
      { description: 'x'.repeat(20_001) },
    ]) {
      const refused = await call('operator', 'POST', '/api/plans', body);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('BATON_INVALID_ARGUMENT');
    }
  });

  it("plans for an operator: round 1's problems show while it plans, round 2 is valid; audited as run.start", async () => {
    models.reset();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    models.enqueue(text(INVALID));
    models.respondWith(async () => {
      await released;
      return text(VALID);
    });
    const started = await call('operator', 'POST', '/api/plans', { description: 'Check every invoice.', model: 'openai:gpt-4o-mini', maxRounds: 3 });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ id: expect.any(String), created: true });
    const { id } = started.body;

    try {
      const during = await planWhen(id, (p) => p.progress?.rounds?.length === 1, 'round 1 in the progress');
      expect(during.status).not.toBe('completed');
      expect(during.request).toMatchObject({ description: 'Check every invoice.' });
      expect(during.progress).toMatchObject({ planning: true, maxRounds: 3 });
      expect(during.progress.rounds[0]).toMatchObject({ round: 1, valid: false, model: expect.stringContaining('gpt-4o-mini') });
      expect(during.progress.rounds[0].issues).toEqual([expect.objectContaining({ kind: 'reference', line: 9, column: 13, path: '/do/0/check/then' })]);
    } finally {
      // Round 2 answers whatever happened above, so the run ends and does not hold up the next test.
      release();
    }

    const done = await planWhen(id, (p) => p.status === 'completed', 'the plan to complete');
    expect(done.result).toMatchObject({ valid: true, workflowName: 'acme.invoices', version: '1.0.0', issues: [] });
    expect(done.result.definition).toContain('name: invoices');
    expect(done.result.rounds.map((r: { valid: boolean }) => r.valid)).toEqual([false, true]);
    expect(done.result.tokens.total).toBeGreaterThan(0);
    expect(models.modelCalls).toHaveLength(2);
    // The second request told the model what was wrong.
    expect(models.modelCalls[1]!.messages.at(-1)!.content).toContain('/do/0/check/then');

    const audit = await store.listAudit({ actor: keys.operator.id, action: 'run.start', limit: 10 });
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ target: id, result: 'ok', detail: expect.stringContaining('baton.plan') })]));
  });

  it('revises a definition (from) and answers the diff; a repeated id starts nothing new', async () => {
    models.reset();
    models.respondWith(undefined);
    models.enqueue(text('```yaml\n' + REVISED + '```'));
    const body = { description: 'Also notify someone.', from: VALID, model: 'openai:gpt-4o-mini', id: 'revision-1' };
    const started = await call('admin', 'POST', '/api/plans', body);
    expect(started.status).toBe(202);
    const done = await planWhen('revision-1', (p) => p.status === 'completed', 'the revision');
    expect(done.result.valid).toBe(true);
    expect(done.result.diff).toMatch(/^\+\s+- notify:/m);
    expect(done.result.diff).toMatch(/^-\s+version: '1\.0\.0'/m);
    const again = await call('admin', 'POST', '/api/plans', body);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ id: 'revision-1', created: false, status: 'completed' });
    expect(models.modelCalls).toHaveLength(1);
  });

  it('answers 404 BATON_PLAN_NOT_FOUND for an unknown id and for a run that is no plan', async () => {
    const run = await engine.client.start(other, undefined, { id: 'plain-run' });
    await run.result({ timeoutMs: 30_000 });
    for (const id of ['plain-run', 'no-such-plan']) {
      const answer = await call('viewer', 'GET', `/api/plans/${id}`);
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('BATON_PLAN_NOT_FOUND');
    }
    const taken = await call('operator', 'POST', '/api/plans', { description: 'x', id: 'plain-run' });
    expect(taken.status).toBe(409);
  });

  it('simulates for a viewer: the branch taken, a call answered by the scenario, the output', async () => {
    const scenario = { tasks: { fetchScore: { output: { score: 420 } } } };
    const risky = await call('viewer', 'POST', '/api/simulations', { definition: SIMULATED, input: { amount: 50 }, scenario });
    expect(risky.status).toBe(200);
    expect(risky.body.status).toBe('completed');
    expect(risky.body.output).toEqual({ decision: 'review' });
    expect(risky.body.path.map((t: { name: string }) => t.name)).toEqual(['fetchScore', 'route', 'review']);
    expect(risky.body.path[0]).toMatchObject({ reference: '/do/0/fetchScore', answeredBy: 'scenario', output: { score: 420 } });
    expect(risky.body.path[1]).toMatchObject({ kind: 'switch', branch: 'risky' });

    const fine = await call('viewer', 'POST', '/api/simulations', {
      definition: SIMULATED,
      input: { amount: 50 },
      scenario: { tasks: { fetchScore: { output: { score: 800 } } } },
    });
    expect(fine.body.output).toEqual({ decision: 'approved' });
    expect(fine.body.path.map((t: { name: string }) => t.name)).toEqual(['fetchScore', 'route', 'approve']);
  });

  it('answers an invalid definition as a result with its issues, and a scenario of the wrong shape with 400', async () => {
    const invalid = await call('viewer', 'POST', '/api/simulations', {
      definition: VALID.replace('set: { checked: true }', 'set: { checked: true }\n      then: nowhere'),
    });
    expect(invalid.status).toBe(200);
    expect(invalid.body).toMatchObject({ status: 'invalid', path: [] });
    expect(invalid.body.issues).toEqual([expect.objectContaining({ kind: 'reference', path: '/do/0/check/then' })]);

    for (const scenario of [
      { tasks: { fetchScore: { outptu: 1 } } },
      { tasks: 'all' },
      { approvals: [] },
      { unknown: {} },
      { tasks: { a: { error: { status: 'x' } } } },
    ]) {
      const refused = await call('viewer', 'POST', '/api/simulations', { definition: SIMULATED, input: { amount: 1 }, scenario });
      expect({ scenario, status: refused.status, code: refused.body.error?.code }).toEqual({ scenario, status: 400, code: 'BATON_INVALID_SCENARIO' });
      expect(refused.body.error.details.fields[0].path).toMatch(/^scenario/);
    }
    const noText = await call('viewer', 'POST', '/api/simulations', { input: {} });
    expect(noText.status).toBe(400);
    expect(noText.body.error.code).toBe('BATON_INVALID_ARGUMENT');
  });

  it('answers 501 BATON_SIMULATION_UNAVAILABLE on a server without a store for simulations', async () => {
    const app = createApp({ client: new Client({ store }), store, auth: false });
    const res = await app.request('/api/simulations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ definition: VALID }),
    });
    expect(res.status).toBe(501);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BATON_SIMULATION_UNAVAILABLE');
  });

  it('runs at most maxConcurrentSimulations at once: one more answers 429 BATON_SIMULATIONS_BUSY, and a slot freed serves again', async () => {
    // The first simulation holds its slot until the test lets its store open: no timing involved.
    let open: () => void = () => {};
    const opened = new Promise<void>((resolve) => (open = resolve));
    let asked = 0;
    const app = createApp({
      client: new Client({ store }),
      store,
      auth: false,
      maxConcurrentSimulations: 1,
      simulationStore: async () => {
        if (++asked === 1) await opened;
        return new SqliteStore({ path: ':memory:' });
      },
    });
    const simulate = (): Promise<Response> =>
      Promise.resolve(
        app.request('/api/simulations', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ definition: VALID }),
        }),
      );
    const first = simulate();
    await waitFor(() => asked === 1, { timeoutMs: 30_000 });
    const busy = await simulate();
    expect(busy.status).toBe(429);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('BATON_SIMULATIONS_BUSY');
    open();
    expect((await first).status).toBe(200);
    const again = await simulate();
    expect(again.status).toBe(200);
    expect(((await again.json()) as { status: string }).status).toBe('completed');
  });
});
