/**
 * The workflows docs/testing.md tests: a welcome sequence that sleeps for days, a trip booking saga,
 * and an expense approval that escalates after 3 days. Their services are passed in, so a test gives
 * its own.
 */
import { TIMED_OUT, defineWorkflow } from '@baton/core';

export interface MailService {
  send(to: string, template: string): Promise<string>;
}

export function createWelcomeSequence(mail: MailService) {
  return defineWorkflow({ name: 'welcome-sequence' }, async (ctx, user: { email: string }) => {
    await ctx.step('send-welcome', () => mail.send(user.email, 'welcome'), { input: user });
    await ctx.sleep('30d');
    const id = await ctx.step('send-check-in', () => mail.send(user.email, 'check-in'), { input: user });
    return { lastMessage: id };
  });
}

export interface TravelServices {
  bookFlight(trip: string): Promise<string>;
  cancelFlight(booking: string): Promise<void>;
  bookHotel(trip: string): Promise<string>;
  cancelHotel(booking: string): Promise<void>;
  chargeCard(trip: string): Promise<string>;
}

export function createTripBooking(travel: TravelServices) {
  return defineWorkflow({ name: 'trip-booking', retry: { maxAttempts: 3, initialInterval: '10m' } }, async (ctx, trip: { id: string }) => {
    const flight = await ctx.step('book-flight', () => travel.bookFlight(trip.id), { compensate: (booking) => travel.cancelFlight(booking) });
    const hotel = await ctx.step('book-hotel', () => travel.bookHotel(trip.id), { compensate: (booking) => travel.cancelHotel(booking) });
    const payment = await ctx.step('charge-card', () => travel.chargeCard(trip.id));
    return { flight, hotel, payment };
  });
}

export const expenseApproval = defineWorkflow({ name: 'expense-approval' }, async (ctx, expense: { amount: number }) => {
  const decision = await ctx.waitForSignal<{ approved: boolean; by: string }>('decision', { timeout: '3d' });
  if (decision === TIMED_OUT) {
    await ctx.step('escalate', () => `escalated ${expense.amount} to finance`);
    return { status: 'escalated' as const };
  }
  return { status: decision.approved ? ('approved' as const) : ('rejected' as const), by: decision.by };
});
