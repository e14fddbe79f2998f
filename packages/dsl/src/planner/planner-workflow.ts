/**
 * Planning as a durable Baton run (`baton.plan`): read the catalog (one journaled step), then round
 * after round ask the model for a definition (one `ctx.llm` step each, never paid for twice), check
 * the answer (a journaled step: a replay takes the recorded verdict), and send the problems back,
 * until an answer is valid or the rounds run out. A crash mid-plan resumes after the last journaled
 * round. Model errors (no model, a provider down after its retries, a budget) fail the run as the
 * AI package raised them.
 */
import '@baton/ai';
import type { LlmResult } from '@baton/ai';
import { defineWorkflow, type Workflow, type WorkflowContext } from '@baton/core';
import { z } from 'zod';
import { PLANNER_GUIDE } from './guide.js';
import { planDiff } from './plan-diff.js';
import type { PlanProgress, PlanRequest, PlanResult, PlanRound, PlanTokens } from './plan-types.js';
import { PLANNER_WORKFLOW, type PlannerOptions } from './planner-options.js';
import { plannerFeedbackMessage, plannerRequestMessage, plannerSystemPrompt } from './planner-prompt.js';
import type { PlanningCatalog } from './planning-catalog.js';
import { validateAnswer, type AnswerVerdict } from './validate-answer.js';

/** The planner's version: runs stay pinned to it, so change it when the journal's shape changes. */
export const PLANNER_VERSION = '1';

const DEFAULT_ROUNDS = 3;
/** The largest definition a revision may start from (200 KB). */
const MAX_FROM = 200 * 1024;

/** A plan request as the run's input: checked at start, so a bad one creates no run. */
export const planRequestSchema = z.strictObject({
  description: z.string().trim().min(1, 'describe the process (1 to 20,000 characters)').max(20_000, 'the description is over 20,000 characters'),
  model: z.string().min(1).max(200).optional(),
  from: z.string().max(MAX_FROM, 'the definition to revise is over 200 KB').optional(),
  maxRounds: z.number().int().min(1).max(10).optional(),
});

type Messages = NonNullable<Parameters<WorkflowContext['llm']>[0]['messages']>;

/** The durable `baton.plan` workflow; register it with an engine beside the deployment's others. */
export function plannerWorkflow(options: PlannerOptions): Workflow<PlanRequest, PlanResult> {
  return defineWorkflow<PlanRequest, PlanResult>(
    {
      name: PLANNER_WORKFLOW,
      version: PLANNER_VERSION,
      description:
        'Writes a Serverless Workflow definition from a plain-language description, validated against the DSL and the catalog of what the deployment has',
      input: planRequestSchema as z.ZodType<PlanRequest>,
    },
    async (ctx, request) => {
      const maxRounds = request.maxRounds ?? options.defaultRounds ?? DEFAULT_ROUNDS;
      const rounds: PlanRound[] = [];
      const progress = (phase: PlanProgress['phase'], round: number): void =>
        ctx.setProgress({ planning: true, phase, round, maxRounds, rounds: [...rounds] } satisfies PlanProgress);

      progress('catalog', 1);
      const catalog: PlanningCatalog = await ctx.step('catalog', () => options.catalog());
      const system = plannerSystemPrompt(PLANNER_GUIDE, catalog);
      const messages: Messages = [{ role: 'user', content: plannerRequestMessage(request.description, request.from) }];
      let verdict: AnswerVerdict | undefined;
      for (let round = 1; round <= maxRounds; round++) {
        progress('asking', round);
        const answer = await ctx.llm({
          name: `plan-round-${round}`,
          system,
          messages: [...messages],
          ...(request.model === undefined ? {} : { model: request.model }),
        });
        progress('validating', round);
        verdict = await ctx.step(`validate-round-${round}`, () => validateAnswer(answer.text, catalog));
        rounds.push(roundOf(round, answer, verdict));
        if (verdict.valid) break;
        messages.push({ role: 'assistant', content: answer.text }, { role: 'user', content: plannerFeedbackMessage(verdict.issues) });
      }
      progress('done', rounds.length);
      return resultOf(request, rounds, verdict);
    },
  );
}

function roundOf(round: number, answer: LlmResult, verdict: AnswerVerdict): PlanRound {
  return {
    round,
    model: answer.model,
    answer: answer.text,
    ...(verdict.definition === undefined ? {} : { definition: verdict.definition }),
    issues: verdict.issues,
    valid: verdict.valid,
    tokens: { input: answer.usage.inputTokens, output: answer.usage.outputTokens, total: answer.usage.totalTokens },
    costUsd: answer.costUsd,
  };
}

function resultOf(request: PlanRequest, rounds: readonly PlanRound[], verdict: AnswerVerdict | undefined): PlanResult {
  const tokens = rounds.reduce<PlanTokens>(
    (sum, round) => ({ input: sum.input + round.tokens.input, output: sum.output + round.tokens.output, total: sum.total + round.tokens.total }),
    { input: 0, output: 0, total: 0 },
  );
  const costUsd = rounds.reduce((sum, round) => sum + round.costUsd, 0);
  // The last definition any round wrote (a round with no definition keeps the one before it).
  const definition = [...rounds].reverse().find((round) => round.definition !== undefined)?.definition;
  const valid = verdict?.valid === true;
  return {
    valid,
    ...(definition === undefined ? {} : { definition }),
    ...(valid && verdict?.workflowName !== undefined ? { workflowName: verdict.workflowName, version: verdict.version } : {}),
    rounds,
    issues: verdict?.issues ?? [],
    tokens,
    costUsd,
    ...(request.from !== undefined && definition !== undefined ? { diff: planDiff(request.from, definition) } : {}),
  };
}
