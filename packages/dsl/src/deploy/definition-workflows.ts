/**
 * The one way every caller (the CLI's files, the store's loader) turns a validated definition into
 * the Baton workflow that runs it: the interpreter's workflow, with the schedules and event triggers
 * its `schedule` declares (definitionTriggers) in its options.
 */
import { BatonError, ErrorCode, defineWorkflow, errorMessage, hasErrorCode, type AnyWorkflow } from '@baton/core';
import type { Definition, DefinitionIssue } from '../definition/definition.js';
import { definitionTriggers } from '../definition/triggers.js';
import { definitionWorkflow } from '../runtime/interpreter.js';
import type { InterpreterOptions } from '../runtime/interpreter-options.js';

/** The workflow that runs `definition`. Throws BATON_INVALID_DEFINITION (details.issues) when Baton cannot run it as written. */
export function workflowOfDefinition(definition: Definition, options: InterpreterOptions = {}, namespace = 'default'): AnyWorkflow {
  try {
    const workflow = definitionWorkflow(definition, options);
    const triggers = definitionTriggers(definition.document);
    if (triggers.schedule === undefined && triggers.on === undefined) return workflow;
    // A tenant's definition keeps its schedules and triggers (and the runs they start) in its namespace.
    return defineWorkflow({ ...workflow.options, ...triggers, ...(namespace === 'default' ? {} : { namespace }) }, workflow.fn);
  } catch (error) {
    throw invalidDefinition(definition, error);
  }
}

/** A failure to build a definition's workflow as BATON_INVALID_DEFINITION, its issues located in the definition's file. */
function invalidDefinition(definition: Definition, error: unknown): BatonError {
  const file = definition.source.file;
  const found = hasErrorCode(error, ErrorCode.InvalidDefinition) ? ((error as BatonError).details?.issues as DefinitionIssue[] | undefined) : undefined;
  const issues: DefinitionIssue[] = (found ?? [{ kind: 'unsupported', path: '', message: errorMessage(error) }]).map((issue) =>
    file === undefined ? issue : { ...issue, file },
  );
  return new BatonError(ErrorCode.InvalidDefinition, `${file ?? definition.workflowName}: ${issues.map((i) => i.message).join(' ')}`, {
    retryable: false,
    cause: error,
    details: { issues },
  });
}
