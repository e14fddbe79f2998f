/**
 * Prometheus metrics at GET /metrics, in a registry of the app's own (never prom-client's global one,
 * so two apps in one process keep apart). Counters and histograms come from the events of an engine
 * in this process, when the server has one; gauges are read from the store at each scrape, so every
 * server on a database reports the same queue depths whichever worker runs the runs. Queue depths
 * and ages are per queue and namespace: one tenant's backlog is its own series.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineEvent, EngineEventListener, Store } from '@baton/core';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { authenticate } from './auth.js';

export interface MetricsOptions {
  /**
   * The engine whose runs are counted (an engine in this process, such as `baton dev`'s). Without
   * one only the gauges read from the store are served.
   */
  engine?: { subscribe(listener: EngineEventListener): () => void };
  /**
   * How many namespaces get a `namespace` label value of their own (default 20): runs of the
   * namespaces seen after that many are counted under `namespace="_other"`, so a deployment with
   * many tenants keeps a bounded number of series.
   */
  maxNamespaceLabels?: number;
}

/** The label value of the namespaces past the limit. */
export const OTHER_NAMESPACES = '_other';

/** The first `limit` namespaces seen keep their name as a label value; later ones share OTHER_NAMESPACES. */
class NamespaceLabels {
  readonly #seen = new Set<string>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  of(namespace: string | undefined): string {
    const name = namespace ?? 'default';
    if (this.#seen.has(name)) return name;
    if (this.#seen.size >= this.#limit) return OTHER_NAMESPACES;
    this.#seen.add(name);
    return name;
  }
}

/** Run durations: from milliseconds (a few quick steps) to a week (a run that waited for people). */
const RUN_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 86_400, 7 * 86_400];
/** Step durations (from the first attempt's start, so retries and back-offs count). */
const STEP_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** The metrics of one app. */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly #store: Store;
  readonly #queueDepth: Gauge<'queue' | 'namespace'>;
  readonly #queueAge: Gauge<'queue' | 'namespace'>;
  readonly #namespaces: NamespaceLabels;
  readonly #running: Gauge;
  readonly #waiting: Gauge;
  readonly #waitingForSignal: Gauge;
  readonly #expiredLeases: Gauge;
  /** Queue and namespace label pairs seen at earlier scrapes: an emptied queue reports 0 rather than vanishing. */
  readonly #queuesSeen = new Map<string, { queue: string; namespace: string }>();

  constructor(store: Store, options: MetricsOptions = {}) {
    this.#store = store;
    const registers = [this.registry];
    this.#queueDepth = new Gauge({
      name: 'baton_queue_depth',
      help: 'Queued runs per queue and namespace, due or not.',
      labelNames: ['queue', 'namespace'],
      registers,
    });
    this.#queueAge = new Gauge({
      name: 'baton_queue_oldest_age_seconds',
      help: 'Seconds the longest-waiting due run of each queue and namespace has waited for a worker (0 when none is due).',
      labelNames: ['queue', 'namespace'],
      registers,
    });
    this.#running = new Gauge({ name: 'baton_runs_running', help: 'Runs executing on a worker.', registers });
    this.#waiting = new Gauge({ name: 'baton_runs_waiting', help: 'Runs waiting for a timer, a signal, an event, a child run or a retry.', registers });
    this.#waitingForSignal = new Gauge({ name: 'baton_runs_waiting_for_signal', help: 'Waiting runs that wait for a signal.', registers });
    this.#expiredLeases = new Gauge({
      name: 'baton_runs_lease_expired',
      help: 'Running runs whose lease expired (their worker stopped): each is taken over by the next claim.',
      registers,
    });
    const limit = options.maxNamespaceLabels ?? 20;
    if (!Number.isSafeInteger(limit) || limit < 0) throw new TypeError('maxNamespaceLabels must be a whole number, 0 or more.');
    this.#namespaces = new NamespaceLabels(limit);
    if (options.engine !== undefined) options.engine.subscribe(engineCounters(this.registry, this.#namespaces));
  }

  /** The exposition text, with the gauges read from the store now. */
  async scrape(now: number): Promise<string> {
    const stats = await this.#store.stats(now);
    this.#queueDepth.reset();
    this.#queueAge.reset();
    // Defined queues with nothing queued report 0 in the default namespace.
    for (const q of stats.queues) this.#remember(q.queue, 'default');
    // Namespaces past the label limit share one series: their depths add up, the oldest age wins.
    const series = new Map<string, { queue: string; namespace: string; depth: number; age: number }>();
    for (const q of stats.namespaceQueues) {
      const labels = this.#remember(q.queue, this.#namespaces.of(q.namespace));
      const key = `${labels.namespace}\u0000${labels.queue}`;
      const age = q.oldestReadyAt === undefined ? 0 : Math.max(0, now - q.oldestReadyAt) / 1000;
      const seen = series.get(key);
      if (seen === undefined) series.set(key, { ...labels, depth: q.queued, age });
      else series.set(key, { ...seen, depth: seen.depth + q.queued, age: Math.max(seen.age, age) });
    }
    for (const labels of this.#queuesSeen.values()) {
      const found = series.get(`${labels.namespace}\u0000${labels.queue}`);
      this.#queueDepth.set(labels, found?.depth ?? 0);
      this.#queueAge.set(labels, found?.age ?? 0);
    }
    this.#running.set(stats.running);
    this.#waiting.set(stats.waiting);
    this.#waitingForSignal.set(stats.waitingForSignal);
    this.#expiredLeases.set(stats.expiredLeases);
    return this.registry.metrics();
  }

  /** Notes a queue and namespace label pair as seen (so it reports 0 once empty); returns the pair. */
  #remember(queue: string, namespace: string): { queue: string; namespace: string } {
    const key = `${namespace}\u0000${queue}`;
    const seen = this.#queuesSeen.get(key);
    if (seen !== undefined) return seen;
    const labels = { queue, namespace };
    this.#queuesSeen.set(key, labels);
    return labels;
  }
}

/** The counters and histograms fed by engine events; returns the listener that feeds them. */
function engineCounters(registry: Registry, namespaces: NamespaceLabels): (event: EngineEvent) => void {
  const registers = [registry];
  const labelNames = ['workflow', 'namespace'] as const;
  const started = new Counter({ name: 'baton_runs_started_total', help: 'Runs started (first claims; resumptions are not counted).', labelNames, registers });
  const completed = new Counter({ name: 'baton_runs_completed_total', help: 'Runs completed (continueAsNew included).', labelNames, registers });
  const failed = new Counter({ name: 'baton_runs_failed_total', help: 'Runs failed.', labelNames, registers });
  const cancelled = new Counter({ name: 'baton_runs_cancelled_total', help: 'Runs cancelled after they started.', labelNames, registers });
  const resumed = new Counter({
    name: 'baton_runs_resumed_total',
    help: 'Executions of runs claimed again: woken from a wait, released by a stopping worker, requeued, or taken over after a lease expired.',
    labelNames,
    registers,
  });
  const retries = new Counter({ name: 'baton_step_retries_total', help: 'Step attempts that failed and will be tried again.', labelNames, registers });
  const runDuration = new Histogram({
    name: 'baton_run_duration_seconds',
    help: "Time from a run's first start to its end, waits included.",
    labelNames,
    buckets: RUN_BUCKETS,
    registers,
  });
  const stepDuration = new Histogram({
    name: 'baton_step_duration_seconds',
    help: "Time from a completed step's first attempt to its result, retries included.",
    labelNames,
    buckets: STEP_BUCKETS,
    registers,
  });
  return (event) => {
    const labels = { workflow: event.workflow, namespace: namespaces.of(event.namespace) };
    switch (event.type) {
      case 'run.started':
        (event.claims === 1 ? started : resumed).inc(labels);
        return;
      case 'run.completed':
      case 'run.continued':
        completed.inc(labels);
        runDuration.observe(labels, event.durationMs / 1000);
        return;
      case 'run.failed':
        failed.inc(labels);
        runDuration.observe(labels, event.durationMs / 1000);
        return;
      case 'run.cancelled':
        cancelled.inc(labels);
        runDuration.observe(labels, event.durationMs / 1000);
        return;
      case 'step.completed':
        stepDuration.observe(labels, event.durationMs / 1000);
        return;
      case 'step.failed':
        if (event.retryInMs !== undefined) retries.inc(labels);
        return;
      default:
        return;
    }
  };
}

/**
 * Serves GET /metrics on `app` (with a viewer key when `auth`). It is a plain route, outside the
 * OpenAPI document: its body is Prometheus text, not JSON.
 */
export function serveMetrics(app: OpenAPIHono, store: Store, options: MetricsOptions, auth: boolean): ServerMetrics {
  const metrics = new ServerMetrics(store, options);
  if (auth) app.use('/metrics', authenticate(store));
  app.get('/metrics', async (c) => {
    const body = await metrics.scrape(Date.now());
    return c.body(body, 200, { 'content-type': metrics.registry.contentType });
  });
  return metrics;
}
