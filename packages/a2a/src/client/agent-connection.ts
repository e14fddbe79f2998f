/**
 * Reaching a remote agent: its agent card, resolved through the SDK (from a card URL, or the
 * well-known path under a base URL) and kept a short time per process, and an SDK client made from
 * it with the caller's headers on every request. SDK failures become Baton errors: an A2A error
 * answer is terminal (retrying the same request gets the same answer), anything else — the agent
 * down, a 5xx, a body that is not A2A — is retryable.
 */
import { AgentCard } from '@a2a-js/sdk';
import { type Client, ClientFactory, DefaultAgentCardResolver, JsonRpcTransportFactory, RestTransportFactory } from '@a2a-js/sdk/client';
import { A2AError } from '@a2a-js/sdk/errors';
import { BatonError, errorMessage, isBatonError } from '@baton/core';
import { A2aClientErrorCode } from './client-errors.js';

/** Where an agent is: its card (a card URL, or a base URL whose card is at /.well-known/agent-card.json), or its JSON-RPC endpoint without a card. */
export type AgentTarget = { card: string } | { endpoint: string };

export interface AgentConnectionOptions {
  /**
   * Sent with every request, the card's included (e.g. `{ authorization: 'Bearer …' }`); a function
   * is called inside each step that reaches the agent (for tokens that expire). Never journaled.
   */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
}

/** How long a resolved agent card is used before it is fetched again. */
export const AGENT_CARD_TTL_MS = 60_000;

/** Resolved agent cards, by URL and headers, each kept `ttlMs`. One per process (see index.ts). */
export class AgentCardCache {
  readonly #entries = new Map<string, { card: AgentCard; until: number }>();
  constructor(readonly ttlMs: number = AGENT_CARD_TTL_MS) {}

  get(key: string, now: number): AgentCard | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until > now) return entry.card;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: string, card: AgentCard, now: number): void {
    this.#entries.set(key, { card, until: now + this.ttlMs });
  }
}

/** `fetch` with `headers` added to every request (the request's own headers win). */
function fetchWith(headers: Record<string, string> | undefined): typeof fetch {
  if (headers === undefined || Object.keys(headers).length === 0) return (input, init) => fetch(input, init);
  return (input, init) => {
    const merged = new Headers(init?.headers);
    for (const [name, value] of Object.entries(headers)) if (!merged.has(name)) merged.set(name, value);
    return fetch(input, { ...init, headers: merged });
  };
}

function cardLocation(url: string): { base: string; path?: string } {
  // A URL naming a JSON file is the card itself; anything else is the agent's base URL.
  return new URL(url).pathname.endsWith('.json') ? { base: url, path: '' } : { base: url };
}

/** A stand-in card for an agent known only by its JSON-RPC endpoint. */
function endpointCard(endpoint: string): AgentCard {
  return AgentCard.fromJSON({ name: endpoint, supportedInterfaces: [{ url: endpoint, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }] });
}

/** An SDK client for the agent, its card from `cache` when fresh. */
export async function connectAgent(target: AgentTarget, options: AgentConnectionOptions, cache: AgentCardCache, now: number): Promise<Client> {
  const headers = typeof options.headers === 'function' ? await options.headers() : options.headers;
  const fetchImpl = fetchWith(headers);
  const cardResolver = new DefaultAgentCardResolver({ fetchImpl, legacyCompat: { enabled: true } });
  const factory = new ClientFactory({
    transports: [
      new JsonRpcTransportFactory({ fetchImpl, legacyCompat: { enabled: true } }),
      new RestTransportFactory({ fetchImpl, legacyCompat: { enabled: true } }),
    ],
    cardResolver,
  });
  let card: AgentCard;
  if ('endpoint' in target) {
    card = endpointCard(target.endpoint);
  } else {
    const key = `${target.card}\n${JSON.stringify(headers ?? {})}`;
    const cached = cache.get(key, now);
    if (cached === undefined) {
      const { base, path } = cardLocation(target.card);
      card = await remoteCall(`fetching the agent card of ${target.card}`, () => cardResolver.resolve(base, path));
      cache.set(key, card, now);
    } else {
      card = cached;
    }
  }
  return remoteCall(`connecting to the agent ${agentName(target)}`, () => factory.createFromAgentCard(card));
}

export function agentName(target: AgentTarget): string {
  return 'card' in target ? target.card : target.endpoint;
}

/** Runs one SDK call, its failure as a Baton error that says what was being done. */
export async function remoteCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isBatonError(error)) throw error;
    // An answer that is not A2A is the agent's fault of the moment: retryable like a 5xx.
    if (error instanceof A2AError && error.name !== 'InvalidAgentResponseError') {
      throw new BatonError(A2aClientErrorCode.RemoteError, `The remote agent refused ${what}: ${error.message}`, {
        retryable: false,
        cause: error,
        details: { reason: error.reason },
      });
    }
    if (error instanceof Error && error.name === 'AbortError') throw error;
    throw new BatonError(
      A2aClientErrorCode.AgentUnreachable,
      `${what[0]!.toUpperCase()}${what.slice(1)} failed: ${errorMessage(error)}. Check that the agent is up and the URL is right; the step retries.`,
      { cause: error },
    );
  }
}
