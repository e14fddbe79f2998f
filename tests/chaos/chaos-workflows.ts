/**
 * The chaos test's workflow: ten steps with a short durable sleep after step 3 and a wait for the
 * signal `go` after step 6, so runs suspend, wake on a timer, wake on a signal and replay across
 * kills and a database restart. Each step logs its side effect like the crash tests' steps do.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { defineWorkflow, type StepInfo } from '@baton/core';
import { nextValue, type ChainInput, type StepResult } from '../crash/crash-workflows.js';
import { appendSideEffect } from '../crash/side-effect-log.js';

export const CHAOS_STEPS = 10;
export const SLEEP_AFTER_STEP = 3;
export const SIGNAL_AFTER_STEP = 6;
export const SIGNAL_NAME = 'go';
/** Journal positions of a run: ten steps, the sleep and the signal. */
export const CHAOS_POSITIONS = CHAOS_STEPS + 2;

export interface GoSignal {
  n: number;
}

export interface ChaosOutput {
  n: number;
  value: number;
  signal: GoSignal;
  /** The token of each step's result, in step order, as the run saw it. */
  tokens: string[];
}

/** The journal position of step `index` (the sleep and the signal each take one). */
export function chaosStepSeq(index: number): number {
  return index + (index > SLEEP_AFTER_STEP ? 1 : 0) + (index > SIGNAL_AFTER_STEP ? 1 : 0);
}

function effectsLog(): string {
  const path = process.env.BATON_EFFECTS_LOG;
  if (path === undefined || path.length === 0) throw new Error('BATON_EFFECTS_LOG must name the side-effect log file');
  return path;
}

async function sideEffect(info: StepInfo, exec: string, compute: () => number): Promise<StepResult> {
  const path = effectsLog();
  const base = { runId: info.runId, step: info.step, attempt: info.attempt, idempotencyKey: info.idempotencyKey, pid: process.pid, exec };
  appendSideEffect(path, { ev: 'begin', ...base, at: Date.now() });
  try {
    await delay(Math.random() * 20, undefined, { signal: info.signal });
  } catch (error) {
    appendSideEffect(path, { ev: 'aborted', ...base, at: Date.now() });
    throw error;
  }
  const token = `${process.pid}.${info.attempt}.${randomUUID().slice(0, 8)}`;
  appendSideEffect(path, { ev: 'end', ...base, at: Date.now(), token });
  return { value: compute(), token };
}

export const chaosTenSteps = defineWorkflow<ChainInput, ChaosOutput>({ name: 'chaos-ten-steps' }, async (ctx, { n }) => {
  const exec = randomUUID().slice(0, 8);
  let value = 0;
  let signal: GoSignal | undefined;
  const tokens: string[] = [];
  for (let i = 1; i <= CHAOS_STEPS; i++) {
    const previous = value;
    const result = await ctx.step(`step-${i}`, (info) => sideEffect(info, exec, () => nextValue(previous, n, i)));
    value = result.value;
    tokens.push(result.token);
    if (i === SLEEP_AFTER_STEP) await ctx.sleep(5);
    if (i === SIGNAL_AFTER_STEP) signal = await ctx.waitForSignal<GoSignal>(SIGNAL_NAME);
  }
  return { n, value, signal: signal!, tokens };
});
