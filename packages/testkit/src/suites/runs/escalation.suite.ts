/**
 * Escalation of people's tasks through the engine: each stage kind on durable timers (ManualClock),
 * journaled and audited once; an answer before a stage cancels it; two engines on one store and an
 * engine taking over from a crashed one still make each stage happen once.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  Engine,
  ManualClock,
  defineEscalation,
  defineWorkflow,
  silentLogger,
  type ChannelOutcome,
  type EscalationStage,
  type Notification,
  type Notifier,
  type Store,
} from '@baton/core';
import { advance, rejection, waitFor, type StoreFactory } from '../../harness.js';

const MINUTE = 60_000;

/** A loopback receiver of notifications, and a Notifier that POSTs them to it (one channel name each). */
async function receiver(): Promise<{ notifier: Notifier; received: (Notification & { channel: string })[]; close(): Promise<void> }> {
  const received: (Notification & { channel: string })[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body) as Notification & { channel: string });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const notifier: Notifier = {
    channels: () => ['leads', 'ops'],
    notify: async (channels, notification) => {
      const outcomes: ChannelOutcome[] = [];
      for (const channel of channels) {
        if (!notifier.channels().includes(channel)) {
          outcomes.push({ channel, delivered: false, error: 'unknown channel' });
          continue;
        }
        const response = await fetch(url, { method: 'POST', body: JSON.stringify({ ...notification, channel }) });
        outcomes.push({ channel, delivered: response.ok });
      }
      return outcomes;
    },
  };
  return { notifier, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const POLICY = defineEscalation([
  { after: '10m', action: 'remind', channels: ['ops'] },
  { after: '20m', action: 'reassign', to: 'finance-leads' },
  { after: '30m', action: 'notify', channels: ['leads', 'nowhere'] },
  { after: '1h', action: 'decide', value: { approved: false, reason: 'no answer' } },
]);

const answer = z.object({ approved: z.boolean(), reason: z.string().optional() });

function approvalWorkflow(name: string, stages: readonly EscalationStage[] = POLICY) {
  return defineWorkflow({ name }, async (ctx) => {
    const decision = await ctx.waitForSignal('approval', { schema: answer, escalation: stages });
    const after = await ctx.step('after', () => 'done');
    return { decision, after };
  });
}

async function engineOn(store: Store, workflows: ReturnType<typeof approvalWorkflow>[], clock: ManualClock, notifier: Notifier): Promise<Engine> {
  const engine = new Engine({ store, workflows, clock, notifier, logger: silentLogger, pollIntervalMs: 20, leaseMs: 5_000 });
  await engine.start();
  return engine;
}

/**
 * Waits until the run is suspended again with `count` stages done. The manual clock moves leases
 * too: moving it on while an execution is still under way would expire that execution's lease.
 */
async function suspendedAfter(store: Store, runId: string, count: number): Promise<void> {
  await waitFor(
    async () => {
      const run = await store.getRun(runId);
      return run?.status === 'waiting' && run.waits?.escalations?.[0]?.stages.length === count;
    },
    { message: `run ${runId} to wait with ${count} stages done` },
  );
}

async function escalationAudit(store: Store, runId: string): Promise<string[]> {
  const entries = await store.listAudit({ target: runId, actor: 'escalation', limit: 100 });
  return entries.map((e) => e.action).reverse();
}

export function escalationSuite(factory: StoreFactory): void {
  describe('escalation of people’s tasks', () => {
    it('reminds, reassigns, notifies and decides by default on durable timers, each journaled and audited once', async () => {
      const store = await factory.create();
      const clock = new ManualClock();
      const rx = await receiver();
      const wf = approvalWorkflow('escalate-all');
      const engine = await engineOn(store, [wf], clock, rx.notifier);
      try {
        const run = await engine.client.start(wf, undefined);
        await waitFor(async () => (await store.getRun(run.id))?.status === 'waiting');
        const waiting = await store.getRun(run.id);
        expect(waiting?.waits?.escalations).toEqual([
          { signal: 'approval', seq: 1, began: clock.now(), stages: [], next: { action: 'remind', at: clock.now() + 10 * MINUTE } },
        ]);
        expect(waiting?.wakeAt).toBe(clock.now() + 10 * MINUTE);

        await advance(clock, 10 * MINUTE);
        await suspendedAfter(store, run.id, 1);
        expect(rx.received).toHaveLength(1);
        expect(rx.received[0]).toMatchObject({
          kind: 'escalation',
          channel: 'ops',
          runId: run.id,
          id: `${run.id}:2`,
          data: { action: 'remind', signal: 'approval' },
        });

        await advance(clock, 10 * MINUTE);
        await suspendedAfter(store, run.id, 2);
        const reassigned = await store.getRun(run.id);
        expect(reassigned?.waits?.escalations?.[0]?.assignee).toBe('finance-leads');
        expect(reassigned?.waits?.escalations?.[0]?.stages.map((st) => st.action)).toEqual(['remind', 'reassign']);
        const inbox = await engine.client.inbox.list();
        expect(inbox.entries[0]?.escalation).toMatchObject({
          assignee: 'finance-leads',
          stages: [{ action: 'remind' }, { action: 'reassign', to: 'finance-leads' }],
        });
        // The reassign assigned the task in the inbox (a claim by escalation), and it still waits since it began.
        expect(inbox.entries[0]?.claim).toEqual({
          assignee: 'finance-leads',
          claimedBy: 'escalation',
          claimedAt: new Date(reassigned!.waits!.escalations![0]!.stages[1]!.at),
        });
        expect(inbox.entries[0]?.since).toEqual(new Date(waiting!.waits!.escalations![0]!.began));
        expect(reassigned?.waits?.since).toBe(waiting?.waits?.since);

        await advance(clock, 10 * MINUTE);
        await suspendedAfter(store, run.id, 3);
        expect(rx.received).toHaveLength(2);
        expect(rx.received[1]).toMatchObject({ channel: 'leads', data: { action: 'notify', assignee: 'finance-leads' } });

        await advance(clock, 30 * MINUTE);
        expect(await run.result()).toEqual({ decision: { approved: false, reason: 'no answer' }, after: 'done' });
        const journal = await engine.client.journal(run.id);
        expect(journal.map((e) => [e.seq, e.kind, e.name])).toEqual([
          [1, 'signal', 'approval'],
          [2, 'escalation', 'remind'],
          [3, 'escalation', 'reassign'],
          [4, 'escalation', 'notify'],
          [5, 'escalation', 'decide'],
          [6, 'step', 'after'],
        ]);
        expect(journal[0]!.input).toEqual({ decidedBy: 'escalation', stage: 3 });
        expect(journal[3]!.output).toMatchObject({ action: 'notify', channels: ['leads', 'nowhere'], undelivered: ['nowhere'] });
        expect(await escalationAudit(store, run.id)).toEqual(['escalation.remind', 'escalation.reassign', 'escalation.notify', 'escalation.decide']);
        expect(rx.received).toHaveLength(2);
      } finally {
        await engine.stop({ timeoutMs: 2000 });
        await rx.close();
        await store.close();
      }
    });

    it('stops the stages still to come when the answer arrives first', async () => {
      const store = await factory.create();
      const clock = new ManualClock();
      const rx = await receiver();
      const wf = approvalWorkflow('escalate-answered');
      const engine = await engineOn(store, [wf], clock, rx.notifier);
      try {
        const run = await engine.client.start(wf, undefined);
        await waitFor(async () => (await store.getRun(run.id))?.status === 'waiting');
        await advance(clock, 10 * MINUTE);
        await suspendedAfter(store, run.id, 1);
        await engine.client.signal(run.id, 'approval', { approved: true });
        expect(await run.result()).toEqual({ decision: { approved: true }, after: 'done' });
        await advance(clock, 2 * 60 * MINUTE);
        const journal = await engine.client.journal(run.id);
        expect(journal.map((e) => e.kind)).toEqual(['signal', 'escalation', 'step']);
        expect(await escalationAudit(store, run.id)).toEqual(['escalation.remind']);
        expect(rx.received).toHaveLength(1);
      } finally {
        await engine.stop({ timeoutMs: 2000 });
        await rx.close();
        await store.close();
      }
    });

    it('makes each stage happen once with two engines on the store, and after a crashed engine’s run is taken over', async () => {
      const store = await factory.create();
      const other = factory.reopen === undefined ? store : await factory.reopen(store);
      const clock = new ManualClock();
      const rx = await receiver();
      const wf = approvalWorkflow('escalate-shared');
      const first = await engineOn(store, [wf], clock, rx.notifier);
      const second = await engineOn(other, [wf], clock, rx.notifier);
      try {
        const runs = await Promise.all([1, 2, 3, 4].map(() => first.client.start(wf, undefined)));
        for (const run of runs) await waitFor(async () => (await store.getRun(run.id))?.status === 'waiting');
        for (const done of [1, 2, 3]) {
          await advance(clock, 10 * MINUTE);
          for (const run of runs) await suspendedAfter(store, run.id, done);
        }
        await advance(clock, 30 * MINUTE);
        for (const run of runs) expect((await run.result()).decision).toEqual({ approved: false, reason: 'no answer' });
        for (const run of runs) {
          const kinds = (await first.client.journal(run.id)).filter((e) => e.kind === 'escalation').map((e) => e.name);
          expect(kinds).toEqual(['remind', 'reassign', 'notify', 'decide']);
          expect(await escalationAudit(store, run.id)).toEqual(['escalation.remind', 'escalation.reassign', 'escalation.notify', 'escalation.decide']);
        }
        const ids = rx.received.map((n) => `${n.id}/${n.channel}`);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).toHaveLength(runs.length * 2);
      } finally {
        await first.stop({ timeoutMs: 2000 });
        await second.stop({ timeoutMs: 2000 });
        if (other !== store) await other.close();
      }

      // A crash: the run is held (running, lease unexpired) by an engine that is gone, its remind due.
      const crashed = approvalWorkflow('escalate-crash');
      const stranded = await (async () => {
        const engine = await engineOn(store, [crashed], clock, rx.notifier);
        const run = await engine.client.start(crashed, undefined);
        await waitFor(async () => (await store.getRun(run.id))?.status === 'waiting');
        await engine.stop({ timeoutMs: 2000 });
        return run.id;
      })();
      await advance(clock, 10 * MINUTE);
      const [held] = await store.claimRuns({
        owner: 'gone',
        now: clock.now(),
        leaseMs: 5_000,
        limit: 1,
        workflows: [{ name: 'escalate-crash', version: '1', current: true }],
      });
      expect(held?.run.id).toBe(stranded);
      const before = rx.received.length;
      const fresh = await engineOn(store, [crashed], clock, rx.notifier);
      try {
        await advance(clock, 6_000);
        await waitFor(async () => (await escalationAudit(store, stranded)).length === 1);
        await waitFor(() => rx.received.length === before + 1);
        await fresh.client.signal(stranded, 'approval', { approved: true });
        await waitFor(async () => (await store.getRun(stranded))?.status === 'completed');
        const journal = await fresh.client.journal(stranded);
        expect(journal.filter((e) => e.kind === 'escalation').map((e) => e.name)).toEqual(['remind']);
        expect(rx.received).toHaveLength(before + 1);
      } finally {
        await fresh.stop({ timeoutMs: 2000 });
        await rx.close();
        await store.close();
      }
    });

    it('refuses policies that cannot work, with BATON_INVALID_ESCALATION', async () => {
      for (const bad of [
        [{ after: -5, action: 'remind', channels: ['ops'] }],
        [{ after: '10m', action: 'decide' }],
        [{ after: '10m', action: 'notify', channels: [{ type: 'webhook' }] }],
        [{ after: '10m', action: 'reassign' }],
        [
          { after: '20m', action: 'remind', channels: ['ops'] },
          { after: '10m', action: 'remind', channels: ['ops'] },
        ],
        [{ after: '10m', action: 'shout' }],
        [],
      ]) {
        let code: string | undefined;
        try {
          defineEscalation(bad as EscalationStage[]);
        } catch (error) {
          code = (error as { code?: string }).code;
        }
        expect(code, JSON.stringify(bad)).toBe('BATON_INVALID_ESCALATION');
      }
      const store = await factory.create();
      const clock = new ManualClock();
      const wf = approvalWorkflow('escalate-bad', [{ after: '10m', action: 'decide' } as unknown as EscalationStage]);
      const rx = await receiver();
      const engine = await engineOn(store, [wf], clock, rx.notifier);
      try {
        const run = await engine.client.start(wf, undefined);
        const failed = await rejection(run.result());
        expect(JSON.stringify({ code: failed.code, cause: failed.cause, message: failed.message })).toContain('BATON_INVALID_ESCALATION');
      } finally {
        await engine.stop({ timeoutMs: 2000 });
        await rx.close();
        await store.close();
      }
    });
  });
}
