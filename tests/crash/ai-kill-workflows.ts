/**
 * The workflow of the AI kill test and benchmark: a run of AI_KILL_TURNS model calls in a row, each
 * prompt naming the run and the turn, so every provider request can be matched with the journaled
 * turn it was for. With BATON_TURN_LOG set, the time each answer reached the workflow is appended there.
 */
import { appendFileSync } from 'node:fs';
import { defineWorkflow } from '@baton/core';
import '@baton/ai';

export const AI_KILL_TURNS = 5;

/** The prompt of one turn; the scripted provider answers `answer to <prompt>`. */
export function turnPrompt(runId: string, turn: number): string {
  return `run ${runId} turn ${turn}`;
}

/** Parses a prompt made by turnPrompt. */
export function parseTurnPrompt(prompt: string): { runId: string; turn: number } | undefined {
  const match = /^run (\S+) turn (\d+)$/.exec(prompt);
  return match === null ? undefined : { runId: match[1]!, turn: Number(match[2]) };
}

export const aiKill = defineWorkflow({ name: 'ai-kill' }, async (ctx) => {
  const answers: string[] = [];
  for (let turn = 1; turn <= AI_KILL_TURNS; turn++) {
    const reply = await ctx.llm({ name: `turn-${turn}`, prompt: turnPrompt(ctx.runId, turn) });
    answers.push(reply.text);
    // When the answer reached the workflow (its write submitted, not yet committed): measurement only,
    // outside the journal (a replay logs again, after the commit).
    const log = process.env.BATON_TURN_LOG;
    if (log !== undefined) appendFileSync(log, `${JSON.stringify({ runId: ctx.runId, step: `llm:turn-${turn}`, at: Date.now() })}\n`);
  }
  return answers;
});
