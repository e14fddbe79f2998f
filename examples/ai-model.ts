/**
 * Which model the examples' AI steps call. With BATON_AI_MODEL set (`openai:gpt-4o-mini` with
 * OPENAI_API_KEY, `anthropic:…` with ANTHROPIC_API_KEY, `ollama:…`), that model. Without it, Baton's
 * local scripted model server answers on loopback: a deterministic stand-in that returns JSON
 * matching each step's schema and calls the tools an agent is offered, so the examples run end to
 * end with no account and no network. Its answers are placeholders, not prose. Planning requests
 * (`baton plan`, the "New workflow" page, the demo) get a definition written by Baton's rule-based
 * offline planner (plannerResponder from @baton/dsl/testing), so planning works offline too.
 *
 * The server starts on the first model call and stops after a moment without one, so a process that
 * only starts runs or sends signals never opens it, and none is kept alive by it.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { configureAI, type ModelFactory } from '@baton/ai';
import { startScriptedModelServer, type ScriptedModelServer, type ScriptedResponder } from '@baton/ai/testing';
import { plannerResponder } from '@baton/dsl/testing';

/** The default model when nothing is configured: the local scripted model server. */
export const SCRIPTED_MODEL = 'demo:scripted';

export interface ExampleModel {
  /** The model AI steps call when they name none (`provider:model`). */
  readonly model: string;
  /** True when no model is configured and the local scripted model server answers. */
  readonly scripted: boolean;
  /** Stops the local server if it is running (it also stops by itself when idle). */
  close(): Promise<void>;
}

export interface ExampleModelOptions {
  /** Where BATON_AI_MODEL and the providers' keys are read. Default process.env. */
  env?: Record<string, string | undefined>;
  /** Where the one line saying the local server answers goes. Default stderr. */
  log?: (line: string) => void;
  /** How long the local server stays up after its last model call. Default 2 s. */
  idleMs?: number;
  /** What the local server answers. Default: planning requests by Baton's rule-based planner, the rest by its demo responder. */
  responder?: ScriptedResponder;
}

/**
 * Configures this process's AI steps for the examples: the model BATON_AI_MODEL names, or, when it
 * is unset, the local scripted model server as `demo:scripted`.
 */
export function useExampleModel(options: ExampleModelOptions = {}): ExampleModel {
  const env = options.env ?? process.env;
  const named = env.BATON_AI_MODEL?.trim();
  if (named !== undefined && named.length > 0) return { model: named, scripted: false, close: () => Promise.resolve() };

  const server = new OnDemandModelServer(options.responder ?? plannerResponder, options.idleMs ?? 2_000, options.log ?? ((line) => console.error(line)));
  // The base URL only names the paths: server.fetch sends each request to wherever the server listens now.
  configureAI({
    env,
    defaultModel: SCRIPTED_MODEL,
    providers: { demo: scriptedModelProvider('http://127.0.0.1/v1', (input, init) => server.fetch(input, init)) },
  });
  return { model: SCRIPTED_MODEL, scripted: true, close: () => server.close() };
}

/** An OpenAI-compatible provider for a scripted model server at `baseURL` (`server.openaiBaseUrl`). */
export function scriptedModelProvider(baseURL: string, fetch?: typeof globalThis.fetch): ModelFactory {
  const openai = createOpenAI({ baseURL, apiKey: 'local', ...(fetch === undefined ? {} : { fetch }) });
  return (id) => openai.chat(id);
}

/** A scripted model server started by the first request sent through `fetch`, and closed when idle. */
class OnDemandModelServer {
  readonly #responder: ScriptedResponder;
  readonly #idleMs: number;
  readonly #log: (line: string) => void;
  #server: Promise<ScriptedModelServer> | undefined;
  #port = 0;
  #inFlight = 0;
  #idle: NodeJS.Timeout | undefined;

  constructor(responder: ScriptedResponder, idleMs: number, log: (line: string) => void) {
    this.#responder = responder;
    this.#idleMs = idleMs;
    this.#log = log;
  }

  /** Sends a request meant for the server to wherever it listens now, starting it if needed. */
  async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    this.#inFlight++;
    clearTimeout(this.#idle);
    try {
      const server = await (this.#server ??= this.#start().catch((error: unknown) => {
        this.#server = undefined;
        throw error;
      }));
      const requested = new URL(input instanceof Request ? input.url : input);
      return await fetch(new URL(`${requested.pathname}${requested.search}`, server.url), init);
    } finally {
      if (--this.#inFlight === 0) {
        this.#idle = setTimeout(() => this.close().catch(() => {}), this.#idleMs);
        this.#idle.unref();
      }
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.#idle);
    const server = this.#server;
    this.#server = undefined;
    await (await server?.catch(() => undefined))?.close();
  }

  async #start(): Promise<ScriptedModelServer> {
    const first = this.#port === 0;
    let server: ScriptedModelServer;
    try {
      // The same port as before, so the address announced once stays true.
      server = await startScriptedModelServer({ host: '127.0.0.1', port: this.#port, responder: this.#responder });
    } catch {
      server = await startScriptedModelServer({ host: '127.0.0.1', responder: this.#responder });
    }
    const port = Number(new URL(server.url).port);
    if (first || port !== this.#port) {
      this.#log(
        `AI examples: no model configured (BATON_AI_MODEL); using Baton's local scripted model server at ${server.url} — set BATON_AI_MODEL=openai:gpt-4o-mini with OPENAI_API_KEY (or anthropic:…, ollama:…) for a real model`,
      );
    }
    this.#port = port;
    return server;
  }
}
