/** docs/testing.md, "Testing a saga's compensation": the card is declined, the bookings are undone in reverse order. */
import { afterEach, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '@baton/testkit';
import { createTripBooking, type TravelServices } from './workflows.js';

let env: TestEnv | undefined;
afterEach(() => env?.close());

it('cancels the hotel, then the flight, when the card is declined', async () => {
  const cancelled: string[] = [];
  const travel: TravelServices = {
    bookFlight: async (trip) => `flight-${trip}`,
    cancelFlight: async (booking) => void cancelled.push(booking),
    bookHotel: async (trip) => `hotel-${trip}`,
    cancelHotel: async (booking) => void cancelled.push(booking),
    chargeCard: () => Promise.reject(new Error('card declined')),
  };
  const tripBooking = createTripBooking(travel);
  env = await createTestEnv({ workflows: [tripBooking] });

  const run = await env.start(tripBooking, { id: 'lisbon' });
  await expect(run.result()).rejects.toThrow(/card declined/);

  expect(cancelled).toEqual(['hotel-lisbon', 'flight-lisbon']);
  const journal = await env.journal(run.id);
  expect(journal.map((entry) => [entry.kind, entry.name, entry.status, entry.attempts])).toEqual([
    ['step', 'book-flight', 'completed', 1],
    ['step', 'book-hotel', 'completed', 1],
    ['step', 'charge-card', 'failed', 3], // its retries' back-offs were skipped too
    ['compensation', 'compensate:book-hotel', 'completed', 1],
    ['compensation', 'compensate:book-flight', 'completed', 1],
  ]);
});
