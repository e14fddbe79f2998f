/**
 * The code `npm run bench:replay` records runs of and replays them against: an approval that waits
 * for a decision between its steps, and a ten-task definition (YAML) written next to it as a file,
 * so `baton replay --workflows` loads both as a deployment would.
 */
import { z } from 'zod';
import { defineWorkflow } from '@baton/core';

export const approval = defineWorkflow({ name: 'bench-approval', input: z.object({ amount: z.number() }) }, async (ctx, input) => {
  const invoice = await ctx.step('extract', () => ({ amount: input.amount, vendor: 'Northwind' }));
  await ctx.step('validate-po', () => invoice.amount > 0);
  const limit = await ctx.step('check-budget', () => invoice.amount < 5000);
  await ctx.step('request-approval', () => ({ to: limit ? 'manager' : 'cfo' }));
  const decision = await ctx.waitForSignal<{ approved: boolean }>('decision');
  if (!decision.approved) return 'rejected';
  await ctx.step('book', () => ({ booked: invoice.amount }));
  await ctx.step('notify', () => 'sent');
  return 'booked';
});
