/** @baton/dsl: declarative workflows (Serverless Workflow 1.0) on Baton's durable engine. */
export { loadJq, JqError } from './expressions/jq-engine.js';
export type { JqEngine } from './expressions/jq-engine.js';
export { EXPRESSION_ARGUMENTS, isRuntimeExpression, expressionBody, boundProgram, expressionCompileError, evaluateAll } from './expressions/expression.js';
export type { ExpressionArgument, ExpressionArguments } from './expressions/expression.js';
export { definitionWorkflowName } from './definition/definition.js';
export type { Definition, DefinitionFormat, DefinitionIssue, WorkflowDocument } from './definition/definition.js';
export { parseDefinition } from './definition/parse.js';
export type { ParseResult, ParseOptions } from './definition/parse.js';
export { loadDefinitionFile } from './definition/load-definition-file.js';
export { formatIssues } from './definition/format-issues.js';
export { DefinitionError, INVALID_DEFINITION } from './definition/definition-error.js';
export { definitionWorkflow } from './runtime/interpreter.js';
export type { InterpreterOptions } from './runtime/interpreter-options.js';
export { StandardError, WorkflowFault, WORKFLOW_FAULT, standardFault } from './runtime/workflow-fault.js';
export type { StandardErrorKind, WorkflowErrorObject } from './runtime/workflow-fault.js';
