/**
 * Text a store cannot keep as it is: NUL (U+0000) and lone UTF-16 surrogates. In ids, names, tags,
 * filters and other stored text the client refuses them (BATON_INVALID_TEXT, naming the field) on
 * every store alike, before anything is written; in payloads (inputs, outputs, signal and event data,
 * schedule inputs) they are kept and round-trip exactly. Crons that never fire are refused too.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode, defineWorkflow, unstorableCharacter, type Client } from '@baton/core';
import { startHarness, type StoreFactory } from '../../harness.js';

const NUL = 'a\u0000b';
const HIGH = 'x\ud800';
const LOW = '\udc00y';
const UNSTORABLE = [NUL, HIGH, LOW];

/** Every string shape a payload may hold, keys included; an emoji's surrogate pair is ordinary text. */
const ODD_PAYLOAD = {
  nul: NUL,
  high: HIGH,
  low: LOW,
  emoji: 'ok 😀',
  list: ['\u0000', '\ud83d', '\ude00', ''],
  ['key\u0000']: 1,
  ['\udbff']: { deep: '\u0000\u0000' },
};

const echo = defineWorkflow({ name: 'text-echo' }, async (ctx, input: unknown) => {
  const data = await ctx.waitForSignal<unknown>('answer');
  const step = await ctx.step('copy', () => ({ input, data }));
  return step;
});

async function refusals(client: Client, bad: string): Promise<[string, () => Promise<unknown>][]> {
  return [
    ['run id', () => client.get(bad)],
    ['run id', () => client.inspect(bad)],
    ['run id', () => client.start('text-echo', {}, { id: bad })],
    ['workflow name', () => client.start(bad, {})],
    ['queue', () => client.start('text-echo', {}, { queue: bad })],
    ['tag', () => client.start('text-echo', {}, { tags: ['fine', bad] })],
    ['workflow', () => client.list({ workflow: bad })],
    ['tag', () => client.list({ tag: bad })],
    ['search', () => client.list({ search: bad })],
    ['parentId', () => client.list({ parentId: bad })],
    ['cursor', () => client.list({ cursor: bad })],
    ['run id', () => client.signal(bad, 'answer', 1)],
    ['signal name', () => client.signal('some-run', bad, 1)],
    ['run id', () => client.cancel(bad)],
    ['cancel reason', () => client.cancel('some-run', bad)],
    ['run id', () => client.retry(bad)],
    ['run id', () => client.resume(bad)],
    ['event type', () => client.emit(bad, {})],
    ['event id', () => client.emit('t', {}, { id: bad })],
    ['event source', () => client.emit('t', {}, { source: bad })],
    ['event subject', () => client.emit('t', {}, { subject: bad })],
    ['event id', () => client.events.emitCloudEvent({ specversion: '1.0', id: bad, source: 's', type: 't' })],
    ['event type', () => client.events.list({ type: bad })],
    ['schedule id', () => client.schedules.create({ id: bad, workflow: 'text-echo', cron: '0 0 * * *' })],
    ['workflow name', () => client.schedules.create({ id: 'text-s', workflow: bad, cron: '0 0 * * *' })],
    ['cron pattern', () => client.schedules.create({ id: 'text-s', workflow: 'text-echo', cron: `0 0 * * *${bad}` })],
    ['time zone', () => client.schedules.create({ id: 'text-s', workflow: 'text-echo', cron: '0 0 * * *', timezone: bad })],
    ['schedule id', () => client.schedules.get(bad)],
    ['schedule id', () => client.schedules.pause(bad)],
    ['schedule id', () => client.schedules.delete(bad)],
    ['run id', () => client.inbox.claim(bad, 'ann')],
    ['assignee', () => client.inbox.claim('some-run', bad)],
  ];
}

export function textSuite(factory: StoreFactory): void {
  describe('unstorable text', () => {
    it('refuses NUL and lone surrogates in ids, names, tags and filters with BATON_INVALID_TEXT naming the field, changing nothing (a refused change is audited as refused)', async () => {
      const h = await startHarness(factory, [echo]);
      try {
        const client = h.engine.client.as({ id: 'tester' });
        const before = await h.store.listAudit({ limit: 1000 });
        for (const bad of UNSTORABLE) {
          for (const [field, call] of await refusals(client, bad)) {
            const error = await call().then(
              () => undefined,
              (e: unknown) => e,
            );
            expect(error, `${field} ${JSON.stringify(bad)}`).toMatchObject({ code: ErrorCode.InvalidText, details: { field } });
          }
        }
        expect((await client.list()).runs).toEqual([]);
        expect(await client.events.list()).toEqual([]);
        expect(await client.schedules.list()).toEqual([]);
        // A refused change is audited as refused, with what it was given kept readably (U+FFFD for the character).
        const recorded = (await h.store.listAudit({ limit: 1000 })).slice(0, -before.length || undefined);
        for (const entry of recorded) {
          expect(entry.result, JSON.stringify(entry)).toBe(ErrorCode.InvalidText);
          expect(unstorableCharacter(`${entry.target}${entry.detail ?? ''}`), JSON.stringify(entry)).toBeUndefined();
        }
        // Ordinary text, surrogate pairs included, still goes through.
        const fine = await client.start('text-echo', {}, { tags: ['😀 tag'] });
        expect((await client.list({ tag: '😀 tag' })).runs.map((r) => r.id)).toEqual([fine.id]);
        await client.cancel(fine.id, 'done 😀');
      } finally {
        await h.close();
      }
    });

    it('round-trips NUL and lone surrogates in payloads exactly: run input and output, signal data, event data, schedule input', async () => {
      const h = await startHarness(factory, [echo]);
      try {
        const client = h.engine.client;
        const run = await client.start(echo, ODD_PAYLOAD);
        expect((await client.get(run.id))?.input).toEqual(ODD_PAYLOAD);
        await client.signal(run.id, 'answer', ODD_PAYLOAD);
        expect(await run.result({ timeoutMs: 20_000 })).toEqual({ input: ODD_PAYLOAD, data: ODD_PAYLOAD });
        const journal = await client.journal(run.id);
        expect(journal.find((e) => e.name === 'copy')?.output).toEqual({ input: ODD_PAYLOAD, data: ODD_PAYLOAD });
        // Runs with such inputs are still found by search, and the search reads them without failing.
        expect((await client.list({ search: 'emoji' })).runs.map((r) => r.id)).toEqual([run.id]);

        const event = await client.emit('text.odd', ODD_PAYLOAD, { id: 'odd-1' });
        expect(event.data).toEqual(ODD_PAYLOAD);
        expect((await client.events.list({ type: 'text.odd' }))[0]?.data).toEqual(ODD_PAYLOAD);

        const schedule = await client.schedules.create({ id: 'odd-schedule', workflow: 'text-echo', cron: '0 0 1 1 *', input: ODD_PAYLOAD });
        expect(schedule.input).toEqual(ODD_PAYLOAD);
        expect((await client.schedules.get('odd-schedule'))?.input).toEqual(ODD_PAYLOAD);
      } finally {
        await h.close();
      }
    });

    it('refuses a cron pattern that never fires, on create and on update', async () => {
      const h = await startHarness(factory, [echo]);
      try {
        const client = h.engine.client;
        for (const cron of ['0 0 31 2 *', '0 0 30 2 *', '0 0 31 4 *']) {
          await expect(client.schedules.create({ id: 'never', workflow: echo, cron })).rejects.toMatchObject({
            code: ErrorCode.InvalidArgument,
            message: expect.stringContaining('never fires'),
            details: { field: 'cron' },
          });
        }
        await client.schedules.create({ id: 'leap', workflow: echo, cron: '0 0 29 2 *' });
        await expect(client.schedules.update('leap', { cron: '0 0 31 2 *' })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
        expect((await client.schedules.get('leap'))?.cron).toBe('0 0 29 2 *');
        expect((await client.schedules.list()).map((s) => s.id)).toEqual(['leap']);
        expect(() => defineWorkflow({ name: 'never-fires', schedule: { cron: '0 0 31 2 *' } }, async () => undefined)).toThrow(/never fires/);
      } finally {
        await h.close();
      }
    });
  });
}
