/**
 * The two builds of jq for Node on npm, side by side: `npm run bench:jq`. Each evaluates the same
 * runtime expression (a jq program reading its input and a bound argument) on changing inputs, one
 * call at a time, and then Baton's batched evaluation does it for 200 concurrent callers (one jq call
 * for the batch). Prints microseconds per evaluation, medians of 5 rounds, and how many calls a build
 * survives: jq-wasm 1.0.1 fails with "memory access out of bounds" after about 300 calls in one
 * process, which rules it out for a long-lived worker whatever its speed.
 */
import { createRequire } from 'node:module';
import { BatchedEvaluator } from '@baton/dsl';

const CALLS = 250;
const ROUNDS = 5;
const BATCH = 200;
const PROGRAM = '.[0] as {$input} | .[1] | .items | map(. + $input.k) | add';

interface JqWeb {
  json(input: unknown, filter: string): unknown;
}
interface JqWasm {
  json(input: unknown, filter: string): Promise<unknown>;
}

const require = createRequire(import.meta.url);
const jqWeb = await (require('jq-web') as Promise<JqWeb>);
const jqWasm = require('jq-wasm') as JqWasm;

const input = (i: number): unknown => [{ input: { k: i } }, { items: [1, 2, 3, i] }];
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function perCall(evaluate: (i: number) => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) await evaluate(i);
  return Number(process.hrtime.bigint() - start) / 1000 / CALLS;
}

const webTimes: number[] = [];
const batchedTimes: number[] = [];
const evaluator = new BatchedEvaluator();
for (let round = 0; round < ROUNDS; round++) {
  webTimes.push(await perCall((i) => jqWeb.json(input(i), `[${PROGRAM}]`)));
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: BATCH }, (_, i) => evaluator.run(PROGRAM, input(i))));
  batchedTimes.push(Number(process.hrtime.bigint() - start) / 1000 / BATCH);
}

// jq-wasm last: it may leave its module broken.
const wasmTimes: number[] = [];
let wasmCalls = 0;
let wasmFailure: string | undefined;
try {
  for (let round = 0; round < ROUNDS; round++) {
    wasmTimes.push(
      await perCall(async (i) => {
        await jqWasm.json(input(i), PROGRAM);
        wasmCalls++;
      }),
    );
  }
} catch (error) {
  wasmFailure = (error as Error).message;
}

console.log(`jq per evaluation, median of ${ROUNDS} rounds (${CALLS} sequential calls each; batched: ${BATCH} concurrent callers)`);
console.log(`  jq-web 0.6.2, one call per evaluation:      ${median(webTimes).toFixed(0)} µs (${ROUNDS * CALLS} calls, no failure)`);
console.log(
  wasmTimes.length > 0
    ? `  jq-wasm 1.0.1, one call per evaluation:     ${median(wasmTimes).toFixed(0)} µs (${wasmCalls} calls${wasmFailure ? `, then failed: ${wasmFailure}` : ''})`
    : `  jq-wasm 1.0.1: failed after ${wasmCalls} calls: ${wasmFailure}`,
);
console.log(`  jq-web through Baton's batched evaluation: ${median(batchedTimes).toFixed(1)} µs`);
