/**
 * Cross-process wake-ups over LISTEN/NOTIFY. A transaction that makes runs ready, ends runs or asks
 * for a cancel sends a notice on the deployment's channel at commit; every process listening turns
 * it into a local hint. Notices are hints only: engines also poll, so a lost notice costs latency,
 * never a run. After a reconnect the listener reports "ready" once, to resync.
 */
import type { StoredError } from '@baton/core';
import type { StoreHint } from '@baton/core/store-kit';
import pg from 'pg';

/** At most this many per-run notices per transaction; past it one "ready" says "look again". */
const MAX_NOTICES = 50;

export function channelName(schema: string): string {
  return `baton_${schema}`.slice(0, 63);
}

/** The notices a committed transaction's hints call for (payloads of at most a few dozen bytes). */
export function noticesFor(hints: StoreHint[]): string[] {
  const notices = new Set<string>();
  for (const hint of hints) {
    if (hint.type === 'ready' || hint.type === 'signal') notices.add('ready');
    else if (hint.type === 'finished') notices.add(`finished:${hint.status}:${hint.runId}`);
    else if (hint.type === 'cancelRequested') notices.add(`cancel:${hint.runId}`);
    if (notices.size > MAX_NOTICES) return ['ready', 'finished:*'];
  }
  return [...notices];
}

function hintOf(payload: string): StoreHint | undefined {
  if (payload === 'ready') return { type: 'ready', runId: '' };
  const [kind, a, ...rest] = payload.split(':');
  if (kind === 'finished' && a !== undefined && rest.length > 0) return { type: 'finished', runId: rest.join(':'), status: a as 'completed' };
  if (kind === 'finished' && a === '*') return { type: 'finished', runId: '*', status: 'completed' };
  if (kind === 'cancel' && a !== undefined) return { type: 'cancelRequested', runId: [a, ...rest].join(':') } as StoreHint & { reason?: StoredError };
  return undefined;
}

export class NoticeListener {
  readonly #config: pg.ClientConfig;
  readonly #channel: string;
  readonly #emit: (hint: StoreHint) => void;
  #client: pg.Client | undefined;
  #closed = false;
  #retryMs = 100;
  #timer: NodeJS.Timeout | undefined;

  constructor(config: pg.ClientConfig, channel: string, emit: (hint: StoreHint) => void) {
    this.#config = config;
    this.#channel = channel;
    this.#emit = emit;
  }

  async start(): Promise<void> {
    await this.#connect(false);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #connect(resync: boolean): Promise<void> {
    const client = new pg.Client(this.#config);
    client.on('notification', (message) => {
      const hint = message.payload === undefined ? undefined : hintOf(message.payload);
      if (hint !== undefined) this.#emit(hint);
    });
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.#channel}"`);
    } catch {
      this.#lost(client);
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#retryMs = 100;
    // Whatever happened while no one listened: look again.
    if (resync) this.#emit({ type: 'ready', runId: '' });
  }

  #lost(client: pg.Client): void {
    if (this.#closed || (this.#client !== undefined && this.#client !== client)) return;
    this.#client = undefined;
    client.end().catch(() => undefined);
    if (this.#timer !== undefined) return;
    const delay = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, 5000);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#connect(true);
    }, delay);
    this.#timer.unref();
  }
}
