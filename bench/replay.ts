/**
 * How fast the replay check goes: 10,000 recorded runs (made by a real engine on a fresh SQLite file)
 * replayed against their code with `replayRun`, which runs no step and writes nothing.
 *
 *   npm run bench:replay [-- --runs 10000] [--reps 5] [--concurrency 1,64] [--json]
 *
 * Runs: a mix of an approval workflow waiting for its signal after four steps (in flight), the same
 * completed after the signal and two more steps (ended), and a ten-task definition (YAML, run by the
 * interpreter, each task a jq expression), ended. The histories are read once from the store (as
 * `baton replay --db` reads them); the measurement is the check alone, in memory, `--concurrency`
 * runs at a time. Each repetition replays every run once; the report quotes medians over repetitions
 * after one unreported warm-up.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { defineWorkflow, replayRun, type AnyWorkflow, type ReplayInput } from '@baton/core';
import { definitionOf, setDefinitionText } from './dsl/bench-workflows.js';
import { median } from './lib/stats.js';
import { sqliteStores } from './lib/stores.js';
import { cpuMs, now } from './lib/timing.js';
import { withEngine } from './lib/with-engine.js';

const USAGE = 'Usage: npm run bench:replay -- [--runs N] [--reps N (≥ 5 for the record)] [--concurrency 1,64] [--json]';

const approval = defineWorkflow({ name: 'bench-approval', input: z.object({ amount: z.number() }) }, async (ctx, input) => {
  const invoice = await ctx.step('extract', () => ({ amount: input.amount, vendor: 'Northwind' }));
  await ctx.step('validate-po', () => invoice.amount > 0);
  const limit = await ctx.step('check-budget', () => invoice.amount < 5000);
  await ctx.step('request-approval', () => ({ to: limit ? 'manager' : 'cfo' }));
  const decision = await ctx.waitForSignal<{ approved: boolean }>('decision');
  if (!decision.approved) return 'rejected';
  await ctx.step('book', () => ({ booked: invoice.amount }));
  await ctx.step('notify', () => 'sent');
  return 'booked';
});

interface Options {
  runs: number;
  reps: number;
  concurrency: number[];
  json: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: { runs: { type: 'string' }, reps: { type: 'string' }, concurrency: { type: 'string' }, json: { type: 'boolean' } },
  });
  const runs = Number(values.runs ?? 10_000);
  const reps = Number(values.reps ?? 5);
  const concurrency = (values.concurrency ?? '1,64').split(',').map(Number);
  if (!Number.isInteger(runs) || runs < 3 || !Number.isInteger(reps) || reps < 1 || concurrency.some((c) => !Number.isInteger(c) || c < 1)) {
    console.error(USAGE);
    process.exit(2);
  }
  return { runs, reps, concurrency, json: values.json === true };
}

/** Makes the runs with a real engine and reads their histories back as the CLI would. */
async function record(count: number, definition: AnyWorkflow): Promise<{ histories: ReplayInput[]; code: Map<string, AnyWorkflow> }> {
  const workflows = [approval, definition];
  return withEngine(sqliteStores(), { durability: 'batched', concurrency: 200, workflows }, async (engine) => {
    const client = engine.client;
    const ids: string[] = [];
    const third = Math.floor(count / 3);
    for (let i = 0; i < count; i++) {
      const handle = i < 2 * third ? await client.start(approval, { amount: 100 + i }) : await client.start(definition, { count: i });
      ids.push(handle.id);
    }
    // The first third stays waiting for its signal; the second gets it and completes.
    for (const id of ids.slice(third, 2 * third)) await waitUntil(async () => (await client.get(id))?.status === 'waiting');
    await Promise.all(ids.slice(third, 2 * third).map((id) => client.signal(id, 'decision', { approved: true })));
    for (const id of ids) await waitUntil(async () => ['waiting', 'completed'].includes((await client.get(id))?.status ?? ''));
    const histories: ReplayInput[] = [];
    for (const id of ids) {
      const run = await engine.store.getRun(id);
      if (run === undefined) throw new Error(`run ${id} vanished`);
      histories.push({ run, journal: await engine.store.getJournal(id) });
    }
    return { histories, code: new Map(workflows.map((w) => [w.name, w])) };
  });
}

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  for (let delay = 1; !(await condition()); delay = Math.min(delay * 2, 50)) await new Promise((resolve) => setTimeout(resolve, delay));
}

/** Replays every history once, `concurrency` at a time; returns runs/s and CPU µs per run. */
async function replayAll(
  histories: ReplayInput[],
  code: Map<string, AnyWorkflow>,
  concurrency: number,
): Promise<{ runsPerSec: number; cpuUsPerRun: number; failed: number }> {
  let next = 0;
  let failed = 0;
  const startedAt = now();
  const cpuAt = cpuMs();
  const lane = async (): Promise<void> => {
    while (next < histories.length) {
      const history = histories[next++]!;
      const result = await replayRun(code.get(history.run.workflow)!, history);
      if (!result.ok) failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = (now() - startedAt) / 1000;
  return { runsPerSec: histories.length / seconds, cpuUsPerRun: ((cpuMs() - cpuAt) * 1000) / histories.length, failed };
}

async function main(): Promise<void> {
  const opts = options();
  const definition = await definitionOf(setDefinitionText());
  process.stderr.write(`recording ${opts.runs} runs…\n`);
  const { histories, code } = await record(opts.runs, definition);
  const kinds = { waiting: 0, completed: 0, entries: 0 };
  for (const h of histories) {
    if (h.run.status === 'waiting') kinds.waiting++;
    else kinds.completed++;
    kinds.entries += h.journal.length;
  }
  const report: Record<string, unknown>[] = [];
  for (const concurrency of opts.concurrency) {
    await replayAll(histories, code, concurrency); // warm-up
    const samples = [];
    for (let rep = 0; rep < opts.reps; rep++) samples.push(await replayAll(histories, code, concurrency));
    const failed = samples.reduce((sum, s) => sum + s.failed, 0);
    if (failed > 0) throw new Error(`${failed} replays diverged: the benchmark's runs must replay against their own code`);
    report.push({
      concurrency,
      runsPerSec: Math.round(median(samples.map((s) => s.runsPerSec))),
      cpuUsPerRun: Math.round(median(samples.map((s) => s.cpuUsPerRun))),
      samples: samples.map((s) => Math.round(s.runsPerSec)),
    });
  }
  const machine = { cpus: cpus().length, load: loadavg().map((l) => Number(l.toFixed(2))), node: process.version };
  if (opts.json) {
    console.log(JSON.stringify({ runs: histories.length, ...kinds, machine, report }, null, 2));
    return;
  }
  console.log(
    `replay check: ${histories.length} recorded runs (${kinds.waiting} waiting, ${kinds.completed} ended, ${kinds.entries} journal entries), medians of ${opts.reps}`,
  );
  console.log(`machine: ${machine.cpus} CPUs, load ${machine.load.join(' ')}, Node ${machine.node}`);
  for (const r of report)
    console.log(
      `  concurrency ${String(r.concurrency).padStart(3)}: ${r.runsPerSec} runs/s, ${r.cpuUsPerRun} µs CPU per run  (samples ${(r.samples as number[]).join(', ')})`,
    );
}

await main();
