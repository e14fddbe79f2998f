/** Order fulfilment end to end: started by an event, waits for the matching payment event (or times out). */
import { afterEach, describe, expect, it } from 'vitest';
import { DAY, MINUTE, startTestEngine, waitForEnd, type TestEngine } from '../test-support.js';
import { createFulfilmentServices, createOrderFulfilment } from './workflow.js';

let current: TestEngine | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

describe('order-fulfilment', () => {
  it('starts on order.created, ships once the payment event for that order arrives', async () => {
    const services = createFulfilmentServices();
    current = await startTestEngine([createOrderFulfilment(services)]);
    const { client } = current;
    await client.emit('order.created', { orderId: 'o-1', customerId: 'c-1', items: [{ sku: 'A', quantity: 2 }] }, { id: 'order-o-1' });
    await client.emit('order.created', { orderId: 'o-1', customerId: 'c-1', items: [{ sku: 'A', quantity: 2 }] }, { id: 'order-o-1' }); // a duplicate
    let runId: string | undefined;
    for (let i = 0; i < 200 && runId === undefined; i++) {
      runId = (await client.list({ workflow: 'order-fulfilment', status: 'waiting' })).runs[0]?.id;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(runId).toBeDefined();
    await client.emit('payment.received', { orderId: 'o-2', amount: 10 }); // another order's payment
    await client.emit('payment.received', { orderId: 'o-1', amount: 42 });
    const run = await waitForEnd(client, runId!);
    expect(run.output).toEqual({ status: 'shipped', orderId: 'o-1', trackingNumber: 'TRK-o-1' });
    expect((await client.list({ workflow: 'order-fulfilment' })).runs).toHaveLength(1);
    expect(services.booked).toEqual(['o-1']);
  });

  it('releases the stock when no payment comes within a day', async () => {
    const services = createFulfilmentServices();
    current = await startTestEngine([createOrderFulfilment(services)]);
    const { client, clock } = current;
    await client.emit('order.created', { orderId: 'o-9', customerId: 'c-9', items: [] });
    let runId: string | undefined;
    for (let i = 0; i < 200 && runId === undefined; i++) {
      runId = (await client.list({ workflow: 'order-fulfilment', status: 'waiting' })).runs[0]?.id;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    clock.advance(DAY + MINUTE);
    const run = await waitForEnd(client, runId!);
    expect(run.output).toEqual({ status: 'unpaid', orderId: 'o-9' });
    expect(services.released).toEqual(['res-o-9']);
  });
});
