/**
 * `baton simulate --scenario FILE`: a simulation scenario (how calls, approvals and events answer)
 * read from YAML or JSON and checked against the Scenario shape, so a typo in it is a usage error
 * that names the field, not a simulation that silently takes the default answers.
 */
import { readFileSync } from 'node:fs';
import type { Scenario } from '@baton/dsl';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UsageError } from './errors.js';

const ErrorAnswer = z.strictObject({
  type: z.string().optional(),
  status: z.number().int().min(100).max(599),
  title: z.string().optional(),
  detail: z.string().optional(),
});

/** `{ output }` (the key present, any value) or `{ error }`: exactly one of them. */
const Answer = z
  .strictObject({ output: z.unknown().optional(), error: ErrorAnswer.optional() })
  .refine((answer) => Object.hasOwn(answer, 'output') !== Object.hasOwn(answer, 'error'), {
    message: 'an answer is { output: VALUE } or { error: { status, … } }, one of the two',
  });

const ScenarioSchema = z.strictObject({
  tasks: z.record(z.string(), z.union([Answer, z.array(Answer).min(1)])).optional(),
  approvals: z.record(z.string(), z.unknown()).optional(),
  events: z.record(z.string(), z.array(z.unknown())).optional(),
});

/** Reads and checks a scenario; any problem is a UsageError naming the file and the field. */
export function readScenarioFile(path: string, given: string, command: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --scenario file ${given}: ${(error as Error).message}`, command);
  }
  let value: unknown;
  try {
    // YAML is a superset of JSON: one parser reads both.
    value = parseYaml(text) as unknown;
  } catch (error) {
    throw new UsageError(`--scenario file ${given} is not valid YAML or JSON: ${(error as Error).message.split('\n')[0] ?? ''}`, command);
  }
  const checked = ScenarioSchema.safeParse(value ?? {});
  if (!checked.success) throw new UsageError(`--scenario file ${given} is not a scenario: ${describeIssue(checked.error.issues)}`, command);
  return checked.data as Scenario;
}

type Issue = z.core.$ZodIssue;

/** The most precise issue: inside a union, the branch that got furthest names the field. */
function describeIssue(issues: readonly Issue[]): string {
  const issue = deepest(issues, []);
  if (issue === undefined) return 'it does not match { tasks?, approvals?, events? }';
  const where = issue.path.length === 0 ? 'the top level' : `/${issue.path.map(String).join('/')}`;
  const keys = issue.issue.code === 'unrecognized_keys' ? ` (allowed: ${allowedKeys(issue.path)})` : '';
  return `${where}: ${issue.issue.message}${keys}`;
}

function deepest(issues: readonly Issue[], prefix: PropertyKey[]): { issue: Issue; path: PropertyKey[] } | undefined {
  let best: { issue: Issue; path: PropertyKey[] } | undefined;
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    let candidate: { issue: Issue; path: PropertyKey[] } = { issue, path };
    if (issue.code === 'invalid_union') {
      // The first branch that got furthest: a single answer before a list of them.
      let inside: { issue: Issue; path: PropertyKey[] } | undefined;
      for (const branch of issue.errors) {
        const inner = deepest(branch, path);
        if (inner !== undefined && (inside === undefined || inner.path.length > inside.path.length)) inside = inner;
      }
      if (inside !== undefined) candidate = inside;
    }
    if (best === undefined || candidate.path.length > best.path.length) best = candidate;
  }
  return best;
}

function allowedKeys(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'tasks, approvals, events';
  if (path[0] === 'tasks' && path.at(-1) === 'error') return 'type, status, title, detail';
  return 'output or error';
}
