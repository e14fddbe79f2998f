/**
 * Step mocks: a workflow whose named steps run a test's function instead of their own. The workflow's
 * code is unchanged; its `ctx` is wrapped so `ctx.step(name, fn, options)` swaps `fn` for the mock
 * of that name, and everything else (journal entry, retries, compensation) stays as it is.
 */
import { defineWorkflow, type AnyWorkflow, type StepInfo, type WorkflowContext } from '@baton/core';

/** Replaces a step's function: gets the step's `input` option and the attempt's info; returns the step's result or throws. */
export type StepMock = (input: unknown, info: StepInfo) => unknown;

/** The mocks of a test environment, by step name; changing the map changes what the next attempt runs. */
export type StepMocks = Map<string, StepMock>;

/** The workflow with its ctx wrapped so that mocked steps run their mock (same name, version and options). */
export function withStepMocks(workflow: AnyWorkflow, mocks: StepMocks): AnyWorkflow {
  return defineWorkflow(workflow.options, (ctx, input) => workflow.fn(mockedContext(ctx, mocks), input));
}

function mockedContext(ctx: WorkflowContext, mocks: StepMocks): WorkflowContext {
  const step: WorkflowContext['step'] = (name, fn, options) => {
    const mock = mocks.get(name);
    if (mock === undefined) return ctx.step(name, fn, options);
    return ctx.step(name, (info) => mock(info.input, info) as ReturnType<typeof fn>, options);
  };
  // The ctx's own members (and those of context extensions) are reached through the prototype.
  return Object.freeze(Object.create(ctx, { step: { value: step, enumerable: true } }) as WorkflowContext);
}
