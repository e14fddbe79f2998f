/**
 * The peer benchmark: Baton beside other durable workflow engines and job queues, on one
 * PostgreSQL server. Round by round, each system runs in a child process of its own (child.ts) on a
 * database made for it, in an order that rotates every round; the floor of the server (raw
 * single-row commits) is measured in every round too. Prints medians, ranges and the median of the
 * per-round ratios to Baton strict.
 *
 *   npm run bench:peers -- [--systems a,b] [--workloads W1,W1seq,W2,W3,TEN] [--rounds N] [--pg-url URL] [--json]
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureFloor, type Floor } from './floor.js';
import { DEFAULT_PG_URL, maskPassword, serverInfo } from './postgres.js';
import { RESULT_PREFIX, type ChildResult } from './protocol.js';
import { summarize, table } from './report.js';
import type { PeerSystem, WorkloadId } from './system.js';
import { packageVersion } from './versions.js';
import { WORKLOAD_IDS } from './workloads.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PEERS_DIR = dirname(HERE);

/** Rounds by default: 14 asks more than ~15 minutes of this harness on a 2-core machine (see README). */
const DEFAULT_ROUNDS = 5;

/** One system and round may take this long before its child process is stopped. */
const CHILD_TIMEOUT_MS = 15 * 60_000;

/** Systems the harness cannot run here, and why (printed with every report). */
export const NOT_MEASURED: Record<string, string> = {
  Temporal: 'not measured: its dev server (temporal server start-dev, the Temporal CLI) downloads its binary at run time and cannot run offline',
  Inngest: 'not measured: its dev server (inngest-cli dev) downloads its binary at run time and cannot run offline',
};

const USAGE = `Usage: npm run bench:peers -- [--systems a,b] [--workloads ${WORKLOAD_IDS.join(',')}] [--rounds N] [--pg-url URL] [--json]
  --systems    systems to run (default: all), by id
  --workloads  workloads to run (default: all)
  --rounds     rounds (default ${DEFAULT_ROUNDS}); each round runs every system once, in an order that rotates
  --pg-url     a database on the PostgreSQL server to use for administration (CREATE DATABASE), default ${DEFAULT_PG_URL}
  --json       print the results as JSON instead of tables`;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

interface Options {
  systems: PeerSystem[];
  workloads: WorkloadId[];
  rounds: number;
  pgUrl: string;
  json: boolean;
}

function options(all: readonly PeerSystem[]): Options {
  const { values } = parseArgs({
    options: {
      systems: { type: 'string' },
      workloads: { type: 'string' },
      rounds: { type: 'string', default: String(DEFAULT_ROUNDS) },
      'pg-url': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    console.log(`${USAGE}\n  systems: ${all.map((s) => s.id).join(', ')}`);
    process.exit(0);
  }
  const list = (text: string | undefined): string[] | undefined =>
    text
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const wantedSystems = list(values.systems);
  const unknownSystems = wantedSystems?.filter((id) => !all.some((s) => s.id === id)) ?? [];
  if (unknownSystems.length > 0) fail(`Unknown system ${unknownSystems.join(', ')}; known: ${all.map((s) => s.id).join(', ')}.`);
  const wantedWorkloads = list(values.workloads);
  const unknownWorkloads = wantedWorkloads?.filter((id) => !WORKLOAD_IDS.some((w) => w.toLowerCase() === id.toLowerCase())) ?? [];
  if (unknownWorkloads.length > 0) fail(`Unknown workload ${unknownWorkloads.join(', ')}. ${USAGE}`);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) fail(`--rounds must be a positive integer, not '${values.rounds}'.`);
  return {
    systems: wantedSystems === undefined ? [...all] : all.filter((s) => wantedSystems.includes(s.id)),
    workloads: wantedWorkloads === undefined ? [...WORKLOAD_IDS] : WORKLOAD_IDS.filter((w) => wantedWorkloads.some((x) => x.toLowerCase() === w.toLowerCase())),
    rounds,
    pgUrl: values['pg-url'] ?? process.env['BATON_PEERS_POSTGRES'] ?? DEFAULT_PG_URL,
    json: values.json,
  };
}

/** Runs one system for one round in a child process and returns what it reported. */
async function runChild(system: PeerSystem, round: number, pgUrl: string, workloads: WorkloadId[]): Promise<ChildResult> {
  let interrupted = false;
  const args = ['--import', import.meta.resolve('tsx'), join(HERE, 'child.ts')];
  args.push('--system', system.id, '--round', String(round), '--pg-url', pgUrl, '--workloads', workloads.join(','));
  const child = spawn(process.execPath, args, {
    cwd: PEERS_DIR,
    stdio: ['ignore', 'pipe', 'inherit'],
    // Systems log at their quietest that still shows warnings; per-invocation INFO lines cost CPU.
    env: { ...process.env, RESTATE_LOGGING: 'WARN', NODE_NO_WARNINGS: '1' },
    // A process group of its own, so a signal reaches the child and the servers it started together.
    detached: true,
  });
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  // Ctrl-C: the child drops its database and stops its servers; the runner stops once it has.
  const interrupt = (): void => {
    interrupted = true;
    signalGroup('SIGINT');
  };
  process.on('SIGINT', interrupt);
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (stdout += chunk));
  // Past the limit, SIGTERM lets the child drop its database; SIGKILL follows if it does not end.
  let kill: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    signalGroup('SIGTERM');
    kill = setTimeout(() => signalGroup('SIGKILL'), 30_000);
  }, CHILD_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  clearTimeout(kill);
  process.off('SIGINT', interrupt);
  // Ctrl-C ends the run once the running child has cleaned up.
  if (interrupted) {
    console.error('Interrupted.');
    process.exit(130);
  }
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (line === undefined)
    return { system: system.id, round, database: '', startMs: 0, workloads: [], error: `the child process exited (${String(code)}) without a result` };
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildResult;
}

function rotate<T>(items: readonly T[], by: number): T[] {
  return items.map((_, i) => items[(i + by) % items.length]!);
}

async function main(): Promise<void> {
  if (!existsSync(join(PEERS_DIR, 'node_modules', '@dbos-inc'))) fail('The peer systems are not installed: run `npm run bench:peers:setup` first.');
  const all = await (await import('./systems/index.js')).loadSystems();
  const { systems, workloads, rounds, pgUrl, json } = options(all);
  const server = await serverInfo(pgUrl);
  const environment = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    loadBefore: loadavg().map((l) => Number(l.toFixed(2))),
    loadAfter: [] as number[],
    postgres: { url: maskPassword(pgUrl), version: server.version, settings: server.settings },
    rounds,
    versions: Object.fromEntries(measuredPackages().map((p) => [p, packageVersion(p)])),
  };
  const log = (text: string): void => void process.stderr.write(`${text}\n`);
  log(`Peer benchmark: ${environment.date}, Node ${environment.node}, ${environment.cpus}, load ${environment.loadBefore.join(' ')}`);
  log(
    `PostgreSQL: ${server.version.split(',')[0]}, ${Object.entries(server.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  );
  log(`${rounds} round(s) of ${systems.map((s) => s.id).join(', ')} on ${workloads.join(', ')}`);

  const results: ChildResult[] = [];
  const floors: Floor[] = [];
  for (let round = 1; round <= rounds; round++) {
    const floor = await measureFloor(pgUrl);
    floors.push(floor);
    log(`round ${round}/${rounds}: floor ${floor.commitP50Ms.toFixed(3)} ms per commit, ${floor.threeCommitsP50Ms.toFixed(3)} ms for three (p50)`);
    for (const system of rotate(systems, round - 1)) {
      const started = performance.now();
      log(`  ${system.id}`);
      const result = await runChild(system, round, pgUrl, workloads);
      results.push(result);
      log(`  ${system.id} done in ${((performance.now() - started) / 1000).toFixed(1)} s${result.error === undefined ? '' : `: FAILED ${result.error}`}`);
    }
  }
  environment.loadAfter = loadavg().map((l) => Number(l.toFixed(2)));
  const summary = summarize(systems, workloads, results, floors);

  if (json) {
    const described = systems.map((s) => ({ id: s.id, label: s.label, kind: s.kind, notes: s.notes ?? {} }));
    console.log(JSON.stringify({ environment, systems: described, notMeasured: NOT_MEASURED, summary, rounds: { floors, results } }, null, 2));
    return;
  }
  const out: string[] = [];
  out.push(`Peer benchmark, ${environment.date}; ${rounds} round(s), systems in rotating order; medians (min–max) over rounds.`);
  out.push(
    `Machine: ${environment.platform}, ${environment.cpus}, Node ${environment.node}; load average ${environment.loadBefore.join(' ')} before, ${environment.loadAfter.join(' ')} after.`,
  );
  out.push(
    `PostgreSQL: ${server.version.split(',')[0]} at ${maskPassword(pgUrl)}; ${Object.entries(server.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}.`,
  );
  if (summary.floor !== undefined) {
    const f = summary.floor;
    out.push(
      `Floor (raw single-row INSERT commits, one connection, p50): ${f.commitP50Ms.median.toFixed(3)} ms (${f.commitP50Ms.min.toFixed(3)}–${f.commitP50Ms.max.toFixed(3)}) per commit, ` +
        `${f.threeCommitsP50Ms.median.toFixed(3)} ms (${f.threeCommitsP50Ms.min.toFixed(3)}–${f.threeCommitsP50Ms.max.toFixed(3)}) for three in sequence.`,
    );
  }
  out.push('', 'Systems:');
  for (const s of systems) out.push(`  ${s.id.padEnd(16)} ${s.kind.padEnd(8)} ${s.label}`);
  for (const [name, why] of Object.entries(NOT_MEASURED)) out.push(`  ${name.padEnd(16)} ${''.padEnd(8)} ${why}`);
  out.push(
    '',
    'Versions: ' +
      Object.entries(environment.versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    '',
  );
  out.push(table(systems, summary));
  out.push(
    "CPU: the harness process (the system's library or SDK endpoint, its client, and the workflows) plus the servers a system starts (Restate's); PostgreSQL's own CPU is not counted.",
  );
  if (workloads.includes('TEN'))
    out.push(
      "TEN: commits are those of the round's database (pg_stat_database.xact_commit, read-only transactions included); writing transactions and WAL are server-wide, so nothing else may use the server meanwhile.",
    );
  console.log(out.join('\n'));
}

/** The packages bench/peers/package.json pins (the systems, their clients, pg and tsx). */
function measuredPackages(): string[] {
  const pkg = JSON.parse(readFileSync(join(PEERS_DIR, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(pkg.dependencies ?? {});
}

await main();
