/**
 * The demo `npm start` runs, end to end on a real engine and SQLite file (the people answer at once),
 * with the AI runs answered by Baton's local scripted model server, as when no model is configured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, isWorkflow, silentLogger } from '@baton/core';
import { catalogFromStore, parseDefinition, plannerWorkflow } from '@baton/dsl';
import { closeMcpConnections } from '@baton/mcp';
import { SqliteStore } from '@baton/sqlite';
import { afterAll, afterEach, expect, it, vi } from 'vitest';
import { withExampleDefinitions } from './definitions/load-definitions.js';
import * as examples from './index.js';
import { invoiceServices } from './invoice-approval/workflow.js';
import { onboardingServices } from './customer-onboarding/workflow.js';
import { supportServices } from './support-triage/workflow.js';
import { contentServices } from './content-pipeline/workflow.js';

// Before the examples are imported: whatever this shell's BATON_AI_MODEL, the demo runs on the local scripted model.
vi.hoisted(() => {
  delete process.env.BATON_AI_MODEL;
});

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

afterAll(async () => {
  await closeMcpConnections();
  await examples.exampleModel.close();
});

it('runs the four workflows and the YAML definitions, answers their people steps and reports the results', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-demo-'));
  const store = new SqliteStore({ path: join(dir, 'baton.db'), synchronous: 'NORMAL' });
  const workflows = await withExampleDefinitions(Object.values(examples).filter(isWorkflow));
  // The planner as `baton dev` registers it: its catalog is what this engine has.
  const planner = plannerWorkflow({ catalog: () => catalogFromStore(store, { workflows: engine.workflows }) });
  const engine: Engine = new Engine({ store, workflows: [...workflows, planner], logger: silentLogger });
  await engine.start();
  cleanups.push(async () => {
    await engine.stop({ timeoutMs: 1_000 });
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  expect(engine.workflows.list().map((w) => w.name)).toEqual([
    'invoice-approval',
    'customer-onboarding',
    'order-fulfilment',
    'daily-digest',
    'support-triage',
    'content-pipeline',
    'knowledge-answer',
    'examples.expense-claim',
    'examples.shipping-quote',
    'examples.vip-onboarding',
    'baton.plan',
  ]);

  const lines: string[] = [];
  await examples.demo({ client: engine.client, engine, followProgress: true, log: (line) => lines.push(line), approvalDelayMs: 10, timeoutMs: 20_000 });

  const output = lines.join('\n');
  expect(output).toMatch(/demo: approving invoice \S+ as 'dana' \(a person would do this in the dashboard or with `baton signal`\)/);
  expect(output).toContain('paid 4,860.00 EUR to Northwind Logistics for INV-2030-0042 (approved by dana');
  expect(output).toContain('CUST-1815 onboarded');
  expect(output).toMatch(/demo: question \S+ → answered from KB-101 "Refunds for faulty appliances": A faulty appliance bought less than 30 days ago/);
  expect(output).toContain('invoice    · awaiting-approval: waiting up to 3 days for dana');
  expect(invoiceServices.payments.payments).toHaveLength(1);
  // CUST-1815 by the TypeScript run, CUST-2001 by the YAML definition's child run.
  expect(onboardingServices.mailer.sent).toHaveLength(2);

  expect(output).toMatch(/demo: expense claim \S+ waits in the inbox for an 'approval' signal with its form/);
  expect(output).toMatch(/demo: expense-claim \S+ → EXP-0815 approved by dana/);
  expect(output).toMatch(/demo: vip-onboarding \S+ → CUST-2001 onboarded as \S+; welcome note drafted: ".+"/);
  expect(output).toMatch(/demo: shipping-quote \S+ → ORD-7310 quoted 114\.90 \(P1 by carrier, P2 by freight\)/);

  expect(examples.exampleModel).toMatchObject({ model: 'demo:scripted', scripted: true });
  expect(output).toContain("demo: the AI runs below call demo:scripted, Baton's local scripted model server (BATON_AI_MODEL is unset)");
  expect(output).toMatch(
    /demo: ticket \S+ → TKT-5001 read as neutral, normal, refund → refund: refund RF-0001 of 249\.00 EUR issued \(approved by dana\); reply by ai sent to grace@example\.com/,
  );
  expect(output).toContain(
    "ticket     · awaiting-refund-approval: waiting for dana to approve refunding 249.00 EUR for order ORD-7002 (signal 'refund-approval')",
  );
  expect(output).toContain("demo: editor 'morgan' sends the article back for a revision");
  expect(output).toMatch(
    /demo: article \S+ → ".+" published as POST-0001 at https:\/\/blog\.example\.com\/\S+ after 1 revision \(approved by morgan; SEO score \d+\)/,
  );
  expect(supportServices.orders.refunds).toMatchObject([{ orderId: 'ORD-7002', amount: 249, currency: 'EUR' }]);
  expect(supportServices.mailer.sent).toMatchObject([{ to: 'grace@example.com', subject: 'Re: Refund for my espresso machine [TKT-5001]' }]);
  expect(contentServices.cms.published).toHaveLength(1);
  expect(contentServices.inbox.requests.map((r) => r.revision)).toEqual([0, 1]);

  // The planning part: one round, valid, its definition shown and simulated through the approval branch.
  expect(output).toContain('demo: planning a workflow from a paragraph (a durable baton.plan run)');
  expect(output).toMatch(/demo: plan round 1 \(demo:scripted\): valid · \d+ tokens/);
  expect(output).toContain('demo: planned examples.purchase-request 0.1.0:');
  const definition = lines
    .filter((line) => line.startsWith('  │ '))
    .map((line) => line.slice(4))
    .join('\n');
  const catalog = await catalogFromStore(store, { workflows: engine.workflows });
  const parsed = await parseDefinition(definition, { catalog });
  expect(parsed.issues).toEqual([]);
  expect(definition).toContain('call: baton.approval');
  expect(definition).toContain('name: invoice-approval');
  expect(definition).toContain('$workflow.input.amount > 5000');
  expect(output).toMatch(
    /demo: simulated it .*: checkAmount \[amountOver5000\] → managerApproval → stopIfManagerApprovalRefused → invoiceApproval → notifyRequesterEmail → completed/,
  );
  expect(output).toContain('"New workflow" page');
});
