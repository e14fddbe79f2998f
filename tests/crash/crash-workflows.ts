/**
 * Workflows for the crash tests. Every step writes its side effect to the log named by
 * BATON_EFFECTS_LOG before and after a short random wait (so SIGKILLs land mid-step), and returns a
 * value derived from the input, its index and the previous step's value, so a run's output checks
 * that replay fed every step the journaled result of the one before.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { defineWorkflow, type StepInfo, type WorkflowContext } from '@baton/core';
import { appendSideEffect } from './side-effect-log.js';

export interface ChainInput {
  n: number;
}

export interface ChainOutput {
  n: number;
  value: number;
  /** The token of each step's result, in step order, as the run saw it. */
  tokens: string[];
}

/** What a step returns: its value and a token naming the attempt that produced it. */
export interface StepResult {
  value: number;
  token: string;
}

/** The step value that follows `previous` at step `index` (1-based) of a run with input `n`. */
export function nextValue(previous: number, n: number, index: number): number {
  return (previous * 31 + n * 7 + index) % 1_000_003;
}

/** The output value of a chain of `steps` steps for input `n`. */
export function expectedValue(n: number, steps: number): number {
  let value = 0;
  for (let i = 1; i <= steps; i++) value = nextValue(value, n, i);
  return value;
}

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(value) ? value : fallback;
}

function effectsLog(): string {
  const path = process.env.BATON_EFFECTS_LOG;
  if (path === undefined || path.length === 0) throw new Error('BATON_EFFECTS_LOG must name the side-effect log file');
  return path;
}

/** The side effect of one step attempt: logged, then a wait that the run's abort signal cuts short. */
async function sideEffect(info: StepInfo, waitMs: number, compute: () => number, exec?: string): Promise<StepResult> {
  const path = effectsLog();
  const base = { runId: info.runId, step: info.step, attempt: info.attempt, idempotencyKey: info.idempotencyKey, pid: process.pid, exec };
  appendSideEffect(path, { ev: 'begin', ...base, at: Date.now() });
  try {
    await delay(waitMs, undefined, { signal: info.signal });
  } catch (error) {
    appendSideEffect(path, { ev: 'aborted', ...base, at: Date.now() });
    throw error;
  }
  const token = `${process.pid}.${info.attempt}.${randomUUID().slice(0, 8)}`;
  appendSideEffect(path, { ev: 'end', ...base, at: Date.now(), token });
  return { value: compute(), token };
}

function randomWait(): number {
  const min = envNumber('BATON_STEP_MIN_MS', 0);
  const max = envNumber('BATON_STEP_MAX_MS', 20);
  return min + Math.random() * Math.max(0, max - min);
}

async function chainStep(ctx: WorkflowContext, exec: string, n: number, index: number, previous: number): Promise<StepResult> {
  return ctx.step(`step-${index}`, (info) => sideEffect(info, randomWait(), () => nextValue(previous, n, index), exec));
}

/** A fresh name for each execution of a workflow body; it only goes to the side-effect log, never into ctx. */
function executionName(): string {
  return randomUUID().slice(0, 8);
}

export const TEN_STEPS = 10;
/** Where the ten-step workflow sleeps: after this step. */
export const SLEEP_AFTER_STEP = 5;

/** The journal position of step `index` of the ten-step workflow (the sleep takes one position). */
export function tenStepSeq(index: number): number {
  return index <= SLEEP_AFTER_STEP ? index : index + 1;
}

/** Ten steps with a short durable sleep in the middle, so runs also suspend and replay across kills. */
export const crashTenSteps = defineWorkflow<ChainInput, ChainOutput>({ name: 'crash-ten-steps' }, async (ctx, { n }) => {
  const exec = executionName();
  let value = 0;
  const tokens: string[] = [];
  for (let i = 1; i <= TEN_STEPS; i++) {
    const result = await chainStep(ctx, exec, n, i, value);
    value = result.value;
    tokens.push(result.token);
    if (i === SLEEP_AFTER_STEP) await ctx.sleep(5);
  }
  return { n, value, tokens };
});

export const FIVE_STEPS = 5;

export const crashFiveSteps = defineWorkflow<ChainInput, ChainOutput>({ name: 'crash-five-steps' }, async (ctx, { n }) => {
  const exec = executionName();
  let value = 0;
  const tokens: string[] = [];
  for (let i = 1; i <= FIVE_STEPS; i++) {
    const result = await chainStep(ctx, exec, n, i, value);
    value = result.value;
    tokens.push(result.token);
  }
  return { n, value, tokens };
});

/** A step between two quick ones that takes BATON_SLOW_STEP_MS (default 60 s): for graceful shutdown. */
export const crashSlowStep = defineWorkflow<ChainInput, ChainOutput>({ name: 'crash-slow-step' }, async (ctx, { n }) => {
  const before = await ctx.step('before', (info) => sideEffect(info, 1, () => nextValue(0, n, 1)));
  const slow = await ctx.step('slow', (info) => sideEffect(info, envNumber('BATON_SLOW_STEP_MS', 60_000), () => nextValue(before.value, n, 2)));
  const after = await ctx.step('after', (info) => sideEffect(info, 1, () => nextValue(slow.value, n, 3)));
  return { n, value: after.value, tokens: [before.token, slow.token, after.token] };
});

export const crashWorkflows = [crashTenSteps, crashFiveSteps, crashSlowStep];
