/**
 * A typed client of the HTTP API (fetch-based, so it runs in Node and browsers): the same operations
 * as the in-process Client, for programs, the CLI and the dashboard on another host. Errors come
 * back as BatonErrors with the server's stable code.
 */
import { BatonError, type Role } from '@baton/core';
import { fromTypedJson, toTypedJson } from './typed-json.js';
import type { z } from '@hono/zod-openapi';
import type { ApiKeySchema, EventSchema, JournalEntrySchema, RunSchema, ScheduleSchema } from './schemas.js';

export type ApiRun = z.infer<typeof RunSchema>;
export type ApiJournalEntry = z.infer<typeof JournalEntrySchema>;
export type ApiEvent = z.infer<typeof EventSchema>;
export type ApiSchedule = z.infer<typeof ScheduleSchema>;
/** An API key as the API lists it: never its secret. */
export type ApiKeyInfo = z.infer<typeof ApiKeySchema>;

export interface ApiClientOptions {
  /** The server, e.g. http://127.0.0.1:7070. */
  url: string;
  /** An API key (`bk_…`). */
  key?: string;
  /** Per request. Default 30 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

export class ApiClient {
  readonly #base: string;
  readonly #key: string | undefined;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: ApiClientOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new BatonError('BATON_INVALID_ARGUMENT', `Not a URL: ${JSON.stringify(options.url)} (use http://host:port).`, { retryable: false });
    }
    this.#base = url.toString().replace(/\/$/, '');
    this.#key = options.key;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#fetch = options.fetch ?? fetch;
  }

  /** API keys (an admin key's business): `create` returns the token, shown only this once. */
  readonly keys = {
    list: async (): Promise<ApiKeyInfo[]> => (await this.#call<{ keys: ApiKeyInfo[] }>('GET', '/api/keys')).keys,
    create: (options: { name: string; role: Role; namespace?: string }): Promise<{ key: ApiKeyInfo; token: string }> =>
      this.#call('POST', '/api/keys', options),
    /** Throws BATON_KEY_NOT_FOUND when no active key has this id. */
    revoke: async (id: string): Promise<ApiKeyInfo> => (await this.#call<{ key: ApiKeyInfo }>('DELETE', `/api/keys/${encodeURIComponent(id)}`)).key,
  };

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.#key !== undefined) headers.authorization = `Bearer ${this.#key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.#fetch(`${this.#base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw new BatonError('BATON_UNAVAILABLE', `The Baton server at ${this.#base} did not answer: ${(error as Error).message}`, {
        retryable: true,
        cause: error,
      });
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text.length === 0 ? undefined : JSON.parse(text);
    } catch {
      throw new BatonError('BATON_UNAVAILABLE', `The server at ${this.#base} answered ${res.status} with something that is not JSON.`, {
        retryable: res.status >= 500,
      });
    }
    if (!res.ok) {
      const error = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)?.error;
      throw new BatonError(error?.code ?? `HTTP_${res.status}`, error?.message ?? `HTTP ${res.status}`, {
        retryable: res.status >= 500 || res.status === 429,
        ...(error?.details === undefined ? {} : { details: error.details }),
      });
    }
    return parsed as T;
  }

  /** Starts a run; `created` is false when a run with this id existed. */
  async start(workflow: string, input?: unknown, options: { id?: string; queue?: string; priority?: number } = {}): Promise<{ run: ApiRun; created: boolean }> {
    return this.#call('POST', '/api/runs', { workflow, ...(input === undefined ? {} : { input: toTypedJson(input) }), ...options });
  }

  async get(id: string): Promise<{ run: ApiRun; journal: ApiJournalEntry[] } | undefined> {
    try {
      return await this.#call('GET', `/api/runs/${encodeURIComponent(id)}`);
    } catch (error) {
      if ((error as BatonError).code === 'BATON_RUN_NOT_FOUND') return undefined;
      throw error;
    }
  }

  async list(
    filter: { workflow?: string; status?: string; limit?: number; cursor?: string; createdAfter?: Date; createdBefore?: Date } = {},
  ): Promise<{ runs: ApiRun[]; nextCursor?: string }> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value !== undefined) query.set(key, value instanceof Date ? value.toISOString() : String(value));
    return this.#call('GET', `/api/runs${query.size === 0 ? '' : `?${query}`}`);
  }

  async signal(id: string, name: string, data?: unknown): Promise<void> {
    await this.#call('POST', `/api/runs/${encodeURIComponent(id)}/signal`, { name, ...(data === undefined ? {} : { data: toTypedJson(data) }) });
  }

  async cancel(id: string, reason?: string): Promise<ApiRun> {
    return (await this.#call<{ run: ApiRun }>('POST', `/api/runs/${encodeURIComponent(id)}/cancel`, reason === undefined ? {} : { reason })).run;
  }

  async retry(id: string): Promise<ApiRun> {
    return (await this.#call<{ run: ApiRun }>('POST', `/api/runs/${encodeURIComponent(id)}/retry`)).run;
  }

  async resume(id: string): Promise<ApiRun> {
    return (await this.#call<{ run: ApiRun }>('POST', `/api/runs/${encodeURIComponent(id)}/resume`)).run;
  }

  /** Waits (polling) until the run ends; returns its output decoded, or throws its error with its code. */
  async result<T = unknown>(id: string, options: { timeoutMs?: number; pollMs?: number } = {}): Promise<T> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const found = await this.get(id);
      if (found === undefined) throw new BatonError('BATON_RUN_NOT_FOUND', `No run has id '${id}'.`, { retryable: false });
      const { run } = found;
      if (run.status === 'completed' && run.continuedTo !== undefined) return this.result(run.continuedTo, options);
      if (run.status === 'completed') return fromTypedJson<T>(run.output);
      if (TERMINAL.has(run.status)) {
        const error = run.error as { code?: string; message?: string } | undefined;
        throw new BatonError(error?.code ?? 'BATON_WORKFLOW_ERROR', error?.message ?? `Run ${id} ${run.status}.`, { retryable: false, runId: id });
      }
      if (Date.now() > deadline) throw new BatonError('BATON_TIMEOUT', `Run ${id} did not end in time.`, { retryable: true, runId: id });
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
    }
  }

  async emit(
    type: string,
    data?: unknown,
    options: { id?: string; source?: string; subject?: string; time?: Date } = {},
  ): Promise<{ event: ApiEvent; created: boolean }> {
    return this.#call('POST', '/api/events', {
      type,
      ...(data === undefined ? {} : { data: toTypedJson(data) }),
      ...options,
      ...(options.time === undefined ? {} : { time: options.time.toISOString() }),
    });
  }

  async schedules(): Promise<ApiSchedule[]> {
    return (await this.#call<{ schedules: ApiSchedule[] }>('GET', '/api/schedules')).schedules;
  }
}
