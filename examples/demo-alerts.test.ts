/**
 * What the demo (`npm start`) shows of alerts and escalation, on a real engine and SQLite file with a
 * manual clock: the rules and channels of examples/alerts.yaml, read as `--alerts` reads them, and
 * the expense claim the demo leaves unanswered. Half a minute into its wait 'approvals-waiting'
 * fires and its channel puts a `baton.alert` event on the event log; after a minute the claim's
 * approval is reassigned to finance-leads (journaled, audited, shown and assigned in the inbox)
 * while the alert goes on firing instead of resolving.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { AlertEvaluator, Engine, ManualClock, alertsFileSchema, crossCheckRules, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { createNotifier } from '@baton/server';
import { customerOnboarding } from './customer-onboarding/workflow.js';
import { leaveClaimUnanswered } from './definitions-demo.js';
import { withExampleDefinitions } from './definitions/load-definitions.js';
import { waitFor, waitForSignalWait } from './test-support.js';

const SECOND = 1000;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

it("fires the demo's 'approvals-waiting' alert on the unanswered claim, delivers it to the event log, and escalates the claim's approval", async () => {
  const file = alertsFileSchema.parse(parseYaml(readFileSync(fileURLToPath(new URL('alerts.yaml', import.meta.url)), 'utf8')));
  expect(crossCheckRules(file.rules, Object.keys(file.channels))).toEqual([]);

  const dir = mkdtempSync(join(tmpdir(), 'baton-demo-alerts-'));
  const store = new SqliteStore({ path: join(dir, 'baton.db'), synchronous: 'NORMAL' });
  const clock = new ManualClock();
  // The process's notifier, as `baton dev --alerts` makes it: the event channel emits through the engine's client.
  const notifier = createNotifier(file.channels, { logger: silentLogger, emit: (type, data, options) => engine.client.events.emit(type, data, options) });
  const engine: Engine = new Engine({
    store,
    workflows: await withExampleDefinitions([customerOnboarding]),
    clock,
    notifier,
    logger: silentLogger,
    pollIntervalMs: 20,
    leaseMs: 10 * 60 * SECOND,
  });
  await engine.start();
  const evaluator = new AlertEvaluator({ store, holder: 'demo', notifier, clock, logger: silentLogger, intervalMs: file.evaluateEvery });
  cleanups.push(async () => {
    await engine.stop({ timeoutMs: 1_000 });
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  for (const rule of file.rules) await store.saveAlertRule(rule, 'file', clock.now());

  const lines: string[] = [];
  const claim = await leaveClaimUnanswered(engine.client, (line) => lines.push(line));
  expect(lines).toEqual([`demo: expense claim ${claim.id} is left unanswered: in a minute its approval escalates to finance-leads (see the inbox)`]);
  await waitForSignalWait(engine.client, claim.id, 'approval', { timeoutMs: 30_000 });
  const began = clock.now();
  expect(await evaluator.evaluate()).toEqual([]);

  // Half a minute into the wait (and one evaluation interval on): the rule fires, once.
  clock.advance(30 * SECOND + file.evaluateEvery);
  const fired = await evaluator.evaluate();
  expect(fired.map((t) => [t.ruleId, t.kind, t.value])).toEqual([['approvals-waiting', 'firing', 1]]);
  const transition = await waitFor(
    "the transition's channel outcomes",
    async () => (await store.listAlertTransitions({ ruleId: 'approvals-waiting', limit: 10 })).find((t) => t.outcomes.length > 0),
    { timeoutMs: 30_000 },
  );
  expect(transition).toMatchObject({ kind: 'firing', outcomes: [{ channel: 'bus', delivered: true }] });
  const [event] = await engine.client.events.list({ type: 'baton.alert' });
  expect(event?.data).toMatchObject({ kind: 'alert.firing', severity: 'warning', data: { ruleId: 'approvals-waiting', transition: 'firing' } });

  // A minute into the wait the approval escalates: reassigned to finance-leads, in the journal, the audit log and the inbox.
  clock.advance(began + 60 * SECOND - clock.now());
  const entry = await waitFor(
    'the escalation entry',
    async () => (await engine.client.journal(claim.id)).find((e) => e.kind === 'escalation' && e.name === 'reassign' && e.status === 'completed'),
    { timeoutMs: 30_000 },
  );
  expect(entry.output).toMatchObject({ action: 'reassign', to: 'finance-leads', began });
  await waitFor('the claim to wait again', async () => (await store.getRun(claim.id))?.waits?.escalations?.[0]?.stages.length === 1, { timeoutMs: 30_000 });
  const audit = await store.listAudit({ target: claim.id, actor: 'escalation', limit: 10 });
  expect(audit.map((a) => a.action)).toEqual(['escalation.reassign']);
  const inbox = await engine.client.inbox.list();
  expect(inbox.entries.map((e) => e.run.id)).toEqual([claim.id]);
  expect(inbox.entries[0]).toMatchObject({
    since: new Date(began),
    claim: { assignee: 'finance-leads', claimedBy: 'escalation' },
    escalation: { assignee: 'finance-leads', stages: [{ action: 'reassign', to: 'finance-leads' }] },
  });

  // The escalation wrote the run's row; the wait still counts from its start, so the alert neither resolves nor fires anew.
  clock.advance(file.evaluateEvery);
  expect(await evaluator.evaluate()).toEqual([]);
  expect((await store.listAlertTransitions({ ruleId: 'approvals-waiting', limit: 10 })).map((t) => t.kind)).toEqual(['firing']);
  expect(await engine.client.events.list({ type: 'baton.alert' })).toHaveLength(1);
});
