/** createTestEnv on both stores: time skipping, signals and timeouts, saga compensation, step mocks, stuck runs. */
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, TIMED_OUT, defineWorkflow, type Store } from '@baton/core';
import { createTestEnv, type TestEnv, type TestEnvOptions } from '@baton/testkit';
import { TEST_STORES } from './test-stores.js';

const DAY = 24 * 3_600_000;

const hibernate = defineWorkflow({ name: 'hibernate' }, async (ctx, input: { days: number }) => {
  await ctx.sleep(`${input.days}d`);
  return await ctx.step('wake-up', () => 'awake');
});

const approval = defineWorkflow({ name: 'approval' }, async (ctx, input: { amount: number }) => {
  const answer = await ctx.waitForSignal<{ by: string }>('approve', { timeout: '3d' });
  if (answer === TIMED_OUT) return await ctx.step('escalate', () => ({ status: 'escalated', amount: input.amount }));
  return { status: 'approved', by: answer.by };
});

const booking = defineWorkflow({ name: 'booking', retry: { maxAttempts: 2, initialInterval: '1h' } }, async (ctx, trip: { id: string }) => {
  const flight = await ctx.step('book-flight', () => `F-${trip.id}`, { compensate: () => 'flight cancelled' });
  const hotel = await ctx.step('book-hotel', () => `H-${trip.id}`, { compensate: () => 'hotel cancelled' });
  const car = await ctx.step('book-car', (): string => {
    throw new Error('no cars left');
  });
  return { flight, hotel, car };
});

const checkout = defineWorkflow({ name: 'checkout' }, async (ctx, order: { total: number }) => {
  const receipt = await ctx.step('charge-card', () => ({ charged: order.total, by: 'the real payment provider' }), { input: { amount: order.total } });
  return await ctx.step('send-receipt', () => ({ receipt, sent: true }));
});

/** Started by an order's event; waits up to 7 days for its parcel's delivery event. */
const shipment = defineWorkflow({ name: 'shipment', on: { event: 'order.placed', input: 'data' } }, async (ctx, order: { orderId: string }) => {
  const delivered = await ctx.waitForEvent<{ orderId: string; by: string }>('parcel.delivered', { match: { 'data.orderId': order.orderId }, timeout: '7d' });
  if (delivered === TIMED_OUT) return await ctx.step('report-lost', () => `lost ${order.orderId}`);
  return `${order.orderId} delivered by ${delivered.data.by}`;
});

const gate = defineWorkflow({ name: 'gate' }, async (ctx) => {
  await ctx.waitForSignal('open');
  return 'opened';
});

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe.each(TEST_STORES)('createTestEnv on $name', ({ enabled, create }) => {
  const open = async (options: Omit<TestEnvOptions, 'store'>): Promise<TestEnv> => {
    const store: Store | 'memory' | undefined = create();
    env = await createTestEnv(store === undefined ? options : { ...options, store });
    return env;
  };

  it.runIf(enabled)('finishes a run that sleeps 30 days in under a second', async () => {
    const t = await open({ workflows: [hibernate] });
    const startedAt = t.now().getTime();
    const cpuStart = process.cpuUsage();
    const realStart = performance.now();
    const run = await t.start(hibernate, { days: 30 });
    await expect(run.result()).resolves.toBe('awake');
    const cpu = process.cpuUsage(cpuStart);
    const wallMs = performance.now() - realStart;
    expect(t.now().getTime() - startedAt).toBeGreaterThanOrEqual(30 * DAY);
    expect((await t.journal(run.id)).map((e) => e.name)).toEqual(['sleep', 'wake-up']);
    // The work is this process's CPU time, which other processes on a loaded machine do not inflate as
    // they do the wall time: under a second. The wall time is bounded loosely, only to show that
    // nothing waited on real time (tests run beside others on two shared cores).
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(1000);
    expect(wallMs).toBeLessThan(5000);
  });

  it.runIf(enabled)('takes the timeout path of an approval nobody answers within 3 days', async () => {
    const t = await open({ workflows: [approval] });
    const startedAt = t.now().getTime();
    const run = await t.start(approval, { amount: 120 });
    await expect(run.result()).resolves.toEqual({ status: 'escalated', amount: 120 });
    expect(t.now().getTime() - startedAt).toBe(3 * DAY);
    const journal = await t.journal(run.id);
    expect(journal.map((e) => [e.kind, e.name, e.status, e.error?.code])).toEqual([
      ['signal', 'approve', 'failed', ErrorCode.Timeout],
      ['step', 'escalate', 'completed', undefined],
    ]);
  });

  it.runIf(enabled)('takes the approval path when the signal comes on day 2', async () => {
    const t = await open({ workflows: [approval] });
    const startedAt = t.now().getTime();
    const run = await t.start(approval, { amount: 120 });
    await t.advance('2d');
    expect((await t.get(run.id)).status).toBe('waiting');
    await t.signal(run.id, 'approve', { by: 'ada' });
    await expect(run.result()).resolves.toEqual({ status: 'approved', by: 'ada' });
    expect(t.now().getTime() - startedAt).toBe(2 * DAY);
  });

  it.runIf(enabled)('runs the compensations of a saga in reverse order when its third step fails', async () => {
    const t = await open({ workflows: [booking] });
    const run = await t.start(booking, { id: 't-1' });
    const error = await run.result().then(
      () => undefined,
      (e: unknown) => e as { code?: string; message: string },
    );
    expect(error?.message).toContain('no cars left');
    expect((await t.get(run.id)).status).toBe('failed');
    const journal = await t.journal(run.id);
    expect(journal.map((e) => [e.kind, e.name, e.status])).toEqual([
      ['step', 'book-flight', 'completed'],
      ['step', 'book-hotel', 'completed'],
      ['step', 'book-car', 'failed'],
      ['compensation', 'compensate:book-hotel', 'completed'],
      ['compensation', 'compensate:book-flight', 'completed'],
    ]);
    expect(journal[2]?.attempts).toBe(2); // the retry's hour-long back-off was skipped too
    expect(journal[3]).toMatchObject({ compensates: journal[1]?.seq, input: 'H-t-1' });
    expect(journal[4]).toMatchObject({ compensates: journal[0]?.seq, input: 'F-t-1' });
  });

  it.runIf(enabled)('runs a mocked step instead of its function, and journals it as the step', async () => {
    const calls: unknown[] = [];
    const t = await open({
      workflows: [checkout],
      mocks: {
        steps: {
          'charge-card': (input, info) => {
            calls.push({ input, step: info.step, attempt: info.attempt });
            return { charged: (input as { amount: number }).amount, by: 'mock' };
          },
        },
      },
    });
    const run = await t.start(checkout, { total: 42 });
    await expect(run.result()).resolves.toEqual({ receipt: { charged: 42, by: 'mock' }, sent: true });
    expect(calls).toEqual([{ input: { amount: 42 }, step: 'charge-card', attempt: 1 }]);
    const journal = await t.journal(run.id);
    expect(journal[0]).toMatchObject({ kind: 'step', name: 'charge-card', input: { amount: 42 }, output: { charged: 42, by: 'mock' } });

    t.mockStep('charge-card', () => {
      throw new Error('card declined');
    });
    const declined = await t.start(checkout, { total: 7 });
    await expect(declined.result()).rejects.toThrow(/card declined/);
  });

  it.runIf(enabled)('starts runs from emitted events, and delivers an event to the run waiting for it, or times the wait out', async () => {
    const t = await open({ workflows: [shipment] });
    const startedAt = t.now().getTime();
    expect(await t.emit('order.placed', { orderId: 'o-1' })).toMatchObject({ created: true });
    expect(await t.emit('order.placed', { orderId: 'o-2' })).toMatchObject({ created: true });
    await t.settle();
    const { runs } = await t.client.list({ workflow: 'shipment' });
    const byOrder = new Map(runs.map((run) => [(run.input as { orderId: string }).orderId, run.id]));
    expect([...byOrder.keys()].sort()).toEqual(['o-1', 'o-2']);
    for (const id of byOrder.values()) expect((await t.get(id)).status).toBe('waiting');

    await t.advance('1d');
    await t.emit('parcel.delivered', { orderId: 'o-2', by: 'courier' });
    await expect(t.result(byOrder.get('o-2')!)).resolves.toBe('o-2 delivered by courier');
    expect(t.now().getTime() - startedAt).toBe(DAY);
    await expect(t.result(byOrder.get('o-1')!)).resolves.toBe('lost o-1');
    expect(t.now().getTime() - startedAt).toBe(7 * DAY);
    expect((await t.journal(byOrder.get('o-1')!)).map((e) => [e.kind, e.name, e.status])).toEqual([
      ['event', 'parcel.delivered', 'failed'],
      ['step', 'report-lost', 'completed'],
    ]);
  });

  it.runIf(enabled)('fails result() at once, saying what the run waits for, when a signal with no timeout is missing', async () => {
    const t = await open({ workflows: [gate, hibernate] });
    await t.start(hibernate, { days: 1 }); // a timer elsewhere must not make the environment skip on forever
    const run = await t.start(gate, {});
    const realStart = performance.now();
    const error = await run.result().then(
      () => undefined,
      (e: unknown) => e as { code?: string; message: string },
    );
    expect(error?.code).toBe(ErrorCode.Timeout);
    expect(error?.message).toContain(`Run ${run.id} of 'gate' waits for signal 'open' with no timeout`);
    expect(performance.now() - realStart).toBeLessThan(5000);
    await t.signal(run.id, 'open');
    await expect(run.result()).resolves.toBe('opened');
  });
});

it("refuses a store that is neither a Store nor 'memory', with BATON_INVALID_ARGUMENT", async () => {
  await expect(createTestEnv({ workflows: [hibernate], store: 'disk' as 'memory' })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
});

it("keeps an environment's store in memory with store: 'memory'", async () => {
  env = await createTestEnv({ workflows: [hibernate], store: 'memory' });
  expect((env.store as { path?: string }).path).toBe(':memory:');
  await expect(env.execute(hibernate, { days: 30 })).resolves.toBe('awake');
});
