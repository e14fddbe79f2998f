/** The core task kinds on both stores: do, set, switch, for, fork, raise, with the journal they leave. */
import { afterAll, describe, expect, it } from 'vitest';
import { DefinitionRunner } from './definition-runner.js';
import { definition, testStores } from './test-stores.js';

for (const store of testStores('DSL task kinds')) {
  describe(`task kinds (${store.name})`, () => {
    const runner = new DefinitionRunner(() => store.create());
    afterAll(() => runner.close());

    it('set builds its output from expressions anywhere inside it, in one step named by the pointer', async () => {
      const out = await runner.run(
        definition(`
do:
  - shape:
      set:
        kind: circle
        size: \${ .width * 2 }
        nested: { list: [ 1, '\${ .width }', { deep: '\${ .name | ascii_upcase }' } ] }
        truth: \${ .flag }
`),
        { width: 3, name: 'ab', flag: false },
      );
      expect(out.output).toEqual({ kind: 'circle', size: 6, nested: { list: [1, 3, { deep: 'AB' }] }, truth: false });
      expect(out.steps).toEqual(['/do/0/shape']);
    });

    it('set takes a whole expression, and a constant set is returned as written', async () => {
      const out = await runner.run(
        definition(`
do:
  - whole:
      set: '\${ { sum: (.a + .b) } }'
  - constant:
      set: { done: true, sum: 0 }
`),
        { a: 1, b: 2 },
      );
      expect(out.output).toEqual({ done: true, sum: 0 });
    });

    it('do runs nested lists in order, with nested pointers', async () => {
      const out = await runner.run(
        definition(`
do:
  - outer:
      do:
        - first:
            set: { n: 1 }
        - second:
            set: { n: '\${ .n + 1 }' }
  - after:
      set: { n: '\${ .n * 10 }' }
`),
      );
      expect(out.output).toEqual({ n: 20 });
      expect(out.steps).toEqual(['/do/0/outer/do/0/first', '/do/0/outer/do/1/second', '/do/1/after']);
    });

    it('switch takes the first matching case, then the default, then the task’s own then', async () => {
      const text = definition(`
do:
  - pick:
      switch:
        - big: { when: '.n > 10', then: setBig }
        - bigger: { when: '.n > 100', then: setBigger }
        - other: { then: setSmall }
  - setBigger:
      set: { size: bigger }
      then: end
  - setBig:
      set: { size: big }
      then: end
  - setSmall:
      set: { size: small }
`);
      expect((await runner.run(text, { n: 500 })).output).toEqual({ size: 'big' });
      expect((await runner.run(text, { n: 1 })).output).toEqual({ size: 'small' });
    });

    it('for iterates with named item and index variables, each iteration’s steps qualified', async () => {
      const out = await runner.run(
        definition(`
do:
  - loop:
      for: { each: color, in: .colors, at: i }
      do:
        - add:
            set: { seen: '\${ (.seen // []) + [ "\\($i):\\($color)" ] }' }
`),
        { colors: ['red', 'green'] },
      );
      expect(out.output).toEqual({ seen: ['0:red', '1:green'] });
      expect(out.steps).toEqual(['/do/0/loop in', '/do/0/loop/do/0/add #1', '/do/0/loop/do/0/add #2']);
    });

    it('for stops when while no longer holds', async () => {
      const out = await runner.run(
        definition(`
do:
  - loop:
      for: { in: '[1,2,3,4,5]' }
      while: .total < 5
      do:
        - add:
            set: { total: '\${ .total + $item }' }
`),
        { total: 0 },
      );
      expect(out.output).toEqual({ total: 6 });
    });

    it('fork returns every branch’s output in declaration order', async () => {
      const out = await runner.run(
        definition(`
do:
  - both:
      fork:
        branches:
          - a:
              set: { from: a, x: '\${ .x }' }
          - b:
              do:
                - b1:
                    set: { from: b }
                - b2:
                    set: { from: '\${ .from + "2" }' }
`),
        { x: 1 },
      );
      expect(out.output).toEqual([{ from: 'a', x: 1 }, { from: 'b2' }]);
    });

    it('fork with compete returns the winning branch’s output only', async () => {
      const out = await runner.run(
        definition(`
do:
  - race:
      fork:
        compete: true
        branches:
          - slow:
              wait: { seconds: 30 }
          - fast:
              set: { winner: fast }
`),
      );
      expect(out.output).toEqual({ winner: 'fast' });
    });

    it('raise faults with the inline error, expressions evaluated, instance the task pointer', async () => {
      const out = await runner.run(
        definition(`
do:
  - check:
      raise:
        error:
          type: https://example.com/errors/out-of-stock
          status: 409
          title: Out of stock
          detail: \${ "Only \\(.stock) left" }
`),
        { stock: 2 },
      );
      expect(out.status).toBe('failed');
      expect(out.fault).toEqual({
        type: 'https://example.com/errors/out-of-stock',
        status: 409,
        title: 'Out of stock',
        detail: 'Only 2 left',
        instance: '/do/0/check',
      });
      expect((out.error as { code?: string }).code).toBe('BATON_WORKFLOW_FAULT');
    });

    it('raise uses an error declared in use.errors', async () => {
      const out = await runner.run(
        definition(`
use:
  errors:
    notFound: { type: https://serverlessworkflow.io/spec/1.0.0/errors/runtime, status: 404, title: Not found }
do:
  - fail:
      raise: { error: notFound }
`),
      );
      expect(out.fault).toEqual({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime', status: 404, title: 'Not found', instance: '/do/0/fail' });
    });
  });
}
