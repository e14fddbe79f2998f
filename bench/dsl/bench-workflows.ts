/**
 * The pairs the DSL benchmark compares: the same ten-task workflow as a definition (YAML, run by the
 * interpreter) and in TypeScript (ten ctx.step). `set`: each task adds one to `count` with a jq
 * expression. `http`: each task calls the loopback counter server, which adds one.
 */
import { defineWorkflow, type AnyWorkflow } from '@baton/core';
import { definitionWorkflow, parseDefinition } from '@baton/dsl';

export const TASKS = 10;

export type Shape = 'set' | 'http';

export interface Counter {
  count: number;
}

function header(name: string): string {
  return `document: { dsl: '1.0.0', namespace: bench, name: ${name}, version: '1.0.0' }\ndo:\n`;
}

/** Ten `set` tasks, each `count: ${ .count + 1 }`. */
export function setDefinitionText(): string {
  const tasks = Array.from({ length: TASKS }, (_, i) => `  - add${i + 1}:\n      set:\n        count: \${ .count + 1 }\n`);
  return header('count-set') + tasks.join('');
}

/** Ten `call: http` tasks to `<base>/add` with the count as a query parameter; the answer is the next input. */
export function httpDefinitionText(base: string): string {
  const tasks = Array.from(
    { length: TASKS },
    (_, i) =>
      `  - add${i + 1}:\n      call: http\n      with:\n        method: get\n        endpoint: ${base}/add\n        query:\n          count: \${ .count }\n`,
  );
  return header('count-http') + tasks.join('');
}

export async function definitionOf(text: string): Promise<AnyWorkflow> {
  const parsed = await parseDefinition(text);
  if (!parsed.ok) throw new Error(`The benchmark's definition is invalid: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  return definitionWorkflow(parsed.definition);
}

/** The `set` workflow in TypeScript: ten steps, each adding one. */
export const typescriptSet = defineWorkflow<Counter, Counter>({ name: 'bench.count-set-ts' }, async (ctx, input) => {
  let value = input;
  for (let i = 0; i < TASKS; i++) {
    const previous = value;
    value = await ctx.step(`add${i + 1}`, () => ({ count: previous.count + 1 }));
  }
  return value;
});

/** The `http` workflow in TypeScript: ten steps, each a fetch to the counter server. */
export function typescriptHttp(base: string): AnyWorkflow {
  return defineWorkflow<Counter, Counter>({ name: 'bench.count-http-ts' }, async (ctx, input) => {
    let value = input;
    for (let i = 0; i < TASKS; i++) {
      const previous = value;
      value = await ctx.step(`add${i + 1}`, async ({ signal }) => {
        const response = await fetch(`${base}/add?count=${previous.count}`, { signal });
        if (!response.ok) throw new Error(`the counter server answered ${response.status}`);
        return (await response.json()) as Counter;
      });
    }
    return value;
  });
}
