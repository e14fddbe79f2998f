/**
 * Replay and recovery: a definition's run that suspends (wait, listen) and resumes in another engine
 * on the same store replays its journal: completed tasks are not run again (no second event, no
 * second step), concurrent fork branches land on the same positions, and the outcome is the same.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine, silentLogger, type AnyWorkflow } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { DefinitionRunner } from './definition-runner.js';
import { definition } from './test-stores.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-dsl-replay-'));
const runner = new DefinitionRunner();
afterAll(async () => {
  await runner.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let files = 0;
/** Runs `workflow` in one engine until the run waits, stops that engine, and finishes the run in a new engine on the same file. */
async function acrossEngines(workflow: AnyWorkflow, input: unknown, resume: (engine: Engine, runId: string) => Promise<void> = async () => {}) {
  const path = join(dir, `replay-${++files}.db`);
  const firstStore = new SqliteStore({ path });
  const first = new Engine({ store: firstStore, workflows: [workflow], logger: silentLogger, pollIntervalMs: 20 });
  await first.start();
  const { id } = await first.client.start(workflow, input);
  await until(async () => (await first.client.get(id))?.status === 'waiting', 'the run waits');
  const before = await first.client.journal(id);
  await first.stop({ timeoutMs: 1000 });
  await firstStore.close();
  const store = new SqliteStore({ path });
  const second = new Engine({ store, workflows: [workflow], logger: silentLogger, pollIntervalMs: 20 });
  await second.start();
  try {
    await resume(second, id);
    const outcome = await runner.outcome(second, id);
    const events = await second.client.events.list();
    return { before, outcome, events };
  } finally {
    await second.stop({ timeoutMs: 1000 });
    await store.close();
  }
}

describe('replay of definitions', () => {
  it('resumes after a wait in another engine without running completed tasks again', async () => {
    const workflow = await runner.workflow(
      definition(`
do:
  - first:
      set: { n: '\${ .n + 1 }' }
  - announce:
      emit:
        event:
          with: { source: test, type: com.example.once, data: '\${ . }' }
      output: { as: '$input' }
  - nap:
      wait: PT0.3S
  - last:
      set: { n: '\${ .n * 10 }' }
`),
    );
    const { before, outcome, events } = await acrossEngines(workflow, { n: 1 });
    expect(before.map((e) => e.name)).toEqual(['/do/0/first', '/do/1/announce']);
    expect(outcome.output).toEqual({ n: 20 });
    expect(outcome.steps).toEqual(['/do/0/first', '/do/1/announce', '/do/3/last']);
    // The emit ran once: replay returned its journaled result.
    expect(events.filter((e) => e.type === 'com.example.once')).toHaveLength(1);
  });

  it('a fork whose branches wait resumes with the same journal positions', async () => {
    const workflow = await runner.workflow(
      definition(`
do:
  - split:
      fork:
        branches:
          - a:
              do:
                - a1: { set: { a: 1 } }
                - a2: { wait: PT0.3S }
                - a3: { set: { a: '\${ .a + 1 }' } }
          - b:
              do:
                - b1: { set: { b: 1 } }
                - b2: { set: { b: '\${ .b + 1 }' } }
                - b3: { wait: PT0.2S }
                - b4: { set: { b: '\${ .b + 1 }' } }
          - c:
              listen:
                to:
                  one:
                    with: { type: com.example.go }
  - join:
      set: { a: '\${ .[0].a }', b: '\${ .[1].b }', c: '\${ .[2][0].go }' }
`),
    );
    const { outcome } = await acrossEngines(workflow, {}, async (engine) => {
      await engine.client.events.emit('com.example.go', { go: true }, { source: 'test' });
    });
    expect(outcome.status, JSON.stringify(outcome.error)).toBe('completed');
    expect(outcome.output).toEqual({ a: 2, b: 3, c: true });
    // Rounds: (a1, b1, c's wait), then (a2's sleep, b2) once c is done, then (a3, b3's sleep), then b4.
    const branch = (name: string) => `/do/0/split/fork/branches/${name}`;
    expect(outcome.steps).toEqual([
      branch('0/a/do/0/a1'),
      branch('1/b/do/0/b1'),
      branch('1/b/do/1/b2'),
      branch('0/a/do/2/a3'),
      branch('1/b/do/3/b4'),
      '/do/1/join',
    ]);
  });

  it('a try that waits to retry catches the failed step again on replay, decoded from the journal', async () => {
    const workflow = await runner.workflow(
      definition(`
do:
  - attempt:
      try:
        - fail:
            raise: { error: { type: https://example.com/flaky, status: 503, detail: '\${ "attempt " + ($context.n // 0 | tostring) }' } }
            export: { as: '{}' }
      catch:
        errors: { with: { status: 503 } }
        as: problem
        retry: { delay: PT0.3S, limit: { attempt: { count: 1 } } }
        do:
          - handle:
              set: { caught: '\${ $problem }' }
`),
    );
    const { before, outcome } = await acrossEngines(workflow, {});
    expect(before.map((e) => [e.name, e.status])).toEqual([
      ['/do/0/attempt/try/0/fail', 'failed'],
      ['/do/0/attempt catch', 'completed'],
    ]);
    expect(outcome.output).toEqual({ caught: { type: 'https://example.com/flaky', status: 503, detail: 'attempt 0', instance: '/do/0/attempt/try/0/fail' } });
    expect(outcome.steps).toEqual([
      '/do/0/attempt/try/0/fail',
      '/do/0/attempt catch',
      '/do/0/attempt/try/0/fail #2',
      '/do/0/attempt #2 catch',
      '/do/0/attempt/catch/do/0/handle',
    ]);
  });

  it('cancels a run waiting in a wait task like any other run', async () => {
    const workflow = await runner.workflow(
      definition(`
do:
  - nap:
      wait: PT1H
  - never:
      set: { reached: true }
`),
    );
    const engine = await runner.engine([workflow]);
    const { id } = await engine.client.start(workflow, {});
    await until(async () => (await engine.client.get(id))?.status === 'waiting', 'the run waits');
    await engine.client.cancel(id, 'no longer needed');
    await until(async () => (await engine.client.get(id))?.status === 'cancelled', 'the run is cancelled');
    const journal = await engine.client.journal(id);
    expect(journal.filter((entry) => entry.name === '/do/1/never')).toHaveLength(0);
  });
});
