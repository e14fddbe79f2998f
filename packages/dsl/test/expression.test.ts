/** jq through WebAssembly: outputs, bound arguments, compile and runtime errors. */
import { describe, expect, it } from 'vitest';
import { evaluateAll, expressionCompileError, JqError, loadJq } from '@baton/dsl';

describe('runtime expressions', () => {
  it('evaluates jq with the DSL arguments bound', async () => {
    const jq = await loadJq();
    expect(evaluateAll(jq, '${ .a + $input.b }', { a: 1 }, { input: { b: 2 } })).toEqual([3]);
    expect(evaluateAll(jq, '${ .[] }', [1, 'x'], {})).toEqual([1, 'x']);
    expect(evaluateAll(jq, '${ $context }', null, {})).toEqual([null]);
    expect(evaluateAll(jq, '${ empty }', null, {})).toEqual([]);
  });

  it('reports compile errors and runtime errors apart', async () => {
    expect(await expressionCompileError('${ .a | $secrets.x }')).toBeUndefined();
    expect(await expressionCompileError('${ .a ||| }')).toMatch(/syntax error/);
    expect(await expressionCompileError('${ $nope }')).toMatch(/\$nope is not defined/);
    const jq = await loadJq();
    let failure: unknown;
    try {
      evaluateAll(jq, '${ .a.b }', { a: 1 }, {});
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(JqError);
    expect((failure as JqError).phase).toBe('runtime');
    expect((failure as JqError).message).toMatch(/Cannot index number/);
  });
});
