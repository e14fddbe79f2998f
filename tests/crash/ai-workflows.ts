/**
 * The workflow of the AI crash test: a classification (ctx.llm with a schema), then an agent whose
 * tools write to the side-effect log (BATON_EFFECTS_LOG), one of them slowly, so a SIGKILL can land
 * during a tool call or during a model call.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { defineWorkflow } from '@baton/core';
import { agentTool } from '@baton/ai';
import { appendSideEffect } from './side-effect-log.js';

function effect(ev: 'begin' | 'end', runId: string, step: string, attempt: number, idempotencyKey: string): void {
  const path = process.env.BATON_EFFECTS_LOG;
  if (path !== undefined) appendSideEffect(path, { ev, runId, step, attempt, idempotencyKey, pid: process.pid, at: Date.now() });
}

export const aiCrash = defineWorkflow({ name: 'ai-crash' }, async (ctx, input: { ticket: string }) => {
  const triage = await ctx.llm({ name: 'triage', prompt: input.ticket, schema: z.object({ topic: z.string() }) });
  const answer = await ctx.agent({
    instructions: 'Look the order up, then check the warehouse, then answer.',
    prompt: input.ticket,
    tools: {
      lookup: agentTool({
        description: 'Looks an order up',
        input: z.object({ orderId: z.string() }),
        execute: ({ orderId }, info) => {
          effect('begin', info.runId, 'lookup', info.attempt, info.idempotencyKey);
          effect('end', info.runId, 'lookup', info.attempt, info.idempotencyKey);
          return { orderId, status: 'shipped' };
        },
      }),
      warehouse: agentTool({
        description: 'Asks the warehouse (slow)',
        input: z.object({ orderId: z.string() }),
        execute: async ({ orderId }, info) => {
          effect('begin', info.runId, 'warehouse', info.attempt, info.idempotencyKey);
          await delay(Number(process.env.BATON_SLOW_TOOL_MS ?? 1500));
          effect('end', info.runId, 'warehouse', info.attempt, info.idempotencyKey);
          return { orderId, shelf: 'B7' };
        },
      }),
    },
  });
  return { topic: triage.object?.topic, answer: answer.text, turns: answer.turns };
});
