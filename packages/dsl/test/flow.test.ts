/** Flow directives (continue, exit, end, a task name), `if` on tasks, and the faults of a bad flow. */
import { afterAll, describe, expect, it } from 'vitest';
import { DefinitionRunner } from './definition-runner.js';
import { definition } from './test-stores.js';

describe('flow directives', () => {
  const runner = new DefinitionRunner();
  afterAll(() => runner.close());

  it('then: <task> jumps, then: end ends the workflow with the current output', async () => {
    const out = await runner.run(
      definition(`
do:
  - a:
      set: { path: [ a ] }
      then: c
  - b:
      set: { path: '\${ .path + [ "b" ] }' }
  - c:
      set: { path: '\${ .path + [ "c" ] }' }
      then: end
  - d:
      set: { path: '\${ .path + [ "d" ] }' }
`),
    );
    expect(out.output).toEqual({ path: ['a', 'c'] });
    expect(out.steps).toEqual(['/do/0/a', '/do/2/c']);
  });

  it('then: exit leaves the enclosing list and goes on after its task; end inside a nested list ends everything', async () => {
    const out = await runner.run(
      definition(`
do:
  - group:
      do:
        - inner:
            set: { path: [ inner ] }
            then: exit
        - skipped:
            set: { path: [ skipped ] }
  - next:
      set: { path: '\${ .path + [ "next" ] }' }
  - nested:
      do:
        - stop:
            set: { path: '\${ .path + [ "stop" ] }' }
            then: end
  - never:
      set: { path: [ never ] }
`),
    );
    expect(out.output).toEqual({ path: ['inner', 'next', 'stop'] });
  });

  it('if skips a task whose condition does not hold (its output is its input)', async () => {
    const out = await runner.run(
      definition(`
do:
  - maybe:
      if: \${ .go }
      set: { went: true }
  - compound:
      if: .go
      do:
        - inner:
            set: { inner: true }
`),
      { go: false },
    );
    expect(out.output).toEqual({ go: false });
    const went = await runner.run(
      definition(`
do:
  - maybe:
      if: \${ .go }
      set: { went: true }
`),
      { go: true },
    );
    expect(went.output).toEqual({ went: true });
  });

  it('a loop through then directives is bounded only by its own condition', async () => {
    const out = await runner.run(
      definition(`
do:
  - inc:
      set: { n: '\${ .n + 1 }' }
  - check:
      switch:
        - more: { when: '.n < 3', then: inc }
        - done: { then: end }
`),
      { n: 0 },
    );
    expect(out.output).toEqual({ n: 3 });
    expect(out.steps).toEqual(['/do/0/inc', '/do/1/check', '/do/0/inc', '/do/1/check', '/do/0/inc', '/do/1/check']);
  });

  it('an unknown then target or task kind is a configuration error naming the task', async () => {
    const badThen = await runner.run(
      definition(`
do:
  - a:
      set: { x: 1 }
      then: nowhere
`),
    );
    expect(badThen.fault).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/configuration', status: 400, instance: '/do/0/a' });
    const badKind = await runner.run(
      definition(`
do:
  - container:
      run: { container: { image: alpine } }
`),
    );
    expect(badKind.fault).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/configuration', instance: '/do/0/container' });
    expect(badKind.fault?.detail).toMatch(/not supported/);
  });
});
