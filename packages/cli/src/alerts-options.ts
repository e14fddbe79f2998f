/**
 * `--alerts FILE` (baton dev, start, worker): alert rules and notification channels, YAML or JSON.
 * The file's rules replace the rules loaded from a file before (rules made through the API stay);
 * its channels make the process's notifier, which engines also send through (escalations); and the
 * process evaluates the rules whenever it holds the store's alerts leadership.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { parse as parseYaml } from 'yaml';
import {
  AlertEvaluator,
  alertsFileSchema,
  crossCheckRules,
  describeIssues,
  errorMessage,
  type AlertsFile,
  type Client,
  type Logger,
  type Notifier,
  type Store,
} from '@baton/core';
import { createNotifier, type EmitEvent } from '@baton/server';
import { UsageError } from './errors.js';

export const alertsFlags = { alerts: { type: 'string' } } as const;

export const ALERTS_HELP = `  --alerts FILE         alert rules and notification channels (YAML or JSON, see docs/operations.md,
                        Alerts); the file's rules replace those of an earlier file, and this process
                        evaluates them while it holds the alerts leadership (one process at a time)`;

/** Reads and validates an alerts file; every problem is a usage error naming its place in the file. */
export async function readAlertsFile(path: string | undefined, command: string): Promise<AlertsFile | undefined> {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--alerts ${path}: cannot read the file (${errorMessage(error)})`, command);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new UsageError(`--alerts ${path}: not YAML or JSON (${errorMessage(error)})`, command);
  }
  const parsed = alertsFileSchema.safeParse(raw ?? {});
  const issues = parsed.success ? crossCheckRules(parsed.data.rules, Object.keys(parsed.data.channels)) : describeIssues(parsed.error);
  if (!parsed.success || issues.length > 0) {
    throw new UsageError(`--alerts ${path}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, command);
  }
  return parsed.data;
}

/** Replaces the rules of an earlier file with this file's, in the store. */
export async function loadAlertRules(store: Store, file: AlertsFile, now: number): Promise<void> {
  const ids = new Set(file.rules.map((r) => r.id));
  for (const rule of file.rules) await store.saveAlertRule(rule, 'file', now);
  for (const old of await store.listAlertRules({ source: 'file' })) if (!ids.has(old.id)) await store.deleteAlertRule(old.id);
}

export interface ProcessAlerts {
  notifier: Notifier;
  /** The channel names rules may use. */
  channels: string[];
  /** Loads the file's rules and starts evaluating (once the process's store and client are up). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Emits an alert's event through the client, in the namespace of the rule that fired (`client()` is read at each emit). */
export function alertEmitter(client: () => Client): EmitEvent {
  return (type, data, { namespace, ...options }) =>
    (namespace === undefined ? client() : client().as({ id: 'alerts', namespace })).events.emit(type, data, options);
}

/** The notifier and evaluator of a process started with --alerts. */
export function processAlerts(file: AlertsFile, options: { store: Store; logger: Logger; emit: EmitEvent; holder?: string }): ProcessAlerts {
  const notifier = createNotifier(file.channels, { logger: options.logger, emit: options.emit });
  const evaluator = new AlertEvaluator({
    store: options.store,
    notifier,
    logger: options.logger,
    holder: options.holder ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`,
    intervalMs: file.evaluateEvery,
  });
  return {
    notifier,
    channels: notifier.channels(),
    async start() {
      await loadAlertRules(options.store, file, Date.now());
      evaluator.start();
    },
    stop: () => evaluator.stop(),
  };
}
