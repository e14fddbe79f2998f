/**
 * The conformance kit's step vocabulary (ctk/README.md): arrange (definition, input), act (execute)
 * and assert (completion, fault, output, properties, task order and task outcomes), each checked
 * against a real run of the definition.
 */
import type { Pickle } from '@cucumber/messages';
import { expect } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { InterpreterOptions } from '@baton/dsl';
import type { DefinitionRunner, Outcome } from '../definition-runner.js';

interface Scenario {
  definition?: string;
  input: unknown;
  outcome?: Outcome;
}

type Step = { pattern: RegExp; run(scenario: Scenario, match: RegExpExecArray, doc: string | undefined): void | Promise<void> };

/** Runs every step of the scenario in order; an unknown step fails the scenario. */
export async function runScenario(pickle: Pickle, runner: DefinitionRunner, options: InterpreterOptions): Promise<void> {
  const scenario: Scenario = { input: {} };
  const steps = vocabulary(runner, options);
  for (const step of pickle.steps) {
    const text = step.text.trim();
    const known = steps.map((s) => ({ s, match: s.pattern.exec(text) })).find((m) => m.match !== null);
    if (known === undefined) throw new Error(`Unknown conformance step: '${text}'`);
    await known.s.run(scenario, known.match!, step.argument?.docString?.content);
  }
}

function vocabulary(runner: DefinitionRunner, options: InterpreterOptions): Step[] {
  return [
    { pattern: /^a workflow with definition:$/, run: (s, _m, doc) => void (s.definition = required(doc)) },
    { pattern: /^(?:given )?the workflow input is:$/, run: (s, _m, doc) => void (s.input = parseYaml(required(doc)) as unknown) },
    {
      pattern: /^the workflow is executed$/,
      run: async (s) => {
        s.outcome = await runner.run(required(s.definition), s.input, options);
      },
    },
    { pattern: /^the workflow should complete$/, run: (s) => expectCompleted(s) },
    { pattern: /^the workflow should complete with output:$/, run: (s, _m, doc) => expect(expectCompleted(s).output).toEqual(parseYaml(required(doc))) },
    { pattern: /^the workflow should fault$/, run: (s) => expectFaulted(s) },
    {
      pattern: /^the workflow should fault with error:$/,
      run: (s, _m, doc) => expect(expectFaulted(s).fault).toMatchObject(parseYaml(required(doc)) as object),
    },
    { pattern: /^the workflow should cancel$/, run: (s) => expect(outcomeOf(s).status).toBe('cancelled') },
    {
      pattern: /^the workflow output should have properties (.+)$/,
      run: (s, m) => {
        const output = expectCompleted(s).output;
        for (const path of quoted(m[1]!)) expect(at(output, path), `property '${path}' of ${JSON.stringify(output)}`).toBeDefined();
      },
    },
    {
      pattern: /^the workflow output should have a '([^']+)' property with value:$/,
      run: (s, m, doc) => expect(at(expectCompleted(s).output, m[1]!)).toEqual(parseYaml(required(doc))),
    },
    {
      pattern: /^the workflow output should have a '([^']+)' property containing (\d+) items$/,
      run: (s, m) => expect(at(expectCompleted(s).output, m[1]!)).toHaveLength(Number(m[2])),
    },
    { pattern: /^(\S+) should run first$/, run: (s, m) => expect(taskOrder(s)[0]).toBe(m[1]) },
    { pattern: /^(\S+) should run last$/, run: (s, m) => expect(taskOrder(s).at(-1)).toBe(m[1]) },
    { pattern: /^(\S+) should run before (\S+)$/, run: (s, m) => expectOrder(s, m[1]!, m[2]!) },
    { pattern: /^(\S+) should run after (\S+)$/, run: (s, m) => expectOrder(s, m[2]!, m[1]!) },
    { pattern: /^(\S+) should complete$/, run: (s, m) => expect(taskEntry(s, m[1]!).status).toBe('completed') },
    {
      pattern: /^(\S+) should complete with output:$/,
      run: (s, m, doc) => expect(taskEntry(s, m[1]!).output).toMatchObject({ output: parseYaml(required(doc)) }),
    },
    { pattern: /^(\S+) should fault$/, run: (s, m) => expect(taskEntry(s, m[1]!).status).toBe('failed') },
    {
      pattern: /^(\S+) should fault with error:$/,
      run: (s, m, doc) => expect(expectFaulted(s).fault).toMatchObject({ ...(parseYaml(required(doc)) as object), instance: expect.stringContaining(m[1]!) }),
    },
    { pattern: /^(\S+) should cancel$/, run: (s) => expect(outcomeOf(s).status).toBe('cancelled') },
  ];
}

function required(value: string | undefined): string {
  if (value === undefined) throw new Error('The step needs a doc string (or an earlier step it depends on).');
  return value;
}

function outcomeOf(s: Scenario): Outcome {
  if (s.outcome === undefined) throw new Error('The workflow was not executed before this assertion.');
  return s.outcome;
}

function expectCompleted(s: Scenario): Outcome {
  const outcome = outcomeOf(s);
  expect(outcome.status, `the run failed: ${JSON.stringify(outcome.fault ?? String(outcome.error))}`).toBe('completed');
  return outcome;
}

function expectFaulted(s: Scenario): Outcome {
  const outcome = outcomeOf(s);
  expect(outcome.status, `the run completed with ${JSON.stringify(outcome.output)}`).toBe('failed');
  expect(outcome.fault, 'the run failed without a DSL error').toBeDefined();
  return outcome;
}

/** 'a', 'b.c' → ['a', 'b.c'] */
function quoted(list: string): string[] {
  return [...list.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The task names in the order their steps ran (a step is named by its task's JSON pointer). */
function taskOrder(s: Scenario): string[] {
  const names = outcomeOf(s).steps.map((step) => step.split(' ')[0]!.split('/').at(-1)!);
  return names.filter((name, i) => name !== names[i - 1]);
}

function expectOrder(s: Scenario, first: string, second: string): void {
  const order = taskOrder(s);
  expect(order.indexOf(first), `${first} ran in ${JSON.stringify(order)}`).toBeGreaterThanOrEqual(0);
  expect(order.lastIndexOf(second), `${second} ran after ${first} in ${JSON.stringify(order)}`).toBeGreaterThan(order.indexOf(first));
}

function taskEntry(s: Scenario, task: string): { status: string; output?: unknown } {
  const entry = outcomeOf(s).entries.find((e) => e.name.split(' ')[0]!.split('/').at(-1) === task);
  if (entry === undefined) throw new Error(`The task ${task} did not run.`);
  return entry;
}
