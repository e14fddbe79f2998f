/**
 * How fast the replay check goes: 10,000 runs recorded by a real engine on a SQLite file, replayed
 * against their code, which runs no step and writes nothing.
 *
 *   npm run bench:replay [-- --runs 10000] [--reps 5] [--concurrency 1,64] [--cli] [--json]
 *
 * Runs: a third are an approval waiting for its decision after four steps (in flight), a third the
 * same approval completed after the decision and two more steps, and a third a ten-task definition
 * (YAML, run by the interpreter, each task a jq expression), completed. Two measurements:
 * - `replayRun` alone over the histories in memory, `--concurrency` runs at a time (each repetition
 *   replays every run once; medians over repetitions after one unreported warm-up);
 * - with `--cli` (the default), the whole `baton replay` command as a process: reading the SQLite
 *   file (`--db`) and reading the runs exported as replay files (`--from`), median of `--reps`
 *   processes each, start-up included.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine, replayFileOf, replayRun, silentLogger, type AnyWorkflow, type ReplayInput } from '@baton/core';
import { definitionOf, setDefinitionText } from './dsl/bench-workflows.js';
import { median } from './lib/stats.js';
import { sqliteStores, type FreshStore } from './lib/stores.js';
import { cpuMs, now } from './lib/timing.js';
import { approval } from './replay/workflows.js';

const USAGE = 'Usage: npm run bench:replay -- [--runs N] [--reps N (≥ 5 for the record)] [--concurrency 1,64] [--no-cli] [--json]';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'packages/cli/dist/bin.js');

interface Options {
  runs: number;
  reps: number;
  concurrency: number[];
  cli: boolean;
  json: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      reps: { type: 'string' },
      concurrency: { type: 'string' },
      'no-cli': { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  const runs = Number(values.runs ?? 10_000);
  const reps = Number(values.reps ?? 5);
  const concurrency = (values.concurrency ?? '1,64').split(',').map(Number);
  if (!Number.isInteger(runs) || runs < 3 || !Number.isInteger(reps) || reps < 1 || concurrency.some((c) => !Number.isInteger(c) || c < 1)) {
    console.error(USAGE);
    process.exit(2);
  }
  return { runs, reps, concurrency, cli: values['no-cli'] !== true, json: values.json === true };
}

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  for (let delay = 1; !(await condition()); delay = Math.min(delay * 2, 50)) await new Promise((resolve) => setTimeout(resolve, delay));
}

/** Makes the runs with a real engine on `fresh`, and reads their histories back as the CLI would. */
async function record(fresh: FreshStore, count: number, definition: AnyWorkflow): Promise<ReplayInput[]> {
  const engine = new Engine({ store: fresh.store, workflows: [approval, definition], concurrency: 200, durability: 'batched', logger: silentLogger });
  await engine.start();
  try {
    const client = engine.client;
    const third = Math.floor(count / 3);
    const ids: string[] = [];
    for (let i = 0; i < count; i++)
      ids.push((i < 2 * third ? await client.start(approval, { amount: 100 + i }) : await client.start(definition, { count: i })).id);
    const statusOf = async (id: string): Promise<string | undefined> => (await client.get(id))?.status;
    for (const id of ids.slice(0, 2 * third)) await waitUntil(async () => (await statusOf(id)) === 'waiting');
    await Promise.all(ids.slice(third, 2 * third).map((id) => client.signal(id, 'decision', { approved: true })));
    for (const id of ids.slice(third)) await waitUntil(async () => (await statusOf(id)) === 'completed');
    const histories: ReplayInput[] = [];
    for (const id of ids) {
      const run = await fresh.store.getRun(id);
      if (run === undefined) throw new Error(`run ${id} vanished`);
      histories.push({ run, journal: await fresh.store.getJournal(id) });
    }
    return histories;
  } finally {
    await engine.stop({ timeoutMs: 1000 });
  }
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

/** `baton replay` as a process, `reps` times; runs/s over the whole process (start-up included) and as the command reports it. */
function cliRuns(args: string[], runs: number, reps: number): { processRunsPerSec: number; reportedRunsPerSec: number; samples: number[] } {
  const process: number[] = [];
  const reported: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const startedAt = now();
    const out = execFileSync(global.process.execPath, [BIN, 'replay', ...args, '--limit', String(runs), '--json'], { maxBuffer: 1 << 30, encoding: 'utf8' });
    const seconds = (now() - startedAt) / 1000;
    const summary = (JSON.parse(out) as { summary: { checked: number; ok: number; runsPerSecond: number } }).summary;
    if (summary.checked !== runs || summary.ok !== runs) throw new Error(`baton replay checked ${summary.checked} runs, ${summary.ok} ok, of ${runs}`);
    process.push(runs / seconds);
    reported.push(summary.runsPerSecond);
  }
  return { processRunsPerSec: Math.round(median(process)), reportedRunsPerSec: Math.round(median(reported)), samples: process.map(Math.round) };
}

async function main(): Promise<void> {
  const opts = options();
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-replay-'));
  const definitionText = setDefinitionText();
  writeFileSync(join(dir, 'count-set.yaml'), definitionText);
  const definition = await definitionOf(definitionText);
  const code = new Map([approval, definition].map((w) => [w.name, w]));
  const fresh = await sqliteStores().fresh('replay');
  try {
    process.stderr.write(`recording ${opts.runs} runs…\n`);
    const histories = await record(fresh, opts.runs, definition);
    const kinds = { waiting: 0, completed: 0, entries: 0 };
    for (const h of histories) {
      if (h.run.status === 'waiting') kinds.waiting++;
      else kinds.completed++;
      kinds.entries += h.journal.length;
    }
    const inMemory: Record<string, unknown>[] = [];
    for (const concurrency of opts.concurrency) {
      await replayAll(histories, code, concurrency); // warm-up
      const samples = [];
      for (let rep = 0; rep < opts.reps; rep++) samples.push(await replayAll(histories, code, concurrency));
      const failed = samples.reduce((sum, s) => sum + s.failed, 0);
      if (failed > 0) throw new Error(`${failed} replays diverged: the benchmark's runs must replay against their own code`);
      inMemory.push({
        concurrency,
        runsPerSec: Math.round(median(samples.map((s) => s.runsPerSec))),
        cpuUsPerRun: Math.round(median(samples.map((s) => s.cpuUsPerRun))),
        samples: samples.map((s) => Math.round(s.runsPerSec)),
      });
    }
    let cli: Record<string, unknown> | undefined;
    if (opts.cli) {
      const files = join(dir, 'files');
      mkdirSync(files);
      for (const h of histories) writeFileSync(join(files, `${h.run.id}.json`), JSON.stringify(replayFileOf(h)));
      const workflows = `${fileURLToPath(new URL('./replay/workflows.ts', import.meta.url))},${join(dir, 'count-set.yaml')}`;
      if (fresh.location.kind !== 'sqlite') throw new Error('the CLI measurement reads a SQLite file');
      cli = {
        db: cliRuns(['--workflows', workflows, '--db', fresh.location.path], histories.length, opts.reps),
        from: cliRuns(['--workflows', workflows, '--from', files], histories.length, opts.reps),
      };
    }
    const machine = { cpus: cpus().length, load: loadavg().map((l) => Number(l.toFixed(2))), node: process.version };
    if (opts.json) {
      console.log(JSON.stringify({ runs: histories.length, ...kinds, machine, inMemory, cli }, null, 2));
      return;
    }
    console.log(
      `replay check: ${histories.length} recorded runs (${kinds.waiting} waiting, ${kinds.completed} completed, ${kinds.entries} journal entries), medians of ${opts.reps}`,
    );
    console.log(`machine: ${machine.cpus} CPUs, load ${machine.load.join(' ')}, Node ${machine.node}`);
    for (const r of inMemory) {
      console.log(
        `  replayRun, ${String(r.concurrency).padStart(2)} at a time: ${r.runsPerSec} runs/s, ${r.cpuUsPerRun} µs CPU per run  (samples ${(r.samples as number[]).join(', ')})`,
      );
    }
    if (cli !== undefined) {
      for (const [source, r] of Object.entries(cli) as [string, ReturnType<typeof cliRuns>][]) {
        console.log(
          `  baton replay --${source}: ${r.processRunsPerSec} runs/s for the whole process, ${r.reportedRunsPerSec} runs/s as it reports the check  (samples ${r.samples.join(', ')})`,
        );
      }
    }
  } finally {
    await fresh.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
