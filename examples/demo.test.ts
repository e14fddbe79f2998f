/** The demo `npm start` runs, end to end on a real engine and SQLite file (the approver answers at once). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { afterEach, expect, it } from 'vitest';
import * as examples from './index.js';
import { invoiceServices } from './invoice-approval/workflow.js';
import { onboardingServices } from './customer-onboarding/workflow.js';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

it('runs both workflows, approves the invoice as dana and reports the results', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-demo-'));
  const store = new SqliteStore({ path: join(dir, 'baton.db'), synchronous: 'NORMAL' });
  const engine = new Engine({ store, workflows: examples, logger: silentLogger });
  await engine.start();
  cleanups.push(async () => {
    await engine.stop({ timeoutMs: 1_000 });
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  expect(engine.workflows.list().map((w) => w.name)).toEqual(['invoice-approval', 'customer-onboarding', 'order-fulfilment', 'daily-digest']);

  const lines: string[] = [];
  await examples.demo({ client: engine.client, engine, followProgress: true, log: (line) => lines.push(line), approvalDelayMs: 10, timeoutMs: 20_000 });

  const output = lines.join('\n');
  expect(output).toMatch(/demo: approving invoice \S+ as 'dana' \(a person would do this in the dashboard or with `baton signal`\)/);
  expect(output).toContain('paid 4,860.00 EUR to Northwind Logistics for INV-2030-0042 (approved by dana');
  expect(output).toContain('CUST-1815 onboarded');
  expect(output).toContain('invoice    · awaiting-approval: waiting up to 3 days for dana');
  expect(invoiceServices.payments.payments).toHaveLength(1);
  expect(onboardingServices.mailer.sent).toHaveLength(1);
});
