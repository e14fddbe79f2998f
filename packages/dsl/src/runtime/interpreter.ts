/**
 * The generic interpreter: a definition runs as a Baton workflow. The workflow input goes through
 * `input.schema`/`input.from`, the top-level `do` runs task by task (each a journaled operation, see
 * task-runner.ts), and the result goes through `output.as`/`output.schema`; `timeout` bounds the
 * whole run. A fault fails the run with BATON_WORKFLOW_FAULT and the DSL error object.
 */
import { createRequire } from 'node:module';
import { defineWorkflow, type AnyWorkflow } from '@baton/core';
import type { Definition } from '../definition/definition.js';
import { approvalSignals } from '../tasks/baton/approval-signals.js';
import { definitionFailureWorkflow } from '../definition/failure-workflow.js';
import type { TaskList, RunFrame, SimulationHooks } from '../tasks/executor.js';
import { taskInput, taskOutput } from './data-flow.js';
import { durationMs } from './duration.js';
import { Evaluator } from './evaluator.js';
import { faultAt, isFault } from './faults.js';
import type { InterpreterOptions } from './interpreter-options.js';
import { guardedStep, withTimeout } from './journaled.js';
import { SchemaValidator } from './schema-validator.js';
import { runList } from './task-runner.js';
import './event-log.js';

const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** The Baton workflow that runs `definition` (name `<namespace>.<name>`, version `document.version`). */
export function definitionWorkflow(definition: Definition, options: InterpreterOptions = {}): AnyWorkflow {
  return interpretedWorkflow(definition, options, undefined);
}

/** The same, with a simulation's hooks (internal: see SimulationHooks). */
export function interpretedWorkflow(definition: Definition, options: InterpreterOptions, simulation: SimulationHooks | undefined): AnyWorkflow {
  const document = definition.document;
  const schemas = new SchemaValidator();
  // One evaluator for every run of this definition (its memo), on the process's shared jq batches.
  const evaluator = new Evaluator();
  // `$workflow.startedAt` costs a journal entry: only definitions that read `$workflow` pay it.
  const readsWorkflow = definition.source.text.includes('$workflow');
  const signals = approvalSignals(document);
  const onFailure = definitionFailureWorkflow(document);
  const declared = {
    name: definition.workflowName,
    version: definition.version,
    description: document.document.summary,
    ...(signals === undefined ? {} : { signals }),
    ...(onFailure === undefined ? {} : { onFailure }),
  };
  return defineWorkflow(declared, async (ctx, input) => {
    simulation?.runStarted();
    const workflow: Record<string, unknown> = { id: ctx.runId, definition: document, input: input ?? null };
    if (readsWorkflow) workflow.startedAt = ctx.now().toISOString();
    const frame: RunFrame = {
      ctx,
      evaluator,
      schemas,
      options,
      document,
      workflow,
      runtime: { name: 'baton', version: VERSION, metadata: {} },
      secrets: options.secrets ?? {},
      shared: { context: {} },
      // Always present (undefined in production), so every frame has one shape.
      simulation,
    };
    const run = async (): Promise<unknown> => {
      let value: unknown = input ?? null;
      if (document.input !== undefined) {
        const raw = value;
        value = await guardedStep(frame, '/input', '/input', () =>
          taskInput(
            frame,
            document.input as object,
            raw,
            { input: raw, workflow, runtime: frame.runtime, context: frame.shared.context, secrets: frame.secrets },
            'the workflow',
          ),
        );
      }
      const flow = await runList(frame, document.do as unknown as TaskList, '/do', value, {}, '');
      if (document.output === undefined) return flow.output;
      return guardedStep(frame, '/output', '/output', () =>
        taskOutput(
          frame,
          document.output as object,
          flow.output,
          { input: value, workflow, runtime: frame.runtime, context: frame.shared.context, secrets: frame.secrets },
          'the workflow',
        ),
      );
    };
    try {
      if (document.timeout === undefined) return await run();
      const timeout =
        typeof document.timeout === 'string' ? (document.use?.timeouts as Record<string, unknown> | undefined)?.[document.timeout] : document.timeout;
      return await withTimeout(
        frame,
        { reference: '/', qualifier: '' },
        run(),
        durationMs((timeout as { after?: unknown } | undefined)?.after, 'The workflow timeout'),
      );
    } catch (error) {
      if (isFault(error)) throw faultAt(error, '/');
      throw error;
    }
  });
}
