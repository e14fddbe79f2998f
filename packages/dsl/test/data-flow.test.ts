/** The spec's data flow on both stores: input.from/schema, output.as/schema, export.as/schema, and the workflow's own. */
import { afterAll, describe, expect, it } from 'vitest';
import { DefinitionRunner } from './definition-runner.js';
import { definition, testStores } from './test-stores.js';

const VALIDATION = 'https://serverlessworkflow.io/spec/1.0.0/errors/validation';

for (const store of testStores('DSL data flow')) {
  describe(`data flow (${store.name})`, () => {
    const runner = new DefinitionRunner(() => store.create());
    afterAll(() => runner.close());

    it('input.from filters the task input; output.as shapes its output; the next task gets it', async () => {
      const out = await runner.run(
        definition(`
do:
  - pick:
      input: { from: .order }
      set: { id: '\${ .id }', total: '\${ .qty * .price }' }
      output: { as: '{ summary: . }' }
  - wrap:
      set: { got: '\${ .summary.total }' }
`),
        { order: { id: 'o-1', qty: 2, price: 5 } },
      );
      expect(out.output).toEqual({ got: 10 });
    });

    it('input.from and output.as take objects with expressions inside', async () => {
      const out = await runner.run(
        definition(`
do:
  - shape:
      input:
        from: { name: '\${ .user.name }', fixed: 1 }
      set: { hello: '\${ "hi " + .name }', fixed: '\${ .fixed }' }
      output:
        as: { greeting: '\${ .hello }', raw: '\${ $output.fixed }' }
`),
        { user: { name: 'Ada' } },
      );
      expect(out.output).toEqual({ greeting: 'hi Ada', raw: 1 });
    });

    it('export.as replaces $context, which later tasks read', async () => {
      const out = await runner.run(
        definition(`
do:
  - first:
      set: { n: 1 }
      export: { as: '$context + { first: .n }' }
  - second:
      set: { n: 2 }
      export: { as: '$context + { second: .n }' }
  - read:
      set: { context: '\${ $context }' }
`),
      );
      expect(out.output).toEqual({ context: { first: 1, second: 2 } });
    });

    it('the workflow input is validated and filtered, the workflow output shaped and validated', async () => {
      const text = definition(`
input:
  schema:
    format: json
    document: { type: object, required: [ n ], properties: { n: { type: integer } } }
  from: '{ value: .n }'
do:
  - double:
      set: { value: '\${ .value * 2 }' }
output:
  as: .value
  schema:
    document: { type: integer, maximum: 100 }
`);
      expect((await runner.run(text, { n: 21 })).output).toBe(42);
      const badInput = await runner.run(text, { n: 'x' });
      expect(badInput.fault).toMatchObject({ type: VALIDATION, status: 400, instance: '/input' });
      const badOutput = await runner.run(text, { n: 60 });
      expect(badOutput.fault).toMatchObject({ type: VALIDATION, status: 400, instance: '/output' });
    });

    it('task input, output and export schemas fault with a validation error at the task', async () => {
      const out = await runner.run(
        definition(`
do:
  - checked:
      input:
        schema: { document: { type: object, required: [ id ] } }
      set: { ok: true }
`),
        { other: 1 },
      );
      expect(out.fault).toMatchObject({ type: VALIDATION, status: 400, instance: '/do/0/checked' });
      const exported = await runner.run(
        definition(`
do:
  - exporting:
      set: { n: 1 }
      export:
        as: .n
        schema: { document: { type: object } }
`),
      );
      expect(exported.fault).toMatchObject({ type: VALIDATION, instance: '/do/0/exporting' });
      const output = await runner.run(
        definition(`
do:
  - out:
      set: { n: 1 }
      output:
        schema: { document: { type: object, properties: { n: { type: string } } } }
`),
      );
      expect(output.fault).toMatchObject({ type: VALIDATION, instance: '/do/0/out' });
    });

    it('compound tasks apply their own input.from, output.as and export.as around their tasks', async () => {
      const out = await runner.run(
        definition(`
do:
  - group:
      input: { from: .inner }
      do:
        - inc:
            set: { v: '\${ .v + 1 }' }
      output: { as: '{ result: .v }' }
      export: { as: '{ last: .result }' }
  - after:
      set: { result: '\${ .result }', context: '\${ $context }' }
`),
        { inner: { v: 1 } },
      );
      expect(out.output).toEqual({ result: 2, context: { last: 2 } });
      expect(out.steps).toEqual(['/do/0/group', '/do/0/group/do/0/inc', '/do/0/group output', '/do/1/after']);
    });
  });
}
