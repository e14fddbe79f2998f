/** The expression arguments ($input, $output, $context, $secrets, $task, $workflow, $runtime) and expression faults. */
import { afterAll, describe, expect, it } from 'vitest';
import { DefinitionRunner } from './definition-runner.js';
import { definition } from './test-stores.js';

describe('runtime expression arguments', () => {
  const runner = new DefinitionRunner();
  afterAll(() => runner.close());

  it('binds $input (the transformed input), $task, $workflow and $runtime', async () => {
    const out = await runner.run(
      definition(`
do:
  - look:
      input: { from: .a }
      set:
        input: \${ $input }
        task: '\${ { name: $task.name, reference: $task.reference, startedAt: ($task.startedAt | type) } }'
        workflow: '\${ { id: $workflow.id, input: $workflow.input, name: $workflow.definition.document.name, startedAt: ($workflow.startedAt | type) } }'
        runtime: \${ $runtime.name }
`),
      { a: { b: 1 } },
    );
    expect(out.output).toEqual({
      input: { b: 1 },
      task: { name: 'look', reference: '/do/0/look', startedAt: 'string' },
      workflow: { id: out.runId, input: { a: { b: 1 } }, name: 'test', startedAt: 'string' },
      runtime: 'baton',
    });
  });

  it('binds $output in output.as and export.as', async () => {
    const out = await runner.run(
      definition(`
do:
  - produce:
      set: { n: 3 }
      output: { as: '{ twice: ($output.n * 2) }' }
      export: { as: '{ seen: $output.twice }' }
  - read:
      set: { context: '\${ $context }' }
`),
    );
    expect(out.output).toEqual({ context: { seen: 6 } });
  });

  it('reads $secrets from the options; a missing secret is an authorization error (403)', async () => {
    const text = definition(`
use:
  secrets: [apiKey]
do:
  - useSecret:
      set: { key: '\${ $secrets.apiKey }' }
`);
    const workflow = await runner.workflow(text, { secrets: { apiKey: 's3cr3t' } });
    const engine = await runner.engine([workflow]);
    const ok = await runner.outcome(engine, (await engine.client.start(workflow, {})).id);
    expect(ok.output).toEqual({ key: 's3cr3t' });
    const missing = await runner.run(text);
    expect(missing.fault).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/authorization', status: 403, instance: '/do/0/useSecret' });
  });

  it('a failing expression is an expression error (400) at its task', async () => {
    const out = await runner.run(
      definition(`
do:
  - broken:
      set: { x: '\${ .a.b }' }
`),
      { a: 5 },
    );
    expect(out.fault).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/expression', status: 400, instance: '/do/0/broken' });
    expect(out.fault?.detail).toMatch(/Cannot index number/);
  });

  it('an expression with several outputs gives an array, one with none gives null', async () => {
    const out = await runner.run(
      definition(`
do:
  - many:
      set: \${ .[] }
  - none:
      set: { nothing: '\${ empty }', first: '\${ .[0] }' }
`),
      [1, 2],
    );
    expect(out.output).toEqual({ nothing: null, first: 1 });
  });
});
