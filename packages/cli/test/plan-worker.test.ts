/**
 * `baton worker` and `baton dev` run the planner (`baton.plan`) beside the workflows they are given,
 * so a client without it (the API's POST /api/plans, the dashboard, a program) finds a process that
 * plans: a planning run started on the database is answered by the worker's model, against the
 * catalog of the worker's workflows.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedModelServer, type ScriptedModelServer } from '@baton/ai/testing';
import { Client } from '@baton/core';
import { PLANNER_WORKFLOW, plan } from '@baton/dsl';
import { SqliteStore } from '@baton/sqlite';
import { CliProcess, FIXTURES, tempDir } from './helpers.js';

const dir = tempDir();
const PLANNING_WORKFLOWS = join(FIXTURES, 'planning-workflows.ts');
let models: ScriptedModelServer;
let env: Record<string, string>;

beforeAll(async () => {
  models = await startScriptedModelServer();
  env = { OPENAI_API_KEY: 'test', OPENAI_BASE_URL: models.openaiBaseUrl, BATON_AI_MODEL: 'openai:worker-planner' };
});
afterAll(async () => {
  await models.close();
  rmSync(dir, { recursive: true, force: true });
});

const valid = `document: { dsl: '1.0.0', namespace: risk, name: onboarding, version: '1.0.0' }
do:
  - welcome:
      set: { welcomed: true }
`;

describe('planning on the CLI engines', { timeout: 90_000 }, () => {
  it('a baton worker answers a planning run started elsewhere on its database', async () => {
    const db = join(dir, 'worker.db');
    const worker = new CliProcess(['worker', '--db', db, '--workflows', PLANNING_WORKFLOWS], { env });
    const store = new SqliteStore({ path: db });
    try {
      await worker.waitForOutput('baton worker:');
      expect(worker.stdout).not.toContain(PLANNER_WORKFLOW);
      await store.init();
      expect((await store.listWorkflowCatalog({ name: PLANNER_WORKFLOW })).map((w) => w.current)).toEqual([true]);
      models.enqueue({ text: `\`\`\`yaml\n${valid}\`\`\`` });
      const client = new Client({ store });
      const result = await plan({ description: 'Welcome a new customer', maxRounds: 1 }, { client, timeoutMs: 60_000 });
      expect(result).toMatchObject({ valid: true, workflowName: 'risk.onboarding', version: '1.0.0', issues: [] });
      expect(result.rounds.map((r) => r.model)).toEqual(['openai:worker-planner']);
      const system = models.modelCalls[0]!.messages.find((m) => m.role === 'system')?.content ?? '';
      expect(system).toContain('risk.credit-score');
      client.close();
    } finally {
      await store.close();
      expect((await worker.stop('SIGTERM')).code).toBe(0);
    }
  });

  it('baton dev registers the planner in its database too', async () => {
    const db = join(dir, 'dev.db');
    const dev = new CliProcess(['dev', '--db', db, '--workflows', PLANNING_WORKFLOWS, '--port', '0'], { env });
    const store = new SqliteStore({ path: db });
    try {
      await dev.waitForOutput('baton dev:');
      await store.init();
      expect(await store.listWorkflowCatalog({ name: PLANNER_WORKFLOW })).toHaveLength(1);
    } finally {
      await store.close();
      expect((await dev.stop('SIGTERM')).code).toBe(0);
    }
  });
});
