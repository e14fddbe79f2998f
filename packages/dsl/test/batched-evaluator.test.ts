/** Batched jq evaluation: one jq call per turn, each evaluation's own outputs and errors. */
import { describe, expect, it } from 'vitest';
import { BatchedEvaluator, JqError, loadJq, type JqEngine } from '@baton/dsl';

async function countingEngine(): Promise<{ engine: Promise<JqEngine>; calls: () => number }> {
  const jq = await loadJq();
  let calls = 0;
  const engine: JqEngine = {
    run: (program, input) => (calls++, jq.run(program, input)),
    raw: (text, program) => (calls++, jq.raw(text, program)),
    compileError: (program) => jq.compileError(program),
  };
  return { engine: Promise.resolve(engine), calls: () => calls };
}

describe('batched evaluation', () => {
  it('answers many concurrent evaluations with one jq call, each with its own outputs', async () => {
    const { engine, calls } = await countingEngine();
    const evaluator = new BatchedEvaluator(engine);
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 3 === 0
          ? evaluator.evaluate('${ .n + $input.k }', { n: i }, { input: { k: 1000 } })
          : i % 3 === 1
            ? evaluator.evaluate('${ .n, .n * 2 }', { n: i }, {})
            : evaluator.evaluate('${ $context.tag }', null, { context: { tag: `t${i}` } }),
      ),
    );
    expect(calls()).toBe(1);
    answers.forEach((outputs, i) => expect(outputs).toEqual(i % 3 === 0 ? [i + 1000] : i % 3 === 1 ? [i, i * 2] : [`t${i}`]));
  });

  it('fails only the evaluation that fails', async () => {
    const evaluator = new BatchedEvaluator();
    const results = await Promise.allSettled([
      evaluator.evaluate('${ .a.b }', { a: 1 }, {}),
      evaluator.evaluate('${ error("nope") }', null, {}),
      evaluator.evaluate('${ error({code: 7}) }', null, {}),
      evaluator.evaluate('${ .a }', { a: 1 }, {}),
    ]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: { phase: 'runtime', message: expect.stringMatching(/Cannot index number/) } });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { message: 'nope' } });
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(JqError);
    expect((results[2] as PromiseRejectedResult).reason.message).toContain('"code":7');
    expect(results[3]).toEqual({ status: 'fulfilled', value: [1] });
  });

  it('finds the one expression that does not compile and answers the others', async () => {
    const evaluator = new BatchedEvaluator();
    const results = await Promise.allSettled([evaluator.evaluate('${ .a ||| }', {}, {}), evaluator.evaluate('${ .a }', { a: 2 }, {})]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: { phase: 'compile' } });
    expect(results[1]).toEqual({ status: 'fulfilled', value: [2] });
  });

  it('never lets an expression read the other evaluations of its batch', async () => {
    const evaluator = new BatchedEvaluator();
    const results = await Promise.allSettled([
      evaluator.evaluate('${ [inputs] }', { mine: true }, {}),
      evaluator.evaluate('${ .secret }', { secret: 's3cr3t' }, {}),
      evaluator.evaluate('${ $input.inputs }', null, { input: { inputs: 'field' } }),
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: [[]] });
    expect(results[1]).toEqual({ status: 'fulfilled', value: ['s3cr3t'] });
    expect(results[2]).toEqual({ status: 'fulfilled', value: ['field'] });
  });
});
