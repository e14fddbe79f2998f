/**
 * Order fulfilment, started by an event: every `order.created` event starts a run, which reserves
 * stock, waits (durably, up to 24 hours) for the `payment.received` event of the same order, and
 * then ships it, or releases the stock if no payment came. One run at a time per customer, and the
 * carrier's API is called at most 2 times a second across every worker.
 */
import { TIMED_OUT, defineRateLimit, defineWorkflow, type ReceivedEvent } from '@baton/core';

export interface OrderCreated {
  orderId: string;
  customerId: string;
  items: { sku: string; quantity: number }[];
}

export interface PaymentReceived {
  orderId: string;
  amount: number;
}

export type FulfilmentOutcome = { status: 'shipped'; orderId: string; trackingNumber: string } | { status: 'unpaid'; orderId: string };

export interface FulfilmentServices {
  reserveStock(orderId: string, items: OrderCreated['items']): Promise<string>;
  releaseStock(reservationId: string): Promise<void>;
  bookShipment(orderId: string): Promise<string>;
}

/** A carrier quota shared by every step that books a shipment. */
export const carrierApi = defineRateLimit({ name: 'carrier-api', limit: 2, period: '1s' });

export function createOrderFulfilment(services: FulfilmentServices) {
  return defineWorkflow(
    {
      name: 'order-fulfilment',
      description: 'Reserve stock, wait for the payment event, ship.',
      on: { event: 'order.created' },
      concurrency: { limit: 1, key: (event: ReceivedEvent<OrderCreated>) => event.data.customerId },
    },
    async (ctx, event: ReceivedEvent<OrderCreated>): Promise<FulfilmentOutcome> => {
      const { orderId, items } = event.data;
      const reservation = await ctx.step('reserve-stock', () => services.reserveStock(orderId, items), {
        input: { orderId, items },
        compensate: (id) => services.releaseStock(id),
      });
      const payment = await ctx.waitForEvent<PaymentReceived>('payment.received', { match: { 'data.orderId': orderId }, timeout: '24h' });
      if (payment === TIMED_OUT) {
        await ctx.step('release-stock', () => services.releaseStock(reservation), { input: { reservation } });
        return { status: 'unpaid', orderId };
      }
      const trackingNumber = await ctx.step('book-shipment', () => services.bookShipment(orderId), { input: { orderId }, rateLimit: carrierApi });
      return { status: 'shipped', orderId, trackingNumber };
    },
  );
}

/** In-memory services for the demo and the tests. */
export function createFulfilmentServices() {
  const reserved = new Map<string, string>();
  const released: string[] = [];
  const booked: string[] = [];
  return {
    reserved,
    released,
    booked,
    async reserveStock(orderId: string) {
      const id = `res-${orderId}`;
      reserved.set(id, orderId);
      return id;
    },
    async releaseStock(reservationId: string) {
      released.push(reservationId);
    },
    async bookShipment(orderId: string) {
      booked.push(orderId);
      return `TRK-${orderId}`;
    },
  };
}

export const orderFulfilment = createOrderFulfilment(createFulfilmentServices());
