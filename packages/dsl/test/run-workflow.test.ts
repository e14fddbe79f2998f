/**
 * `run.workflow` and `call: baton.workflow` on a real engine (a SQLite file, and PostgreSQL in a fresh schema): a TypeScript child and a
 * definition child run as Baton child runs, an unknown workflow is a configuration fault, a child's
 * failure faults the task, and `await: false` starts the child and goes on.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineWorkflow, type AnyWorkflow } from '@baton/core';
import { definitionWorkflow, parseDefinition } from '@baton/dsl';
import { DefinitionRunner } from './definition-runner.js';
import { definition, testStores } from './test-stores.js';

const double = defineWorkflow({ name: 'math.double', version: '2', input: z.object({ n: z.number() }) }, (_ctx, input) =>
  Promise.resolve({ doubled: input.n * 2 }),
);
const broken = defineWorkflow({ name: 'math.broken' }, () => Promise.reject(new Error('the ledger is closed')));

/** A resolver over these workflows, as a worker's registry would be. */
function resolver(workflows: AnyWorkflow[]) {
  return (name: string, version?: string) => workflows.find((w) => w.name === name && (version === undefined || w.version === version));
}

for (const store of testStores('DSL child runs')) {
  const runner = new DefinitionRunner(() => store.create());
  afterAll(() => runner.close());

  async function runWith(text: string, input: unknown, children: AnyWorkflow[]) {
    const workflow = await runner.workflow(text, { resolveWorkflow: resolver(children) });
    const engine = await runner.engine([workflow, ...children]);
    const handle = await engine.client.start(workflow, input);
    return { engine, outcome: await runner.outcome(engine, handle.id) };
  }

  describe(`run.workflow (${store.name})`, () => {
    it('runs a TypeScript workflow as a child run, with its input evaluated, and outputs its output', async () => {
      const { engine, outcome } = await runWith(
        definition(`
do:
  - compute:
      run:
        workflow: { namespace: math, name: double, version: '2', input: { n: '\${ .value + 1 }' } }
`),
        { value: 20 },
        [double],
      );
      expect(outcome.status).toBe('completed');
      expect(outcome.output).toEqual({ doubled: 42 });
      const children = await engine.client.list({ workflow: 'math.double' });
      expect(children.runs.map((run) => run.parentId)).toEqual([outcome.runId]);
    });

    it('runs another definition as a child run', async () => {
      const child = await runner.workflow(
        definition(
          `
do:
  - greet:
      set: { greeting: '\${ "hello " + .who }' }
`,
          'greeter',
        ),
      );
      const { outcome } = await runWith(
        definition(`
do:
  - call-greeter:
      run:
        workflow: { namespace: tests, name: greeter, version: '1.0.0', input: { who: '\${ .name }' } }
`),
        { name: 'ada' },
        [child],
      );
      expect(outcome.output).toEqual({ greeting: 'hello ada' });
    });

    it("runs a tenant definition's own namespace's definition first, then the deployment's", async () => {
      // As deployed in tenant namespace team-a: the workflow name carries the namespace.
      const tenantWorkflow = async (text: string, workflowName: string, resolveWorkflow?: (name: string, version?: string) => AnyWorkflow | undefined) => {
        const parsed = await parseDefinition(text);
        if (!parsed.ok) throw new Error('invalid test definition');
        return definitionWorkflow({ ...parsed.definition, workflowName }, resolveWorkflow === undefined ? {} : { resolveWorkflow });
      };
      const greeter = (greeting: string) => definition(`\ndo:\n  - greet:\n      set: { greeting: ${greeting} }\n`, 'greeter');
      const defaultGreeter = await tenantWorkflow(greeter('from-default'), 'tests.greeter');
      const teamGreeter = await tenantWorkflow(greeter('from-team-a'), 'team-a:tests.greeter');
      const children = [defaultGreeter, teamGreeter, double];
      const callBoth = definition(`
do:
  - greeter:
      run:
        workflow: { namespace: tests, name: greeter, version: '1.0.0' }
      export:
        as: '\${ { greeting: .greeting } }'
  - shared:
      run:
        workflow: { namespace: math, name: double, version: '2', input: { n: 2 } }
      output:
        as: '\${ { greeting: $context.greeting, doubled: .doubled } }'
`);
      const outcomes: Record<string, unknown> = {};
      for (const [label, name] of [
        ['team-a', 'team-a:tests.caller'],
        ['default', 'tests.caller'],
      ] as const) {
        const caller = await tenantWorkflow(callBoth, name, resolver(children));
        const engine = await runner.engine([caller, ...children]);
        const handle = await engine.client.start(caller, {});
        const outcome = await runner.outcome(engine, handle.id);
        outcomes[label] = outcome.output;
      }
      expect(outcomes).toEqual({
        'team-a': { greeting: 'from-team-a', doubled: 4 },
        default: { greeting: 'from-default', doubled: 4 },
      });
    });

    it('faults with a configuration error naming a workflow it cannot find', async () => {
      const { outcome } = await runWith(
        definition(`
do:
  - missing:
      run:
        workflow: { namespace: math, name: triple, version: '1' }
`),
        {},
        [double],
      );
      expect(outcome.status).toBe('failed');
      expect(outcome.fault).toMatchObject({ type: expect.stringContaining('/configuration'), status: 400, instance: '/do/0/missing' });
      expect(outcome.fault?.detail).toContain("'math.triple' version 1");
    });

    it('faults when the child fails, with the child run in the detail, and a try catches it', async () => {
      const { outcome } = await runWith(
        definition(`
do:
  - guarded:
      try:
        - ledger:
            run:
              workflow: { namespace: math, name: broken, version: '1' }
      catch:
        as: failure
        do:
          - note:
              set: { caught: '\${ $failure.detail }', status: '\${ $failure.status }' }
`),
        {},
        [broken],
      );
      expect(outcome.status).toBe('completed');
      expect((outcome.output as { caught: string }).caught).toContain('the ledger is closed');
      expect((outcome.output as { status: number }).status).toBe(500);
    });

    it('carries a definition child’s own DSL error', async () => {
      const child = await runner.workflow(
        definition(
          `
do:
  - refuse:
      raise:
        error: { type: 'https://example.com/errors/out-of-stock', status: 409, title: Out of stock }
`,
          'stock',
        ),
      );
      const { outcome } = await runWith(definition(`do: [ { reserve: { run: { workflow: { namespace: tests, name: stock, version: '1.0.0' } } } } ]`), {}, [
        child,
      ]);
      expect(outcome.fault).toMatchObject({ type: 'https://example.com/errors/out-of-stock', status: 409, title: 'Out of stock', instance: '/do/0/reserve' });
    });

    it('a child input that fails its schema is a validation fault', async () => {
      const { outcome } = await runWith(
        definition(`do: [ { compute: { run: { workflow: { namespace: math, name: double, version: '2', input: { n: not-a-number } } } } } ]`),
        {},
        [double],
      );
      expect(outcome.fault).toMatchObject({ type: expect.stringContaining('/validation'), status: 400 });
    });

    it('await: false starts the child and outputs the task’s input', async () => {
      const { engine, outcome } = await runWith(
        definition(`
do:
  - start:
      run:
        await: false
        workflow: { namespace: math, name: double, version: '2', input: { n: 4 } }
`),
        { untouched: true },
        [double],
      );
      expect(outcome.output).toEqual({ untouched: true });
      const children = await engine.client.list({ workflow: 'math.double' });
      expect(children.runs).toHaveLength(1);
      expect(await engine.client.result(children.runs[0]!.id, { timeoutMs: 60_000 })).toEqual({ doubled: 8 });
    });
  });

  describe(`call: baton.workflow (${store.name})`, () => {
    it('runs a registered workflow by its Baton name, without a version', async () => {
      const { outcome } = await runWith(
        definition(`
do:
  - compute:
      call: baton.workflow
      with: { name: math.double, input: { n: '\${ .value }' } }
`),
        { value: 5 },
        [double],
      );
      expect(outcome.output).toEqual({ doubled: 10 });
    });

    it('faults naming the workflow when it is not registered', async () => {
      const { outcome } = await runWith(definition(`do: [ { compute: { call: baton.workflow, with: { name: math.nope } } } ]`), {}, [double]);
      expect(outcome.fault).toMatchObject({ status: 400, instance: '/do/0/compute' });
      expect(outcome.fault?.detail).toContain("'math.nope'");
    });

    it('an unknown baton function is a configuration fault listing the ones there are', async () => {
      const { outcome } = await runWith(definition(`do: [ { x: { call: baton.teleport, with: {} } } ]`), {}, []);
      expect(outcome.fault?.detail).toContain('baton.workflow, baton.llm, baton.agent, baton.approval');
    });
  });
}
