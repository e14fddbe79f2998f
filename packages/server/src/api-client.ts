/**
 * A typed client of the HTTP API (fetch-based, so it runs in Node and browsers): the same operations
 * as the in-process Client, for programs, the CLI and the dashboard on another host. Errors come
 * back as BatonErrors with the server's stable code.
 */
import { BatonError, type Role } from '@baton/core/browser';
import { fromTypedJson, toTypedJson } from './typed-json.js';
import type { z } from '@hono/zod-openapi';
import type { ApiKeySchema, AuditEntrySchema, ChangeSchema, EventSchema, JournalEntrySchema, RunSchema, ScheduleSchema, WorkflowSchema } from './schemas.js';
import type { OverviewSchema } from './routes/overview.js';
import type { CostReportSchema } from './routes/costs.js';
import type { PolicyRecordSchema, PolicySchema } from './routes/policies.js';
import type { InboxClaimSchema, InboxEntrySchema } from './routes/inbox.js';
import type { RunReviewSchema } from './routes/reviews.js';
import type { ReplayCheckSchema, ReplayResultSchema, RunReplaySchema } from './routes/replays.js';
import type { TriggersSchema } from './routes/triggers.js';
import type { RecentEventSchema, StartedRunSchema } from './routes/recent-events.js';
import type { DefinitionGraphSchema, DraftGraphSchema } from './routes/definition-graph.js';
import type { DefinitionSourceSchema, DefinitionSummarySchema, DefinitionVersionSchema } from './routes/definitions.js';
import type { DefinitionIssueSchema, PlanRequestSchema, PlanSchema } from './routes/plans.js';
import type { ScenarioSchema, SimulationResultSchema } from './routes/simulation-schemas.js';
import type { MigrationSchema } from './routes/migrations.js';
import type { PreviewSchema } from './routes/blobs.js';

export type ApiRun = z.infer<typeof RunSchema>;
export type ApiJournalEntry = z.infer<typeof JournalEntrySchema>;
export type ApiEvent = z.infer<typeof EventSchema>;
export type ApiSchedule = z.infer<typeof ScheduleSchema>;
/** An API key as the API lists it: never its secret. */
export type ApiKeyInfo = z.infer<typeof ApiKeySchema>;
export type ApiAuditEntry = z.infer<typeof AuditEntrySchema>;
/** Runs started and ended per bucket, per workflow, queues, waits for people and LLM cost over a window. */
export type ApiOverview = z.infer<typeof OverviewSchema>;
/** Runs and model spend per namespace, workflow or tag over a period (GET /api/costs). */
export type ApiCostReport = z.infer<typeof CostReportSchema>;
/** What a cost report is asked for: days as YYYY-MM-DD (UTC), `to` exclusive. */
export interface ApiCostQuery {
  from?: string;
  to?: string;
  groupBy?: 'namespace' | 'workflow' | 'tag';
  interval?: 'day' | 'month';
  namespace?: string;
}
/** A namespace's agent policy: allow and deny lists of models, tools and MCP servers. */
export type ApiAgentPolicy = z.infer<typeof PolicySchema>;
export type ApiAgentPolicyRecord = z.infer<typeof PolicyRecordSchema>;
/** A run waiting for a person's signal, with the signals' JSON Schemas and its claim. */
export type ApiInboxEntry = z.infer<typeof InboxEntrySchema>;
export type ApiInboxClaim = z.infer<typeof InboxClaimSchema>;
/** A failed run's resolution: who marked it resolved, when, with what note. */
export type ApiRunReview = z.infer<typeof RunReviewSchema>;
/** What replaying one run against candidate code found (what `replayRun` answers). */
export type ApiReplayResult = z.infer<typeof ReplayResultSchema>;
/** A replay check: its candidate, who reported it and when, its counts and its results. */
export type ApiReplayCheck = z.infer<typeof ReplayCheckSchema>;
/** One run's result in one replay check. */
export type ApiRunReplay = z.infer<typeof RunReplaySchema>;
/** The event triggers, webhooks and schedules that start runs of each workflow. */
export type ApiTriggers = z.infer<typeof TriggersSchema>;
/** An event with the runs its triggers started. */
export type ApiRecentEvent = z.infer<typeof RecentEventSchema>;
/** A run an event or a schedule started, with its status now. */
export type ApiStartedRun = z.infer<typeof StartedRunSchema>;
/** What a move of runs to another version did (or, in a dry run, would do). */
export type ApiMigration = z.infer<typeof MigrationSchema>;
/** A blob's description and first bytes (GET /api/blobs/{id}/preview). */
export type ApiBlobPreview = z.infer<typeof PreviewSchema>;
/** A definition version's tasks (by JSON pointer) and the edges of its flow. */
export type ApiDefinitionGraph = z.infer<typeof DefinitionGraphSchema>;
/** A draft definition's graph, with the JSON Schema of its input when it declares one. */
export type ApiDraftGraph = z.infer<typeof DraftGraphSchema>;
/** A deployed definition name at a glance (GET /api/definitions). */
export type ApiDefinitionSummary = z.infer<typeof DefinitionSummarySchema>;
/** A deployed definition version (GET /api/definitions/{name}). */
export type ApiDefinitionVersion = z.infer<typeof DefinitionVersionSchema>;
/** A deployed definition version with its text and document. */
export type ApiDefinitionSource = z.infer<typeof DefinitionSourceSchema>;
/** What planning is asked: a description, and to revise, the definition `from`. */
export type ApiPlanRequest = z.input<typeof PlanRequestSchema>;
/** A planning run: its rounds so far (`progress`), or its `result` once done. */
export type ApiPlan = z.infer<typeof PlanSchema>;
/** A problem of a definition with its place. */
export type ApiDefinitionIssue = z.infer<typeof DefinitionIssueSchema>;
/** How the outside world answers in a simulation. */
export type ApiScenario = z.input<typeof ScenarioSchema>;
/** The path a simulated run took, and its output or error. */
export type ApiSimulationResult = z.infer<typeof SimulationResultSchema>;
/** A run status change or journal entry from the live stream, with its position (`id`) to resume from. */
export type ApiChange = z.infer<typeof ChangeSchema> & { id: string };

/** The key a client acts with, as GET /api/me describes it. */
export interface ApiIdentity {
  /** The key's id ('local' on a server without auth). */
  id: string;
  name?: string;
  role: Role;
  /** The namespace this client's requests act in; null on a server without auth (it sees every namespace). */
  namespace: string | null;
  /** The namespace the key was made for (where requests act unless they choose another). */
  keyNamespace?: string;
  /** Every namespace the key may act in, its own first; `*` stands for every namespace. */
  namespaces?: string[];
}

/**
 * A workflow the server knows (GET /api/workflows): its input and signals as JSON Schema, when declared;
 * for one the server has no code for, from the store's catalog, where it is from (`kind`) and when a
 * worker with it last started (`lastSeenAt`).
 */
export type ApiWorkflow = z.infer<typeof WorkflowSchema>;

export interface ApiScheduleOptions {
  cron?: string;
  timezone?: string;
  input?: unknown;
  overlap?: 'skip' | 'buffer' | 'allow';
  catchup?: 'none' | 'latest' | 'all';
  catchupLimit?: number;
}

/** A deployed definition version, as POST /api/definitions answers. */
export interface ApiDeployedDefinition {
  name: string;
  version: string;
  digest: string;
  createdAt: string;
  created: boolean;
}

export interface ApiClientOptions {
  /** The server, e.g. http://127.0.0.1:7070. */
  url: string;
  /** An API key (`bk_…`). */
  key?: string;
  /**
   * The namespace to act in (sent as the Baton-Namespace header on every request): one the key may
   * use (GET /api/me lists them). Default: the key's own.
   */
  namespace?: string;
  /** Per request. Default 30 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** An alert rule as the API shows it (durations in ms), with its state. */
export interface AlertRuleInfo {
  id: string;
  name: string;
  namespace: string;
  condition: { kind: string } & Record<string, unknown>;
  threshold: number;
  window: number;
  severity: 'info' | 'warning' | 'critical';
  channels: string[];
  repeatEvery: number;
  enabled: boolean;
  source: 'file' | 'api';
  createdAt: string;
  updatedAt: string;
  state: { firing: boolean; value?: number | null; since?: string; notifiedAt?: string };
}

/** One firing, repeat or resolution of an alert rule, with each channel's outcome. */
export interface AlertTransitionInfo {
  id: number;
  ruleId: string;
  namespace: string;
  kind: 'firing' | 'repeat' | 'resolved';
  value: number | null;
  threshold: number;
  at: string;
  outcomes: { channel: string; delivered: boolean; error?: string }[];
}

export class ApiClient {
  readonly #base: string;
  readonly #key: string | undefined;
  readonly #namespace: string | undefined;
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
    this.#namespace = options.namespace;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    // Called unbound: a browser's fetch refuses to run as a method of another object.
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Who this key is (GET /api/me): its id, name, role and namespace. */
  async me(): Promise<ApiIdentity> {
    return this.#call('GET', '/api/me');
  }

  /** API keys (an admin key's business): `create` returns the token, shown only this once. */
  readonly keys = {
    list: async (): Promise<ApiKeyInfo[]> => (await this.#call<{ keys: ApiKeyInfo[] }>('GET', '/api/keys')).keys,
    create: (options: { name: string; role: Role; namespace?: string; namespaces?: string[] }): Promise<{ key: ApiKeyInfo; token: string }> =>
      this.#call('POST', '/api/keys', options),
    /** Throws BATON_KEY_NOT_FOUND when no active key has this id. */
    revoke: async (id: string): Promise<ApiKeyInfo> => (await this.#call<{ key: ApiKeyInfo }>('DELETE', `/api/keys/${encodeURIComponent(id)}`)).key,
  };

  /**
   * The approval inbox: runs waiting for a person's signal, oldest wait first, and who handles each.
   * Approve or reject one with `signal(runId, name, data)`.
   */
  /** Alert rules of the key's namespace (an admin key's business), with their state and transitions. */
  readonly alerts = {
    list: async (): Promise<{ rules: AlertRuleInfo[]; channels?: string[] }> => this.#call('GET', '/api/alerts'),
    create: async (rule: Record<string, unknown>): Promise<AlertRuleInfo> => (await this.#call<{ rule: AlertRuleInfo }>('POST', '/api/alerts', rule)).rule,
    update: async (id: string, rule: Record<string, unknown>): Promise<AlertRuleInfo> =>
      (await this.#call<{ rule: AlertRuleInfo }>('PUT', `/api/alerts/${encodeURIComponent(id)}`, rule)).rule,
    delete: async (id: string): Promise<void> => void (await this.#call('DELETE', `/api/alerts/${encodeURIComponent(id)}`)),
    transitions: async (options: { rule?: string; limit?: number } = {}): Promise<AlertTransitionInfo[]> => {
      const query = new URLSearchParams();
      if (options.rule !== undefined) query.set('rule', options.rule);
      if (options.limit !== undefined) query.set('limit', String(options.limit));
      const suffix = query.size === 0 ? '' : `?${query.toString()}`;
      return (await this.#call<{ transitions: AlertTransitionInfo[] }>('GET', `/api/alerts/transitions${suffix}`)).transitions;
    },
  };

  readonly inbox = {
    list: (options: { limit?: number; cursor?: string } = {}): Promise<{ entries: ApiInboxEntry[]; nextCursor?: string }> =>
      this.#call('GET', `/api/inbox${queryString(options)}`),
    /** Assigns the run to `assignee` (default: the key's name). Throws BATON_RUN_NOT_WAITING for a run waiting for no person. */
    claim: async (runId: string, assignee?: string): Promise<ApiInboxClaim> =>
      (await this.#call<{ claim: ApiInboxClaim }>('POST', `/api/inbox/${encodeURIComponent(runId)}/claim`, assignee === undefined ? {} : { assignee })).claim,
    /** False when the run was not claimed. */
    release: async (runId: string): Promise<boolean> =>
      (await this.#call<{ released: boolean }>('POST', `/api/inbox/${encodeURIComponent(runId)}/release`)).released,
  };

  /**
   * The review of failed runs: the queue (failed runs not yet marked resolved, newest first; `state:
   * 'resolved'` for those marked), one run's resolution, and marking one resolved with a note (an
   * operator key; audited). Retry or resume a run of the queue with `retry(id)` and `resume(id)`.
   */
  readonly reviews = {
    list: (
      options: { state?: 'open' | 'resolved'; workflow?: string; limit?: number; cursor?: string } = {},
    ): Promise<{ runs: ApiRun[]; nextCursor?: string }> => this.#call('GET', `/api/reviews${queryString(options)}`),
    get: async (runId: string): Promise<ApiRunReview | undefined> =>
      (await this.#call<{ review: ApiRunReview | null }>('GET', `/api/reviews/${encodeURIComponent(runId)}`)).review ?? undefined,
    /** Throws BATON_RUN_NOT_FAILED for a run that is not failed. */
    resolve: async (runId: string, note?: string): Promise<ApiRunReview> =>
      (await this.#call<{ review: ApiRunReview }>('POST', `/api/reviews/${encodeURIComponent(runId)}/resolve`, note === undefined ? {} : { note })).review,
  };

  /**
   * Replay checks: what replaying runs' journals against candidate code found, reported by a process
   * that has the code (an operator key), and each run's latest results.
   */
  readonly replays = {
    /** Keeps a check; throws BATON_RUN_NOT_FOUND (nothing kept) when a run is not one of the key's namespace. */
    report: (candidate: string, results: ApiReplayResult[]): Promise<{ id: string; summary: ApiReplayCheck['summary'] }> =>
      this.#call('POST', '/api/replays', { candidate, results }),
    /** Throws BATON_REPLAY_CHECK_NOT_FOUND for an id that is no check of the key's namespace. */
    get: async (id: string): Promise<ApiReplayCheck> => (await this.#call<{ check: ApiReplayCheck }>('GET', `/api/replays/${encodeURIComponent(id)}`)).check,
    /** The run's results, latest check first. */
    forRun: async (runId: string): Promise<ApiRunReplay[]> =>
      (await this.#call<{ replays: ApiRunReplay[] }>('GET', `/api/runs/${encodeURIComponent(runId)}/replays`)).replays,
  };

  /** The overview of the key's namespace: by default the last 24 hours in 1-hour buckets. */
  async overview(options: { since?: Date; until?: Date; bucketMinutes?: number } = {}): Promise<ApiOverview> {
    return this.#call('GET', `/api/stats/overview${queryString({ since: options.since, until: options.until, bucket: options.bucketMinutes })}`);
  }

  /** Cost attribution for chargeback (a viewer's namespace; an admin's every namespace). */
  async costs(query: ApiCostQuery = {}): Promise<ApiCostReport> {
    return this.#call('GET', `/api/costs${queryString({ ...query })}`);
  }

  /** The same report as CSV text (the columns docs/operations.md lists). */
  async costsCsv(query: ApiCostQuery = {}): Promise<string> {
    return this.#call('GET', `/api/costs${queryString({ ...query, format: 'csv' })}`, undefined, 'text');
  }

  /** Agent policies: any key reads its namespace's; an admin key of the namespace sets and removes it. */
  readonly policies = {
    list: async (): Promise<ApiAgentPolicyRecord[]> => (await this.#call<{ policies: ApiAgentPolicyRecord[] }>('GET', '/api/policies')).policies,
    get: async (namespace: string): Promise<ApiAgentPolicyRecord> => this.#call('GET', `/api/policies/${encodeURIComponent(namespace)}`),
    set: async (namespace: string, policy: ApiAgentPolicy): Promise<ApiAgentPolicyRecord> =>
      this.#call('PUT', `/api/policies/${encodeURIComponent(namespace)}`, policy),
    delete: async (namespace: string): Promise<void> => {
      await this.#call('DELETE', `/api/policies/${encodeURIComponent(namespace)}`);
    },
  };

  /** Blobs (large payloads) of the key's namespace: a preview, and the bytes. */
  readonly blobs = {
    /** Size, content type, run and first bytes; throws BATON_BLOB_NOT_FOUND for another namespace's or a missing one. */
    preview: (id: string): Promise<ApiBlobPreview> => this.#call('GET', `/api/blobs/${encodeURIComponent(id)}/preview`),
    /** The server's answer with the bytes as a stream (no time limit: a blob may be large); throws like `preview`. */
    download: async (id: string): Promise<Response> => {
      const headers = this.#identity({});
      let res: Response;
      try {
        res = await this.#fetch(`${this.#base}/api/blobs/${encodeURIComponent(id)}`, { headers });
      } catch (error) {
        throw new BatonError('BATON_UNAVAILABLE', `The Baton server at ${this.#base} did not answer: ${(error as Error).message}`, {
          retryable: true,
          cause: error,
        });
      }
      return res.ok ? res : this.#failed(res);
    },
  };

  /** `headers` with the key and the namespace to act in. */
  #identity(headers: Record<string, string>): Record<string, string> {
    if (this.#key !== undefined) headers.authorization = `Bearer ${this.#key}`;
    if (this.#namespace !== undefined) headers['baton-namespace'] = this.#namespace;
    return headers;
  }

  async #call<T>(method: string, path: string, body?: unknown, as: 'json' | 'text' = 'json'): Promise<T> {
    const headers = this.#identity({});
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
    if (!res.ok) return this.#failed(res);
    const text = await res.text();
    if (as === 'text') return text as T;
    try {
      return (text.length === 0 ? undefined : JSON.parse(text)) as T;
    } catch {
      throw new BatonError('BATON_UNAVAILABLE', `The server at ${this.#base} answered ${res.status} with something that is not JSON.`, { retryable: false });
    }
  }

  /** Throws the error a refused request got, with the server's stable code. */
  async #failed(res: Response): Promise<never> {
    const text = await res.text();
    let error: { code?: string; message?: string; details?: Record<string, unknown> } | undefined;
    try {
      error = (JSON.parse(text) as { error?: typeof error } | undefined)?.error;
    } catch {
      throw new BatonError('BATON_UNAVAILABLE', `The server at ${this.#base} answered ${res.status} with something that is not JSON.`, {
        retryable: res.status >= 500,
      });
    }
    throw new BatonError(error?.code ?? `HTTP_${res.status}`, error?.message ?? `HTTP ${res.status}`, {
      retryable: res.status >= 500 || res.status === 429,
      ...(error?.details === undefined ? {} : { details: error.details }),
    });
  }

  /**
   * Deploys a definition (its YAML or JSON text). `created` is false when this very text was deployed
   * already. Throws BATON_INVALID_DEFINITION (details.issues) or BATON_DEFINITION_EXISTS.
   */
  async deployDefinition(source: string): Promise<ApiDeployedDefinition> {
    return this.#call('POST', '/api/definitions', { source });
  }

  /** Starts a run; `created` is false when a run with this id existed. */
  async start(
    workflow: string,
    input?: unknown,
    options: { id?: string; queue?: string; priority?: number; tags?: string[] } = {},
  ): Promise<{ run: ApiRun; created: boolean }> {
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

  /** The run and its journal as stored, as a replay file (`baton.replay/1`); undefined for an unknown run. */
  async history(id: string): Promise<unknown> {
    try {
      return await this.#call('GET', `/api/runs/${encodeURIComponent(id)}/history`);
    } catch (error) {
      if ((error as BatonError).code === 'BATON_RUN_NOT_FOUND') return undefined;
      throw error;
    }
  }

  async list(
    filter: {
      workflow?: string;
      /** One status, or several (any of them). */
      status?: string | readonly string[];
      tag?: string;
      search?: string;
      /** Only the child runs of this run. */
      parentId?: string;
      limit?: number;
      cursor?: string;
      createdAfter?: Date;
      createdBefore?: Date;
    } = {},
  ): Promise<{ runs: ApiRun[]; nextCursor?: string }> {
    const status = typeof filter.status === 'string' || filter.status === undefined ? filter.status : filter.status.join(',');
    return this.#call('GET', `/api/runs${queryString({ ...filter, status })}`);
  }

  /** The audit log of the key's namespace, newest first (an admin key); `before: nextBefore` pages on. */
  async audit(
    filter: { actor?: string; action?: string; target?: string; result?: string; since?: Date; until?: Date; before?: number; limit?: number } = {},
  ): Promise<{ entries: ApiAuditEntry[]; nextBefore?: number }> {
    return this.#call('GET', `/api/audit${queryString(filter)}`);
  }

  /**
   * Live run and step changes (GET /api/stream), as they commit, until `signal` aborts. After a
   * dropped connection it reconnects from the last change it gave (nothing missed, nothing twice);
   * `onReset` is told when the server pruned changes the stream had not read yet.
   */
  async *changes(
    options: { runId?: string; workflow?: string; after?: string; signal?: AbortSignal; onReset?: () => void; reconnectMs?: number } = {},
  ): AsyncGenerator<ApiChange> {
    let after = options.after;
    const aborted = (): boolean => options.signal?.aborted === true;
    const pause = (): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, options.reconnectMs ?? 1000));
    while (!aborted()) {
      const headers = this.#identity({ accept: 'text/event-stream' });
      if (after !== undefined) headers['last-event-id'] = after;
      let res: Response | undefined;
      try {
        res = await this.#fetch(`${this.#base}/api/stream${queryString({ runId: options.runId, workflow: options.workflow })}`, {
          headers,
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        });
      } catch {
        // Not answering (restarting, say): try again shortly, from the last change given.
        if (aborted()) return;
        await pause();
        continue;
      }
      if (!res.ok) await this.#failed(res);
      try {
        for await (const event of sseEvents(res.body!)) {
          if (event.event === 'reset') options.onReset?.();
          if ((event.event === 'run' || event.event === 'step') && event.id !== undefined) {
            after = event.id;
            yield { ...(JSON.parse(event.data) as z.infer<typeof ChangeSchema>), id: event.id };
          }
        }
      } catch {
        // The connection dropped: reconnect from the last change given.
        if (aborted()) return;
      }
      await pause();
    }
  }

  /** Schedules (changing them needs an admin key). */
  readonly schedule = {
    create: async (options: ApiScheduleOptions & { id: string; workflow: string; cron: string; paused?: boolean }): Promise<ApiSchedule> =>
      (await this.#call<{ schedule: ApiSchedule }>('POST', '/api/schedules', withTypedInput(options))).schedule,
    get: async (id: string): Promise<ApiSchedule> => (await this.#call<{ schedule: ApiSchedule }>('GET', `/api/schedules/${encodeURIComponent(id)}`)).schedule,
    update: async (id: string, changes: ApiScheduleOptions): Promise<ApiSchedule> =>
      (await this.#call<{ schedule: ApiSchedule }>('PATCH', `/api/schedules/${encodeURIComponent(id)}`, withTypedInput(changes))).schedule,
    pause: async (id: string): Promise<ApiSchedule> =>
      (await this.#call<{ schedule: ApiSchedule }>('POST', `/api/schedules/${encodeURIComponent(id)}/pause`)).schedule,
    resume: async (id: string): Promise<ApiSchedule> =>
      (await this.#call<{ schedule: ApiSchedule }>('POST', `/api/schedules/${encodeURIComponent(id)}/resume`)).schedule,
    delete: async (id: string): Promise<void> => {
      await this.#call('DELETE', `/api/schedules/${encodeURIComponent(id)}`);
    },
    /**
     * Starts the schedule's run now, within its overlap policy: BATON_SCHEDULE_BUSY when the policy
     * refuses one now, BATON_SCHEDULE_PAUSED for a paused schedule. `heldAfter`: the run it waits for ('buffer').
     */
    runNow: (id: string): Promise<{ runId: string; heldAfter?: string }> => this.#call('POST', `/api/schedules/${encodeURIComponent(id)}/run`),
    /** The runs its ticks and runs now started, newest first, with their status now. */
    runs: async (id: string, options: { limit?: number } = {}): Promise<ApiStartedRun[]> =>
      (await this.#call<{ runs: ApiStartedRun[] }>('GET', `/api/schedules/${encodeURIComponent(id)}/runs${queryString(options)}`)).runs,
  };

  /** The event triggers, webhooks and schedules that start runs, each with its workflow. */
  async triggers(): Promise<ApiTriggers> {
    return this.#call('GET', '/api/triggers');
  }

  /** The latest events, newest first, each with the runs it started; `before: nextBefore` pages back. */
  async recentEvents(options: { type?: string; before?: number; limit?: number } = {}): Promise<{ events: ApiRecentEvent[]; nextBefore?: number }> {
    return this.#call('GET', `/api/events/recent${queryString(options)}`);
  }

  async signal(id: string, name: string, data?: unknown): Promise<void> {
    await this.#call('POST', `/api/runs/${encodeURIComponent(id)}/signal`, { name, ...(data === undefined ? {} : { data: toTypedJson(data) }) });
  }

  async cancel(id: string, reason?: string): Promise<ApiRun> {
    return (await this.#call<{ run: ApiRun }>('POST', `/api/runs/${encodeURIComponent(id)}/cancel`, reason === undefined ? {} : { reason })).run;
  }

  /**
   * Moves runs in flight of `workflow` from one version to another (see client.migrate); with
   * `dryRun`, only says what would move. Needs an admin key and a server that has the new code.
   */
  async migrate(
    workflow: string,
    request: {
      fromVersion: string;
      toVersion: string;
      runIds?: string[];
      /** Which runs in flight to take when runIds does not name them (times as ISO text). */
      filter?: {
        status?: ('queued' | 'waiting' | 'running')[];
        tag?: string;
        createdAfter?: string;
        createdBefore?: string;
        limit?: number;
      };
      dryRun?: boolean;
      waitSeconds?: number;
    },
  ): Promise<ApiMigration> {
    return this.#call<ApiMigration>('POST', `/api/workflows/${encodeURIComponent(workflow)}/migrations`, request);
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

  /** The workflows the server knows, with their input and signal schemas. */
  async workflows(): Promise<ApiWorkflow[]> {
    return (await this.#call<{ workflows: ApiWorkflow[] }>('GET', '/api/workflows')).workflows;
  }

  /** The deployed definitions, by name, each with its latest version. */
  async definitions(): Promise<ApiDefinitionSummary[]> {
    return (await this.#call<{ definitions: ApiDefinitionSummary[] }>('GET', '/api/definitions')).definitions;
  }

  /** A deployed definition's versions, oldest deploy first (BATON_DEFINITION_NOT_FOUND for an unknown name). */
  async definitionVersions(name: string): Promise<ApiDefinitionVersion[]> {
    return (await this.#call<{ versions: ApiDefinitionVersion[] }>('GET', `/api/definitions/${encodeURIComponent(name)}`)).versions;
  }

  /** One deployed version with its text and document. */
  async definitionVersion(name: string, version: string): Promise<ApiDefinitionSource> {
    return this.#call<ApiDefinitionSource>('GET', `/api/definitions/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`);
  }

  /** A definition version drawn as a graph (BATON_DEFINITION_NOT_FOUND for an unknown name or version). */
  async definitionGraph(name: string, version: string): Promise<ApiDefinitionGraph> {
    return this.#call<ApiDefinitionGraph>('GET', `/api/definitions/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/graph`);
  }

  /**
   * Validates a definition text that is not deployed and draws it. Throws BATON_INVALID_DEFINITION
   * with `details.issues` when it is not valid.
   */
  async draftGraph(definition: string): Promise<ApiDraftGraph> {
    return this.#call<ApiDraftGraph>('POST', '/api/definitions/graph', { definition });
  }

  /** Starts planning (an operator key); read it with `planOf(id)`. */
  async plan(request: ApiPlanRequest): Promise<{ id: string; status: string; created: boolean }> {
    return this.#call('POST', '/api/plans', request);
  }

  /** A plan as it stands (BATON_PLAN_NOT_FOUND for an id that is no plan). */
  async planOf(id: string): Promise<ApiPlan> {
    return this.#call<ApiPlan>('GET', `/api/plans/${encodeURIComponent(id)}`);
  }

  /** Simulates a definition text on `input` with nothing leaving the server (an invalid text answers status 'invalid'). */
  async simulate(definition: string, input?: unknown, scenario?: ApiScenario): Promise<ApiSimulationResult> {
    return this.#call<ApiSimulationResult>('POST', '/api/simulations', {
      definition,
      ...(input === undefined ? {} : { input }),
      ...(scenario === undefined ? {} : { scenario }),
    });
  }

  async schedules(): Promise<ApiSchedule[]> {
    return (await this.#call<{ schedules: ApiSchedule[] }>('GET', '/api/schedules')).schedules;
  }
}

/** `?key=value&…` of the values that are set (Dates as ISO times), or '' for none. */
function queryString(values: Record<string, string | number | Date | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined) query.set(key, value instanceof Date ? value.toISOString() : String(value));
  return query.size === 0 ? '' : `?${query}`;
}

function withTypedInput<T extends { input?: unknown }>(options: T): T {
  return options.input === undefined ? options : { ...options, input: toTypedJson(options.input) };
}

/** The events of a Server-Sent Events body, as they arrive. */
async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<{ id?: string; event: string; data: string }> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += value.replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const frame = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const event: { id?: string; event: string; data: string } = { event: 'message', data: '' };
        let fields = 0;
        for (const line of frame.split('\n')) {
          const colon = line.indexOf(':');
          if (colon === 0) continue; // a comment (heartbeat)
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          fields++;
          if (field === 'id') event.id = value;
          else if (field === 'event') event.event = value;
          else if (field === 'data') event.data = event.data.length === 0 ? value : `${event.data}\n${value}`;
        }
        if (fields > 0) yield event;
      }
    }
  } finally {
    reader.releaseLock();
  }
}
