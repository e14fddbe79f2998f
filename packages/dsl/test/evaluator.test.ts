/** The interpreter's evaluator: templates in one jq call, batches across concurrent callers, per-request errors, memo. */
import { describe, expect, it } from 'vitest';
import { loadJq, type JqEngine } from '@baton/dsl';
import { Evaluator } from '../src/runtime/evaluator.js';
import { fusedSetProgram } from '../src/runtime/fused-set.js';

/** Counts the calls that reach jq. */
function counting(jq: JqEngine): JqEngine & { calls: number } {
  const counter = {
    calls: 0,
    run(program: string, input: unknown) {
      counter.calls++;
      return jq.run(program, input);
    },
    compileError: (program: string) => jq.compileError(program),
  };
  return counter;
}

describe('evaluator', () => {
  it('evaluates a template with several expressions in one jq call, and a constant in none', async () => {
    const jq = counting(await loadJq());
    const evaluator = new Evaluator(jq);
    const template = { a: '${ .x }', b: ['${ .x + 1 }', 'k'], c: { d: '${ $input.y }' } };
    expect(await evaluator.template(template, { x: 1 }, { input: { y: 'z' } })).toEqual({ a: 1, b: [2, 'k'], c: { d: 'z' } });
    expect(jq.calls).toBe(1);
    expect(await evaluator.template({ constant: true }, {}, {})).toEqual({ constant: true });
    expect(jq.calls).toBe(1);
  });

  it('batches concurrent evaluations into one jq call, each with its own result or error', async () => {
    const jq = counting(await loadJq());
    const evaluator = new Evaluator(jq);
    const results = await Promise.allSettled([
      evaluator.expression('${ .n * 2 }', { n: 1 }, {}),
      evaluator.expression('${ .a.b }', { a: 5 }, {}),
      evaluator.expression('${ error("custom") }', null, {}),
      evaluator.expression('${ .n + 10 }', { n: 2 }, {}),
    ]);
    expect(jq.calls).toBe(1);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 2 });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { error: { detail: expect.stringMatching(/Cannot index number/) } } });
    expect(results[2]).toMatchObject({ status: 'rejected', reason: { error: { detail: expect.stringMatching(/custom/) } } });
    expect(results[3]).toEqual({ status: 'fulfilled', value: 12 });
  });

  it('falls back to one call each when the batch does not compile', async () => {
    const jq = counting(await loadJq());
    const evaluator = new Evaluator(jq);
    const results = await Promise.allSettled([evaluator.expression('${ .n }', { n: 1 }, {}), evaluator.expression('${ .n ||| }', { n: 1 }, {})]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { error: { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/expression' } } });
  });

  it('remembers pure evaluations, but not impure ones', async () => {
    const jq = counting(await loadJq());
    const evaluator = new Evaluator(jq);
    await evaluator.expression('${ .n + 1 }', { n: 1 }, {});
    await evaluator.expression('${ .n + 1 }', { n: 1 }, {});
    expect(jq.calls).toBe(1);
    await evaluator.expression('${ now }', null, {});
    await evaluator.expression('${ now }', null, {});
    expect(jq.calls).toBe(3);
  });

  it('evaluates a set task’s if, input.from, set, output.as and export.as in one jq call', async () => {
    const jq = counting(await loadJq());
    const evaluator = new Evaluator(jq);
    const task = {
      if: '.go',
      input: { from: '.order' },
      set: { total: '${ .qty * .price }', from: '${ $input.id }' },
      output: { as: '{ summary: ., raw: $output.total }' },
      export: { as: '$context + { last: $output.summary.total }' },
    };
    const program = fusedSetProgram(task, evaluator)!;
    const scope = { input: null, context: { before: 1 } };
    expect(await evaluator.program(program, { go: true, order: { id: 'o-1', qty: 2, price: 5 } }, scope)).toEqual({
      skip: false,
      output: { summary: { total: 10, from: 'o-1' }, raw: 10 },
      context: { before: 1, last: 10 },
    });
    expect(jq.calls).toBe(1);
    expect(await evaluator.program(program, { go: false }, scope)).toEqual({ skip: true });
    // A schema between the stages, or a read of $task, takes the staged path.
    expect(fusedSetProgram({ ...task, output: { as: '.', schema: { document: {} } } }, evaluator)).toBeUndefined();
    expect(fusedSetProgram({ set: { name: '${ $task.name }' }, output: { as: '.' } }, evaluator)).toBeUndefined();
  });
});
