/**
 * `call: baton.approval` on a real engine (a SQLite file, and PostgreSQL in a fresh schema): the run waits and shows in the inbox with
 * its form, a signal that violates the form is refused to its sender, a valid one completes the run
 * with its data, and a timeout is the DSL's timeout error (408), which a `try` can catch.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { hasErrorCode, type Engine } from '@baton/core';
import { parseDefinition } from '../src/index.js';
import { DefinitionRunner } from './definition-runner.js';
import { definition, testStores } from './test-stores.js';

const refund = definition(`
do:
  - prepare:
      set: { order: '\${ .order }', amount: '\${ .amount }' }
  - decide:
      call: baton.approval
      with:
        signal: refund-approval
        title: '\${ "Refund " + (.amount | tostring) + " for " + .order }'
        description: A customer asked for their money back.
        form:
          type: object
          properties:
            approved: { type: boolean }
            note: { type: string, maxLength: 200 }
          required: [ approved ]
      export:
        as: '\${ $context + { order: $input.order } }'
  - finish:
      set: { order: '\${ $context.order }', approved: '\${ .approved }', note: '\${ .note }' }
`);

async function waiting(engine: Engine, runId: string): Promise<void> {
  await expect.poll(async () => (await engine.client.get(runId))?.status, { timeout: 60_000 }).toBe('waiting');
}

for (const store of testStores('DSL approvals')) {
  const runner = new DefinitionRunner(() => store.create());
  afterAll(() => runner.close());

  describe(`call: baton.approval (${store.name})`, () => {
    it('waits in the inbox with its form; a signal that violates the form is refused; a valid one completes the run with its data', async () => {
      const workflow = await runner.workflow(refund);
      expect(Object.keys(workflow.options.signals ?? {})).toEqual(['refund-approval']);
      const engine = await runner.engine([workflow]);
      const { id } = await engine.client.start(workflow, { order: 'A-7', amount: 120 });
      await waiting(engine, id);

      const inbox = await engine.client.inbox.list();
      const entry = inbox.entries.find((e) => e.run.id === id);
      expect(entry?.signals).toEqual(['refund-approval']);
      expect((await engine.client.get(id))?.progress).toMatchObject({
        waitingFor: 'approval',
        task: '/do/1/decide',
        signal: 'refund-approval',
        title: 'Refund 120 for A-7',
        description: 'A customer asked for their money back.',
        form: { required: ['approved'] },
      });

      const refused = await engine.client.signal(id, 'refund-approval', { approved: 'yes' }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(hasErrorCode(refused, 'BATON_INVALID_SIGNAL')).toBe(true);
      expect((await engine.client.get(id))?.status).toBe('waiting');

      await engine.client.signal(id, 'refund-approval', { approved: true, note: 'loyal customer' });
      const out = await runner.outcome(engine, id);
      expect(out.status).toBe('completed');
      expect(out.output).toEqual({ order: 'A-7', approved: true, note: 'loyal customer' });
    });

    it('times out with the DSL timeout error (408), which a try catches', async () => {
      const out = await runner.run(
        definition(`
do:
  - ask:
      try:
        - approve:
            call: baton.approval
            with: { title: Ship it?, form: { type: object, properties: { ok: { type: boolean } } }, timeout: { milliseconds: 200 } }
      catch:
        errors: { with: { status: 408 } }
        as: late
        do:
          - fallback:
              set: { decided: automatically, why: '\${ $late.type }' }
`),
      );
      expect(out.status).toBe('completed');
      expect(out.output).toEqual({ decided: 'automatically', why: 'https://serverlessworkflow.io/spec/1.0.0/errors/timeout' });
    });

    it('an uncaught timeout fails the run with the 408 at the approval task', async () => {
      const out = await runner.run(
        definition(`do: [ { approve: { call: baton.approval, with: { title: Ship it?, form: { type: object }, timeout: PT0.2S } } } ]`),
      );
      expect(out.fault).toMatchObject({ status: 408, instance: '/do/0/approve' });
    });

    it('escalates: reassigned at once, then decided by default, each stage journaled and audited', async () => {
      const workflow = await runner.workflow(
        definition(`
do:
  - approve:
      call: baton.approval
      with:
        title: Ship it?
        form: { type: object, properties: { approved: { type: boolean } }, required: [ approved ] }
        escalation:
          - { after: PT0S, action: reassign, to: release-managers }
          - { after: { milliseconds: 300 }, action: decide, value: { approved: false } }
`),
      );
      const engine = await runner.engine([workflow]);
      const { id } = await engine.client.start(workflow, {});
      const out = await runner.outcome(engine, id);
      expect(out.status).toBe('completed');
      expect(out.output).toEqual({ approved: false });
      const journal = await engine.client.journal(id);
      expect(journal.filter((e) => e.kind === 'escalation').map((e) => e.name)).toEqual(['reassign', 'decide']);
      expect(journal.find((e) => e.kind === 'signal')?.input).toEqual({ decidedBy: 'escalation', stage: 1 });
      const audit = await engine.store.listAudit({ target: id, actor: 'escalation', limit: 10 });
      expect(audit.map((e) => e.action).reverse()).toEqual(['escalation.reassign', 'escalation.decide']);
    });

    it('a form that is no JSON Schema is a configuration fault', async () => {
      const out = await runner.run(definition(`do: [ { approve: { call: baton.approval, with: { title: x, form: { type: nonsense } } } } ]`));
      expect(out.fault).toMatchObject({ status: 400, instance: '/do/0/approve' });
      expect(out.fault?.detail).toContain('with.form');
    });
  });
}

describe('call: baton.approval escalation in the validation pass', () => {
  it('reports each problem of a policy at its stage, with its line', async () => {
    const parsed = await parseDefinition(
      definition(`
do:
  - approve:
      call: baton.approval
      with:
        title: Ship it?
        form: { type: object }
        escalation:
          - { after: PT10M, action: remind, channels: [ { type: webhook } ] }
          - { after: PT5M, action: reassign }
          - { after: soon, action: decide }
`),
    );
    expect(parsed.ok).toBe(false);
    const issues = parsed.ok ? [] : parsed.issues.map((i) => [i.path, i.line, i.message]);
    expect(issues).toEqual([
      ['/do/0/approve/with/escalation/0', 10, expect.stringContaining('`channels` is a non-empty list of channel names')],
      ['/do/0/approve/with/escalation/1', 11, expect.stringContaining('comes before the previous stage')],
      ['/do/0/approve/with/escalation/1', 11, expect.stringContaining('`to` names a person or a group')],
      ['/do/0/approve/with/escalation/2', 12, expect.stringContaining('`decide` needs the `value`')],
      [
        '/do/0/approve/with/escalation/2/after',
        12,
        'escalation: `after` is a duration such as PT10M or { minutes: 10 } (years and months are not accepted), not "soon"',
      ],
    ]);
  });
});
