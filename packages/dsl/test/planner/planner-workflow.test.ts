/**
 * Planning on a real engine (a SQLite file) against the scripted model server over loopback: every
 * way an answer can be wrong is sent back to the model, precisely, and fixed in round 2; an answer
 * that never gets fixed ends invalid with its issues, rounds, tokens and cost; a revision carries a
 * diff; the catalog reaches the prompt; bad requests and model errors fail as they should.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Engine, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { configureAI } from '@baton/ai';
import { startScriptedModelServer, type ScriptedModelServer } from '@baton/ai/testing';
import { PLANNER_GUIDE, PLANNER_HEADER, plan, plannerWorkflow, type PlanProgress, type PlanningCatalog } from '@baton/dsl';

const CATALOG: PlanningCatalog = {
  workflows: [
    {
      name: 'payments.pay-invoice',
      version: '1',
      kind: 'code',
      description: 'Pays an approved invoice',
      inputSchema: {
        type: 'object',
        properties: { invoiceId: { type: 'string' }, amount: { type: 'number' } },
        required: ['invoiceId', 'amount'],
        additionalProperties: false,
      },
    },
  ],
  functions: [],
};

const dir = mkdtempSync(join(tmpdir(), 'baton-planner-'));
let server: ScriptedModelServer;
let engine: Engine;
let store: SqliteStore;
let catalogReads = 0;

beforeAll(async () => {
  server = await startScriptedModelServer();
  configureAI({
    env: { OPENAI_API_KEY: 'test', OPENAI_BASE_URL: server.openaiBaseUrl },
    defaultModel: 'openai:gpt-4o-mini',
    prices: { 'openai:gpt-4o-mini': { inputPerMTok: 1, outputPerMTok: 2 } },
    retries: 1,
  });
  store = new SqliteStore({ path: join(dir, 'planner.db') });
  const planner = plannerWorkflow({
    catalog: () => {
      catalogReads++;
      return Promise.resolve(CATALOG);
    },
  });
  engine = new Engine({ store, workflows: [planner], logger: silentLogger, pollIntervalMs: 20 });
  await engine.start();
});

afterEach(() => server.reset());

afterAll(async () => {
  await engine.stop({ timeoutMs: 1000 });
  await store.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const HEADER = "document: { dsl: '1.0.0', namespace: billing, name: invoice-approval, version: '1.0.0' }";
const GOOD = `${HEADER}
do:
  - approve:
      call: baton.approval
      with:
        title: Approve the invoice?
        form: { type: object, properties: { approved: { type: boolean } }, required: [ approved ] }
  - pay:
      call: baton.workflow
      with: { name: payments.pay-invoice, input: { invoiceId: '\${ .invoiceId }', amount: 120 } }
`;
const fenced = (yaml: string): string => `Here is the workflow:\n\n\`\`\`yaml\n${yaml}\`\`\`\n`;
const DESCRIPTION = 'Invoices need a manager approval, then they are paid.';

/** The last user message of model call `index` (1-based): round N's feedback is call N's. */
function lastUserMessage(index: number): string {
  const call = server.modelCalls[index - 1];
  return call?.messages.findLast((message) => message.role === 'user')?.content ?? '';
}

interface WrongAnswer {
  what: string;
  answer: string;
  /** What the feedback of round 2 must say (the line, column, pointer and message of each issue). */
  feedback: string[];
}

const WRONG: WrongAnswer[] = [
  {
    what: 'a task type that does not exist',
    answer: fenced(`${HEADER}\ndo:\n  - notify:\n      email: { to: boss@example.com }\n`),
    feedback: ["- line 3, column 5, /do/0/notify (schema): task 'notify' has no task keyword"],
  },
  {
    what: 'a then to nowhere',
    answer: fenced(`${HEADER}\ndo:\n  - check:\n      set: { ok: true }\n      then: payNow\n`),
    feedback: ["- line 5, column 13, /do/0/check/then (reference): then 'payNow' names no task of the same list (the tasks of this list are check)"],
  },
  {
    what: 'a jq expression that does not compile',
    answer: fenced(`${HEADER}\ndo:\n  - total:\n      set: { sum: '\${ .net + }' }\n`),
    feedback: ['- line 4, column 19, /do/0/total/set/sum (expression): '],
  },
  {
    what: 'a call to a workflow not in the catalog',
    answer: fenced(`${HEADER}\ndo:\n  - pay:\n      call: baton.workflow\n      with: { name: payments.pay, input: { invoiceId: x, amount: 1 } }\n`),
    feedback: [
      "- line 5, column 21, /do/0/pay/with/name (catalog): task 'pay' calls workflow 'payments.pay', which the catalog does not have (did you mean 'payments.pay-invoice'?)",
    ],
  },
  {
    what: "an input that does not match the called workflow's schema",
    answer: fenced(
      `${HEADER}\ndo:\n  - pay:\n      call: baton.workflow\n      with:\n        name: payments.pay-invoice\n        input: { invoiceId: '\${ .id }', amount: lots }\n`,
    ),
    feedback: [
      "- line 7, column 49, /do/0/pay/with/input/amount (catalog): task 'pay' gives workflow 'payments.pay-invoice' an input that does not fit its input schema: input/amount: must be number",
    ],
  },
  {
    what: 'an approval without a form',
    answer: fenced(`${HEADER}\ndo:\n  - approve:\n      call: baton.approval\n      with: { title: Approve? }\n`),
    feedback: ["- line 5, column 7, /do/0/approve/with (catalog): the approval 'approve' has no form: add with.form"],
  },
  {
    what: 'an answer with no YAML at all',
    answer: 'I can help with that! First, a manager approves the invoice, then it is paid.',
    feedback: [
      '- / (syntax): the answer holds no definition: answer with the whole workflow definition as YAML (starting with document:) inside one ```yaml fenced block',
    ],
  },
  {
    what: 'YAML that does not parse',
    answer: fenced(`${HEADER}\ndo:\n  - pay:\n      set: { a: 1\n  - next: {}\n`),
    feedback: ['- line 5, column 3, / (syntax): not valid YAML: Flow map in block collection must be sufficiently indented and end with a }'],
  },
];

describe('plan: answers fixed on feedback', () => {
  it.each(WRONG)('$what is sent back to the model and fixed in round 2', async ({ answer, feedback }) => {
    server.enqueue({ text: answer, usage: { input: 1000, output: 400 } }, { text: fenced(GOOD), usage: { input: 1500, output: 300 } });
    const result = await plan({ description: DESCRIPTION }, { client: engine.client, timeoutMs: 60_000 });

    expect(result.valid).toBe(true);
    expect(result.definition).toBe(GOOD);
    expect(result.workflowName).toBe('billing.invoice-approval');
    expect(result.version).toBe('1.0.0');
    expect(result.issues).toEqual([]);
    expect(result.rounds.map((round) => round.valid)).toEqual([false, true]);
    expect(result.rounds[0]!.answer).toBe(answer);
    expect(result.rounds[0]!.issues.length).toBeGreaterThan(0);
    expect(result.tokens).toEqual({ input: 2500, output: 700, total: 3200 });
    expect(result.costUsd).toBeCloseTo(0.0025 + 0.0014, 10);

    expect(server.modelCalls).toHaveLength(2);
    const second = server.modelCalls[1]!.messages;
    expect(second.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(second[2]!.content).toBe(answer);
    const feedbackText = lastUserMessage(2);
    expect(feedbackText).toMatch(/^## Problems\nYour definition has \d+ problems?:/);
    for (const line of feedback) expect(feedbackText).toContain(line);
    expect(feedbackText).toContain('answer with the whole corrected definition as YAML');
  });
});

describe('plan: what it reports', () => {
  it('ends invalid after maxRounds with the remaining issues, every round, tokens and cost', async () => {
    const bad = fenced(`${HEADER}\ndo:\n  - approve:\n      call: baton.approval\n      with: { title: Approve? }\n`);
    server.enqueue({ text: bad, usage: { input: 800, output: 200 } }, { text: bad, usage: { input: 1200, output: 200 } });
    const result = await plan({ description: DESCRIPTION, maxRounds: 2 }, { client: engine.client, runId: 'plan-never-fixed', timeoutMs: 60_000 });

    expect(result.valid).toBe(false);
    expect(result.workflowName).toBeUndefined();
    expect(result.rounds).toHaveLength(2);
    expect(result.rounds.every((round) => !round.valid && round.model === 'openai:gpt-4o-mini')).toBe(true);
    expect(result.definition).toBe(bad.slice(bad.indexOf('document:'), bad.lastIndexOf('```')));
    expect(result.issues).toEqual([expect.objectContaining({ kind: 'catalog', path: '/do/0/approve/with', line: 5 })]);
    expect(result.issues).toEqual(result.rounds[1]!.issues);
    expect(result.tokens).toEqual({ input: 2000, output: 400, total: 2400 });
    expect(result.rounds.map((round) => round.costUsd)).toEqual([0.0012, 0.0016]);
    expect(result.costUsd).toBeCloseTo(0.0028, 10);
    expect(server.modelCalls).toHaveLength(2);

    const run = await engine.client.get('plan-never-fixed');
    expect(run?.status).toBe('completed');
    const progress = run?.progress as PlanProgress;
    expect(progress).toMatchObject({ planning: true, phase: 'done', round: 2, maxRounds: 2 });
    expect(progress.rounds).toHaveLength(2);
    const steps = (await engine.client.journal('plan-never-fixed')).map((entry) => entry.name);
    expect(steps).toEqual(expect.arrayContaining(['catalog', 'llm:plan-round-1', 'validate-round-1', 'llm:plan-round-2', 'validate-round-2']));
  });

  it('stops at the first valid round', async () => {
    server.enqueue({ text: fenced(GOOD) });
    const result = await plan({ description: DESCRIPTION, maxRounds: 5 }, { client: engine.client, timeoutMs: 60_000 });
    expect(result.valid).toBe(true);
    expect(result.rounds).toHaveLength(1);
    expect(server.modelCalls).toHaveLength(1);
  });

  it('revises a definition: the request shows it, and the result has a diff naming the added task', async () => {
    const revised = GOOD.replace(
      '  - pay:',
      '  - notify:\n      call: baton.llm\n      with: { prompt: \'${ "Invoice " + .invoiceId + " approved" }\' }\n  - pay:',
    );
    server.enqueue({ text: fenced(revised) });
    const result = await plan({ description: 'Also write a note when an invoice is approved.', from: GOOD }, { client: engine.client, timeoutMs: 60_000 });
    expect(result.valid).toBe(true);
    expect(result.definition).toBe(revised);
    expect(result.diff).toMatch(/^--- before\n\+\+\+ after\n@@ /);
    expect(result.diff).toContain('\n+  - notify:\n+      call: baton.llm\n');
    expect(result.diff).toContain('\n   - pay:\n');
    const request = lastUserMessage(1);
    expect(request).toContain('## Current definition');
    expect(request).toContain(GOOD.trimEnd());
  });

  it('puts the guide and the catalog (names, input schemas) in the system prompt', async () => {
    server.enqueue({ text: fenced(GOOD) });
    const before = catalogReads;
    await plan({ description: DESCRIPTION }, { client: engine.client, timeoutMs: 60_000 });
    expect(catalogReads).toBe(before + 1);
    const system = server.modelCalls[0]!.messages[0]!;
    expect(system.role).toBe('system');
    expect(system.content.startsWith(PLANNER_HEADER)).toBe(true);
    expect(system.content).toContain(PLANNER_GUIDE.trim().slice(0, 200));
    expect(system.content).toContain('"name": "payments.pay-invoice"');
    expect(system.content).toContain('"description": "Pays an approved invoice"');
    expect(system.content).toContain('"required": [\n     "invoiceId",\n     "amount"\n    ]');
    expect(lastUserMessage(1)).toContain(`## Process\n${DESCRIPTION}`);
  });

  it('asks the model the request names', async () => {
    server.enqueue({ text: fenced(GOOD) });
    const result = await plan({ description: DESCRIPTION, model: 'openai:gpt-4o' }, { client: engine.client, timeoutMs: 60_000 });
    expect(result.rounds[0]!.model).toBe('openai:gpt-4o');
    expect(server.modelCalls[0]!.model).toBe('gpt-4o');
  });
});

describe('plan: bad requests and model errors', () => {
  it.each([
    ['an empty description', { description: '  ' }],
    ['a description over 20,000 characters', { description: 'x'.repeat(20_001) }],
    ['maxRounds of 0', { description: DESCRIPTION, maxRounds: 0 }],
    ['maxRounds over 10', { description: DESCRIPTION, maxRounds: 11 }],
    ['a definition to revise over 200 KB', { description: DESCRIPTION, from: 'x'.repeat(200 * 1024 + 1) }],
    ['an unknown field', { description: DESCRIPTION, rounds: 3 }],
  ])('refuses %s with BATON_INVALID_INPUT, creating no run', async (_what, request) => {
    await expect(plan(request as never, { client: engine.client, timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'BATON_INVALID_INPUT' });
    expect(server.modelCalls).toHaveLength(0);
  });

  it('a model that is not configured fails the run with the AI error as it is', async () => {
    const error = await plan({ description: DESCRIPTION, model: 'nowhere:model' }, { client: engine.client, runId: 'plan-no-model', timeoutMs: 60_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(JSON.stringify(error)).toContain('BATON_MODEL_NOT_CONFIGURED');
    expect((await engine.client.get('plan-no-model'))?.status).toBe('failed');
    expect(server.modelCalls).toHaveLength(0);
  });

  it('a provider that keeps failing fails the run with BATON_LLM_FAILED', async () => {
    server.enqueue({ status: 500 }, { status: 500 }, { status: 500 });
    const error = await plan({ description: DESCRIPTION }, { client: engine.client, runId: 'plan-provider-down', timeoutMs: 60_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(JSON.stringify(error)).toContain('BATON_LLM_FAILED');
    expect((await engine.client.get('plan-provider-down'))?.status).toBe('failed');
  });
});
