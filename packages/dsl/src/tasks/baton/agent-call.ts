/**
 * `call: baton.agent` with `{ prompt, instructions?, model?, tools, maxSteps?, schema?, budget? }`: a
 * tool-using agent through `ctx.agent`, every model turn a journaled step. Its tools are workflows,
 * named as `baton.workflow` names them (a name, or `{ name, version?, description? }`), each call of
 * one a child run; the model sees a tool by the workflow's name with `.`, `:` and `/` made `_`.
 * The output is `{ text, object?, turns, toolCalls, usage, costUsd }`.
 */
import '@baton/ai';
import { workflowTool, type AgentTool } from '@baton/ai';
import type { RunFrame, TaskSite } from '../executor.js';
import { stepName } from '../../runtime/run-frame.js';
import { standardFault } from '../../runtime/workflow-fault.js';
import { resolveChild } from '../run/child-workflow.js';
import type { BatonCall } from './baton-function.js';
import { assertNotInBranch, modelFault, modelOptions, textArgument } from './model-options.js';

const CALL = 'call: baton.agent';
const DEFAULT_INSTRUCTIONS = 'You complete the task you are given, using your tools when they help, and answer with the result.';

export const agentCall: BatonCall = async ({ args, frame, site }) => {
  assertNotInBranch(site, CALL);
  const options = modelOptions(args, CALL);
  const prompt = textArgument(args.prompt, 'prompt', CALL);
  const instructions = args.instructions === undefined ? DEFAULT_INSTRUCTIONS : textArgument(args.instructions, 'instructions', CALL);
  const maxSteps = args.maxSteps;
  if (maxSteps !== undefined && (typeof maxSteps !== 'number' || !Number.isInteger(maxSteps) || maxSteps < 1)) {
    throw standardFault('configuration', `with.maxSteps of ${CALL} is a whole number of model turns, at least 1.`);
  }
  const tools = agentTools(frame, site, args.tools);
  try {
    const result = await frame.ctx.agent({
      name: stepName(site),
      instructions,
      prompt,
      tools,
      ...(maxSteps === undefined ? {} : { maxTurns: maxSteps }),
      ...options,
    });
    return {
      text: result.text,
      ...(result.object === undefined ? {} : { object: result.object }),
      turns: result.turns,
      toolCalls: result.toolCalls,
      usage: result.usage,
      costUsd: result.costUsd,
    };
  } catch (error) {
    throw modelFault(error, CALL);
  }
};

function agentTools(frame: RunFrame, site: TaskSite, value: unknown): Record<string, AgentTool> {
  if (value === undefined) return {};
  if (!Array.isArray(value)) throw standardFault('configuration', `with.tools of ${CALL} is a list of workflow names.`);
  const tools: Record<string, AgentTool> = {};
  for (const item of value as unknown[]) {
    const spec = (typeof item === 'string' ? { name: item } : item) as { name?: unknown; version?: unknown; description?: unknown } | null;
    if (spec === null || typeof spec !== 'object' || typeof spec.name !== 'string') {
      throw standardFault('configuration', `Each tool of ${CALL} is a workflow name, or { name, version?, description? }.`);
    }
    const workflow = resolveChild(frame, site, spec.name, typeof spec.version === 'string' ? spec.version : undefined);
    tools[toolName(spec.name)] = workflowTool(workflow, typeof spec.description === 'string' ? { description: spec.description } : {});
  }
  return tools;
}

/** A workflow name as a tool name models accept (letters, digits, `_` and `-`). */
export function toolName(workflow: string): string {
  return workflow.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}
