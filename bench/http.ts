/**
 * Load benchmark of the HTTP API: the real server (`startApiServer`, authentication on, an operator
 * key made with `newApiKey`) in a child process, loaded with autocannon over loopback.
 *
 *   npm run bench:http -- [--store sqlite|postgres] [--pg-url URL] [--duration S] [--connections N] [--runs N] [--warmup S] [--json]
 *
 * Two scenarios per measurement, on a fresh database (SQLite file or PostgreSQL schema):
 * - read: `GET /api/runs/{id}` on 1,000 completed 3-step runs (run and journal), a random id per request;
 * - start: `POST /api/runs` of a registered workflow with a small JSON input and no id, so every
 *   request creates a run. No engine runs beside the server (as with `baton start` and separate
 *   workers): the runs only queue, and the benchmark checks afterwards that one queued run exists
 *   per 201 response (plus at most one per connection and load, for requests still in flight when
 *   autocannon stopped counting).
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Engine, newApiKey, seededRandom, silentLogger, type Store } from '@baton/core';
import { startApiServerProcess } from './lib/api-server-process.js';
import { load, type LoadResult } from './lib/http-load.js';
import { summarize, type Summary } from './lib/stats.js';
import { STORE_KINDS, postgresUrl, storeFactory, type FreshStore, type StoreFactory, type StoreKind } from './lib/stores.js';
import { cpuMs } from './lib/timing.js';
import { chain } from './lib/workflows.js';

const SEEDED_RUNS = 1_000;
const STEPS = 3;
const START_BODY = JSON.stringify({ workflow: chain.name, input: { steps: STEPS } });

const SCENARIOS = ['read', 'start'] as const;
type Scenario = (typeof SCENARIOS)[number];

const TITLES: Record<Scenario, string> = {
  read: `GET /api/runs/{id}, ${SEEDED_RUNS.toLocaleString('en-US')} runs`,
  start: 'POST /api/runs, no engine',
};

interface Options {
  stores: StoreFactory;
  duration: number;
  warmup: number;
  connections: number;
  runs: number;
  json: boolean;
}

/** One scenario's figures in one measurement. */
interface ScenarioSample extends LoadResult {
  serverCpuUsPerRequest: number;
  /** CPU of this process, where autocannon runs: the load generator's share of the machine. */
  clientCpuUsPerRequest: number;
}

type Measurement = Record<Scenario, ScenarioSample>;

const USAGE = `Usage: npm run bench:http -- [--store sqlite|postgres] [--pg-url URL] [--duration S] [--connections N] [--runs N] [--warmup S] [--json]
  --store        the store behind the server (default sqlite); postgres uses a fresh schema per measurement, dropped afterwards
  --pg-url       the PostgreSQL database (default: $BATON_BENCH_POSTGRES, else postgres://postgres@127.0.0.1:5432/test)
  --duration     seconds of load per scenario and measurement (default 10)
  --connections  concurrent keep-alive connections (default 10)
  --runs         measurements, each on a fresh database and server process (default 3)
  --warmup       seconds of unreported load before each scenario (default 2)`;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function positive(name: string, text: string, integer: boolean): number {
  const value = Number(text);
  if (!(value > 0) || (integer && !Number.isInteger(value))) fail(`--${name} must be a positive ${integer ? 'integer' : 'number'}, not '${text}'.`);
  return value;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      store: { type: 'string', default: 'sqlite' },
      'pg-url': { type: 'string' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '10' },
      runs: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '2' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    process.exit(0);
  }
  const kind = values.store as StoreKind;
  if (!STORE_KINDS.includes(kind)) fail(`--store must be ${STORE_KINDS.join(' or ')}, not '${values.store}'.`);
  const warmup = Number(values.warmup);
  if (!(warmup >= 0)) fail(`--warmup must be 0 or more seconds, not '${values.warmup}'.`);
  return {
    stores: storeFactory(kind, postgresUrl(values['pg-url'])),
    duration: positive('duration', values.duration, false),
    warmup,
    connections: positive('connections', values.connections, true),
    runs: positive('runs', values.runs, true),
    json: values.json,
  };
}

/** Completes `count` runs of `chain` with an engine, so each has a journal; returns their ids. */
async function seedRuns(store: Store, count: number): Promise<string[]> {
  const engine = new Engine({ store, workflows: [chain], concurrency: 256, logger: silentLogger });
  await engine.start();
  try {
    const handles = await Promise.all(Array.from({ length: count }, () => engine.client.start(chain, { steps: STEPS })));
    await Promise.all(handles.map((h) => h.result()));
    return handles.map((h) => h.id);
  } finally {
    await engine.stop({ timeoutMs: 1000 });
  }
}

async function countQueued(fresh: FreshStore): Promise<number> {
  const rows = await fresh.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM runs WHERE status = 'queued'");
  return Number(rows[0]!.n);
}

/** One measurement: a fresh database and server process, both scenarios, each after a warm-up. */
async function measure(options: Options, index: number): Promise<Measurement> {
  const fresh = await options.stores.fresh('http');
  try {
    await fresh.store.init();
    const key = newApiKey({ name: 'bench operator', role: 'operator' }, Date.now());
    await fresh.store.createApiKey(key.record);
    const ids = await seedRuns(fresh.store, SEEDED_RUNS);
    const server = await startApiServerProcess(fresh.location);
    try {
      const headers = { authorization: `Bearer ${key.token}`, 'content-type': 'application/json' };
      const random = seededRandom(index + 1);
      const plans: Record<Scenario, Parameters<typeof load>[0]> = {
        read: {
          url: server.url,
          connections: options.connections,
          duration: options.duration,
          method: 'GET',
          path: `/api/runs/${ids[0]!}`,
          headers,
          nextPath: () => `/api/runs/${ids[Math.floor(random() * ids.length)]!}`,
        },
        start: { url: server.url, connections: options.connections, duration: options.duration, method: 'POST', path: '/api/runs', headers, body: START_BODY },
      };
      const measurement = {} as Measurement;
      let created = 0;
      let startLoads = 0;
      for (const scenario of SCENARIOS) {
        if (options.warmup > 0) {
          const warm = await load({ ...plans[scenario], duration: options.warmup });
          created += warm.statuses['201'] ?? 0;
          if (scenario === 'start') startLoads++;
        }
        const serverBefore = await server.cpuMs();
        const clientBefore = cpuMs();
        const result = await load(plans[scenario]);
        const clientCpu = cpuMs() - clientBefore;
        const serverCpu = (await server.cpuMs()) - serverBefore;
        measurement[scenario] = {
          ...result,
          serverCpuUsPerRequest: (serverCpu * 1000) / result.responses,
          clientCpuUsPerRequest: (clientCpu * 1000) / result.responses,
        };
        if (scenario === 'start') {
          created += result.statuses['201'] ?? 0;
          startLoads++;
        }
        process.stderr.write(`  #${index + 1} ${scenario}: ${describe(measurement[scenario])}\n`);
      }
      const queued = await countQueued(fresh);
      const inFlight = startLoads * options.connections;
      if (queued < created || queued > created + inFlight) {
        throw new Error(`${created} runs were started (201 responses, plus up to ${inFlight} in flight at the end) but ${queued} are queued in the database`);
      }
      return measurement;
    } finally {
      await server.stop();
    }
  } finally {
    await fresh.remove();
  }
}

function format(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function describe(s: ScenarioSample): string {
  const statuses = Object.entries(s.statuses)
    .map(([code, n]) => `${code}×${n}`)
    .join(' ');
  return `${format(s.requestsPerSec, 0)} req/s, p50 ${format(s.p50Ms, 2)} ms, p99 ${format(s.p99Ms, 2)} ms, CPU per request ${format(s.serverCpuUsPerRequest, 0)} µs server and ${format(s.clientCpuUsPerRequest, 0)} µs autocannon, ${statuses}, ${s.errors} errors`;
}

function cell(summary: Summary, digits: number): string {
  if (summary.samples.length === 1) return format(summary.median, digits);
  return `${format(summary.median, digits)} (${format(summary.min, digits)}–${format(summary.max, digits)})`;
}

function table(measurements: Measurement[]): string {
  const header = ['scenario', 'requests/s', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'autocannon CPU µs/req', 'non-2xx', 'errors'];
  const rows = SCENARIOS.map((scenario) => {
    const samples = measurements.map((m) => m[scenario]);
    const median = (pick: (s: ScenarioSample) => number, digits: number): string => cell(summarize(samples.map(pick)), digits);
    const total = (pick: (s: ScenarioSample) => number): string => String(samples.reduce((sum, s) => sum + pick(s), 0));
    return [
      TITLES[scenario],
      median((s) => s.requestsPerSec, 0),
      median((s) => s.p50Ms, 2),
      median((s) => s.p99Ms, 2),
      median((s) => s.serverCpuUsPerRequest, 0),
      median((s) => s.clientCpuUsPerRequest, 0),
      total((s) => s.non2xx),
      total((s) => s.errors),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (row: string[]): string => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const opts = options();
  const connections = `${opts.connections} connection${opts.connections === 1 ? '' : 's'}`;
  const environment = {
    date: new Date().toISOString(),
    store: opts.stores.kind,
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    connections: opts.connections,
    durationS: opts.duration,
    warmupS: opts.warmup,
    runs: opts.runs,
    loadBefore: loadavg().map((l) => Number(l.toFixed(2))),
  };
  process.stderr.write(
    `Baton HTTP API benchmark: ${environment.date}, Node ${environment.node}, ${environment.cpus} × ${environment.cpuModel}, ${opts.stores.description}; ` +
      `${connections}, ${opts.duration} s per scenario (after ${opts.warmup} s warm-up), ${opts.runs} measurement(s)\n`,
  );
  const measurements: Measurement[] = [];
  for (let i = 0; i < opts.runs; i++) measurements.push(await measure(opts, i));
  const loadAfter = loadavg().map((l) => Number(l.toFixed(2)));
  if (opts.json) {
    console.log(JSON.stringify({ ...environment, loadAfter, measurements }, null, 2));
  } else {
    console.log(`\nBaton HTTP API benchmark — ${environment.date}`);
    console.log(`Node ${environment.node}, ${environment.cpus} CPUs (${environment.cpuModel}); ${opts.stores.description}`);
    console.log(
      `Server in a child process (auth on, operator key), autocannon in this process over loopback: ${connections}, ` +
        `${opts.duration} s per scenario after ${opts.warmup} s of warm-up; median (min–max) of ${opts.runs} measurement(s); ` +
        `load average before ${environment.loadBefore.join(' ')}, after ${loadAfter.join(' ')}\n`,
    );
    console.log(table(measurements));
    console.log('');
  }
  const failures = measurements.reduce((sum, m) => sum + SCENARIOS.reduce((n, s) => n + m[s].non2xx + m[s].errors, 0), 0);
  if (failures > 0) {
    console.error(`${failures} requests failed (non-2xx or errors); the figures above include them.`);
    process.exitCode = 1;
  }
}

await main();
