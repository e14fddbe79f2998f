// A real HTTP server on loopback that speaks the OpenAI Chat Completions and Anthropic Messages wire
// protocols, so the providers' own clients can be tested without the internet. A test scripts what
// the "model" answers: a queue of replies used in order, then a responder function. Every request is
// recorded, so a test can check what the client sent and how many calls it made.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  anthropicError,
  anthropicMessagesResponse,
  anthropicMessagesStream,
  anthropicModelList,
  parseAnthropicMessagesRequest,
} from './anthropic-messages-protocol.js';
import { openAIChatResponse, openAIChatStream, openAIError, openAIModelList, parseOpenAIChatRequest } from './openai-chat-protocol.js';
import { estimateInputTokens, estimateTokens, isRecord, type ScriptedCompletion } from './scripted-completion.js';
import { ModelProtocol, type ScriptedModelRequest, type ScriptedReply, type ScriptedResponder } from './scripted-reply.js';

export interface ScriptedModelServerOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0: a free port chosen by the system. */
  readonly port?: number;
  /** Replies used in order, one per model call, before the responder is asked. */
  readonly replies?: readonly ScriptedReply[];
  /** Answers model calls once the queue is empty (for example `demoResponder`). */
  readonly responder?: ScriptedResponder;
  /** Model ids `GET /v1/models` lists, besides every model requested so far. */
  readonly models?: readonly string[];
  /** Clock for `receivedAt` and the `created` fields of responses. Default: the system clock. */
  readonly now?: () => Date;
}

/** Any HTTP request the server received, model call or not, valid or not. */
export interface RecordedRequest {
  readonly method: string;
  /** The URL path without the query string. */
  readonly path: string;
  /** Set for the model-call endpoints. */
  readonly protocol?: ModelProtocol;
  /** The body's `model` field, when it has one. */
  readonly model?: string;
  /** The body parsed as JSON; the raw text when it did not parse; undefined when empty. */
  readonly body: unknown;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly receivedAt: Date;
}

/**
 * A running scripted model server. Point a provider at `openaiBaseUrl` or `anthropicBaseUrl` (both
 * end in `/v1`, as the providers' default base URLs do). A model call takes the next queued reply;
 * when the queue is empty it asks the responder; with neither it answers a 500 saying the script
 * ran out, so a test that makes one call too many fails visibly.
 */
export interface ScriptedModelServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Base URL for OpenAI and OpenAI-compatible clients: `<url>/v1`. */
  readonly openaiBaseUrl: string;
  /** Base URL for Anthropic clients: `<url>/v1`. */
  readonly anthropicBaseUrl: string;
  /** Every request received since start or the last `reset()`, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** The well-formed model calls among them, parsed, as responders saw them. */
  readonly modelCalls: readonly ScriptedModelRequest[];
  /** How many queued replies are still unused. */
  readonly pendingReplies: number;
  /** Appends replies to the queue. */
  enqueue(...replies: ScriptedReply[]): void;
  /** Replaces the responder used once the queue is empty; `undefined` removes it. */
  respondWith(responder: ScriptedResponder | undefined): void;
  /**
   * When the server handed the answer to model call `index` (ScriptedModelRequest.index) to its
   * connection; undefined while it has not, or when the caller hung up first.
   */
  answeredAt(index: number): Date | undefined;
  /** Model calls (well-formed or not) that named this model. */
  callsFor(model: string): number;
  /** Model calls per model id. */
  callCounts(): Readonly<Record<string, number>>;
  /** Forgets requests and counts, empties the queue, and restores the responder given at start. */
  reset(): void;
  /** Stops listening and drops open connections, including ones waiting on a delayed reply. */
  close(): Promise<void>;
}

export async function startScriptedModelServer(options: ScriptedModelServerOptions = {}): Promise<ScriptedModelServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return new ScriptedModelHttpServer(server, url, options);
}

class ScriptedModelHttpServer implements ScriptedModelServer {
  readonly openaiBaseUrl: string;
  readonly anthropicBaseUrl: string;
  private readonly recorded: RecordedRequest[] = [];
  private readonly calls: ScriptedModelRequest[] = [];
  private readonly counts = new Map<string, number>();
  private readonly answers = new Map<number, Date>();
  private readonly queue: ScriptedReply[];
  private responder: ScriptedResponder | undefined;
  private readonly now: () => Date;

  constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: ScriptedModelServerOptions,
  ) {
    this.openaiBaseUrl = `${url}/v1`;
    this.anthropicBaseUrl = `${url}/v1`;
    this.queue = [...(options.replies ?? [])];
    this.responder = options.responder;
    this.now = options.now ?? (() => new Date());
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, openAIError(500, `Scripted model server failed: ${messageOf(error)}`));
        else res.destroy();
      });
    });
  }

  get requests(): readonly RecordedRequest[] {
    return this.recorded;
  }

  get modelCalls(): readonly ScriptedModelRequest[] {
    return this.calls;
  }

  get pendingReplies(): number {
    return this.queue.length;
  }

  enqueue(...replies: ScriptedReply[]): void {
    this.queue.push(...replies);
  }

  respondWith(responder: ScriptedResponder | undefined): void {
    this.responder = responder;
  }

  callsFor(model: string): number {
    return this.counts.get(model) ?? 0;
  }

  callCounts(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.counts);
  }

  reset(): void {
    this.recorded.length = 0;
    this.calls.length = 0;
    this.counts.clear();
    this.answers.clear();
    this.queue.length = 0;
    this.queue.push(...(this.options.replies ?? []));
    this.responder = this.options.responder;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error === undefined ? resolve() : reject(error)));
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/(.)\/+$/, '$1');
    const route = path.replace(/^\/v1(?=\/)/, '');
    const headers = flattenHeaders(req);
    const receivedAt = this.now();
    const protocol = route === '/chat/completions' ? ModelProtocol.OpenAI : route === '/messages' ? ModelProtocol.Anthropic : undefined;
    const { body, parsed } = parseJson(raw);
    const model = isRecord(body) && typeof body['model'] === 'string' ? body['model'] : undefined;
    this.recorded.push({
      method,
      path,
      ...(protocol === undefined ? {} : { protocol }),
      ...(model === undefined ? {} : { model }),
      body,
      headers,
      receivedAt,
    });

    if (protocol === undefined) {
      const anthropic = headers['anthropic-version'] !== undefined;
      if (route === '/models' && method === 'GET') {
        const models = [...new Set([...(this.options.models ?? []), ...this.counts.keys()])];
        sendJson(res, 200, anthropic ? anthropicModelList(models, receivedAt) : openAIModelList(models, Math.floor(receivedAt.getTime() / 1000)));
        return;
      }
      const message = `Scripted model server: no route for ${method} ${path}. It serves POST /v1/chat/completions, POST /v1/messages and GET /v1/models.`;
      sendJson(res, 404, anthropic ? anthropicError(404, message) : openAIError(404, message));
      return;
    }
    if (model !== undefined) this.counts.set(model, (this.counts.get(model) ?? 0) + 1);
    const errorBody = (status: number, message: string, param?: string): Record<string, unknown> =>
      protocol === ModelProtocol.OpenAI ? openAIError(status, message, param) : anthropicError(status, message);
    if (method !== 'POST') {
      sendJson(res, 405, errorBody(405, `Method ${method} is not allowed on ${path}; use POST.`));
      return;
    }
    if (!parsed) {
      sendJson(
        res,
        400,
        errorBody(400, `We could not parse the JSON body of your request (${raw.length === 0 ? 'the body is empty' : 'it is not valid JSON'}).`),
      );
      return;
    }
    const result = protocol === ModelProtocol.OpenAI ? parseOpenAIChatRequest(body) : parseAnthropicMessagesRequest(body);
    if (!result.ok) {
      sendJson(res, 400, errorBody(400, result.message, result.param));
      return;
    }
    const request: ScriptedModelRequest = {
      index: this.calls.length + 1,
      protocol,
      path,
      ...result.value,
      body: body as Record<string, unknown>,
      headers,
      receivedAt,
    };
    this.calls.push(request);

    const reply = await this.nextReply(request, errorBody);
    if (!(await waitUnlessClosed(reply.delayMs ?? 0, res))) return;
    this.send(reply, request, req, res, errorBody);
  }

  private async nextReply(request: ScriptedModelRequest, errorBody: (status: number, message: string) => Record<string, unknown>): Promise<ScriptedReply> {
    const queued = this.queue.shift();
    if (queued !== undefined) return queued;
    const where = `request #${request.index} (${request.protocol} ${request.path}, model "${request.model}")`;
    if (this.responder === undefined) {
      return {
        status: 500,
        body: errorBody(
          500,
          `Scripted model server: the script ran out at ${where}: no reply is queued and no responder is set. ` +
            'Queue one reply per expected model call (replies option or enqueue()), or set a responder.',
        ),
      };
    }
    try {
      return await this.responder(request);
    } catch (error) {
      return { status: 500, body: errorBody(500, `Scripted model server: the responder threw at ${where}: ${messageOf(error)}`) };
    }
  }

  private send(
    reply: ScriptedReply,
    request: ScriptedModelRequest,
    req: IncomingMessage,
    res: ServerResponse,
    errorBody: (status: number, message: string) => Record<string, unknown>,
  ): void {
    if ('hangUp' in reply) {
      req.socket.destroy();
      return;
    }
    if ('raw' in reply) {
      res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? (request.stream ? 'text/event-stream' : 'application/json') });
      res.end(reply.raw);
      return;
    }
    if ('status' in reply) {
      const headers: Record<string, string> = { ...reply.headers };
      if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
      const body = reply.body ?? errorBody(reply.status, `Scripted ${reply.status} reply to request #${request.index}.`);
      if (typeof body === 'string') {
        res.writeHead(reply.status, { 'content-type': isJson(body) ? 'application/json' : 'text/plain; charset=utf-8', ...headers });
        res.end(body);
      } else sendJson(res, reply.status, body, headers);
      return;
    }
    const completion = this.completionFor(reply, request);
    if (request.stream) {
      const includeUsage = isRecord(request.body['stream_options']) && request.body['stream_options']['include_usage'] === true;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.end(request.protocol === ModelProtocol.OpenAI ? openAIChatStream(completion, includeUsage) : anthropicMessagesStream(completion));
      this.answers.set(request.index, this.now());
      return;
    }
    sendJson(res, 200, request.protocol === ModelProtocol.OpenAI ? openAIChatResponse(completion) : anthropicMessagesResponse(completion));
    this.answers.set(request.index, this.now());
  }

  answeredAt(index: number): Date | undefined {
    return this.answers.get(index);
  }

  private completionFor(reply: ScriptedReply, request: ScriptedModelRequest): ScriptedCompletion {
    const openai = request.protocol === ModelProtocol.OpenAI;
    const toolCalls = ('toolCalls' in reply ? reply.toolCalls : []).map((call, i) => ({
      id: call.id ?? (openai ? `call_scripted_${request.index}_${i + 1}` : `toolu_scripted_${request.index}_${i + 1}`),
      name: call.name,
      arguments: call.arguments,
    }));
    const text = 'text' in reply ? (reply.text ?? '') : '';
    const usage = ('usage' in reply ? reply.usage : undefined) ?? {
      input: estimateInputTokens(request.messages),
      output: Math.max(1, estimateTokens(text + toolCalls.map((c) => c.name + JSON.stringify(c.arguments)).join(''))),
    };
    const finish = toolCalls.length > 0 ? 'tool-calls' : 'finishReason' in reply && reply.finishReason === 'length' ? 'length' : 'stop';
    return {
      id: openai ? `chatcmpl-scripted-${request.index}` : `msg_scripted_${request.index}`,
      model: request.model,
      created: Math.floor(this.now().getTime() / 1000),
      text,
      toolCalls,
      finish,
      usage,
    };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(raw: string): { body: unknown; parsed: boolean } {
  if (raw.length === 0) return { body: undefined, parsed: false };
  try {
    return { body: JSON.parse(raw) as unknown, parsed: true };
  } catch {
    return { body: raw, parsed: false };
  }
}

function isJson(text: string): boolean {
  return parseJson(text).parsed;
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Waits `ms`, unless the client goes away first; resolves whether the response can still be sent. */
function waitUnlessClosed(ms: number, res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
