/** The workflows the workloads run: trivial steps, so the figures show the engine's own cost. */
import { defineWorkflow } from '@baton/core';

/** `steps` sequential steps, each adding one to the previous result. */
export const chain = defineWorkflow<{ steps: number }, number>({ name: 'bench.chain' }, async (ctx, input) => {
  let value = 0;
  for (let i = 0; i < input.steps; i++) {
    const previous = value;
    value = await ctx.step('add', () => previous + 1);
  }
  return value;
});

/** `width` parallel steps joined with Promise.all; returns the sum of their results. */
export const fanOut = defineWorkflow<{ width: number }, number>({ name: 'bench.fan-out' }, async (ctx, input) => {
  const values = await Promise.all(Array.from({ length: input.width }, (_, i) => ctx.step('branch', () => i)));
  return values.reduce((sum, v) => sum + v, 0);
});

/** One step. */
export const single = defineWorkflow<number, number>({ name: 'bench.single' }, async (ctx, input) => ctx.step('one', () => input + 1));

/** Sleeps for an hour as its first operation. */
export const sleeper = defineWorkflow<null, string>({ name: 'bench.sleeper' }, async (ctx) => {
  await ctx.sleep('1 hour');
  return 'woke';
});
