/**
 * Signals checked when they are sent: data that does not match the schema the run's workflow
 * declares for the signal is refused with BATON_INVALID_SIGNAL, nothing is stored (the run never
 * sees it), and the refusal is audited; undeclared signals are sent as before.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorCode, defineWorkflow } from '@baton/core';
import { rejection, startHarness, waitForStatus, type StoreFactory } from '../../harness.js';

export function signalCheckSuite(factory: StoreFactory): void {
  describe('signals checked against the declared schema when sent', () => {
    it('refuses data that does not match, naming each wrong field, stores nothing and audits the refusal', async () => {
      const wf = defineWorkflow({ name: 'checked-approval', signals: { decision: z.object({ approved: z.boolean(), by: z.string() }) } }, async (ctx) => {
        const decision = await ctx.waitForSignal('decision');
        const note = await ctx.waitForSignal('note');
        return { decision, note };
      });
      const h = await startHarness(factory, [wf]);
      try {
        const run = await h.engine.client.start(wf, undefined);
        await waitForStatus(h.engine, run.id, 'waiting');
        const ops = h.engine.client.as({ id: 'ops' });
        const refused = await rejection(ops.signal(run.id, 'decision', { approved: 'yes' }));
        expect(refused.code).toBe(ErrorCode.InvalidSignal);
        expect(refused.message).toMatch(/Invalid data for signal 'decision'.*approved:.*by:.*Nothing was sent/);
        expect(refused.details).toEqual({
          signal: 'decision',
          fields: [
            { path: 'approved', message: expect.any(String) as string },
            { path: 'by', message: expect.any(String) as string },
          ],
        });
        const root = await rejection(ops.signal(run.id, 'decision', 'approve'));
        expect(root.details?.fields).toEqual([{ path: '(root)', message: expect.any(String) as string }]);

        const audit = await h.store.listAudit({ actor: 'ops', action: 'run.signal', limit: 10 });
        expect(audit.map((e) => e.result)).toEqual([ErrorCode.InvalidSignal, ErrorCode.InvalidSignal]);
        expect(JSON.parse(audit[1]!.detail ?? '{}')).toEqual({ signal: 'decision', fields: ['approved', 'by'] });

        // Nothing was stored: the run still waits, and the first signal it consumes is the valid one.
        expect((await h.engine.client.get(run.id))?.status).toBe('waiting');
        await ops.signal(run.id, 'decision', { approved: true, by: 'dana' });
        // A signal the workflow does not declare takes any data, as before.
        await ops.signal(run.id, 'note', 42);
        expect(await run.result()).toEqual({ decision: { approved: true, by: 'dana' }, note: 42 });
        expect((await h.engine.client.journal(run.id)).filter((e) => e.kind === 'signal').map((e) => e.output)).toEqual([{ approved: true, by: 'dana' }, 42]);
        expect((await h.store.listAudit({ actor: 'ops', action: 'run.signal', limit: 10 })).map((e) => e.result)).toEqual([
          'ok',
          'ok',
          ErrorCode.InvalidSignal,
          ErrorCode.InvalidSignal,
        ]);
      } finally {
        await h.close();
      }
    });

    it("checks with the schema of the run's own version", async () => {
      const body = async (ctx: { waitForSignal(name: string): Promise<unknown> }) => ctx.waitForSignal('decision');
      const v1 = defineWorkflow({ name: 'versioned-signal', version: '1', signals: { decision: z.boolean() } }, body);
      const v2 = defineWorkflow({ name: 'versioned-signal', version: '2', signals: { decision: z.enum(['yes', 'no']) } }, body);
      const h = await startHarness(factory, [v1, v2]);
      try {
        const old = await h.engine.client.start(v1, undefined);
        const current = await h.engine.client.start(v2, undefined);
        expect((await rejection(h.engine.client.signal(old.id, 'decision', 'yes'))).code).toBe(ErrorCode.InvalidSignal);
        expect((await rejection(h.engine.client.signal(current.id, 'decision', true))).code).toBe(ErrorCode.InvalidSignal);
        await h.engine.client.signal(old.id, 'decision', true);
        await h.engine.client.signal(current.id, 'decision', 'no');
        expect(await old.result()).toBe(true);
        expect(await current.result()).toBe('no');
      } finally {
        await h.close();
      }
    });

    it('refuses a signal to a finished run as finished, whatever its data', async () => {
      const wf = defineWorkflow({ name: 'done-signal', signals: { decision: z.boolean() } }, async () => 'done');
      const h = await startHarness(factory, [wf]);
      try {
        const run = await h.engine.client.start(wf, undefined);
        await run.result();
        expect((await rejection(h.engine.client.signal(run.id, 'decision', 'not a boolean'))).code).toBe(ErrorCode.RunFinished);
      } finally {
        await h.close();
      }
    });
  });
}
