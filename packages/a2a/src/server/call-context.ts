/**
 * What a transport tells the request handler about the caller, carried in the SDK's
 * `ServerCallContext.state`: the Baton client acting for the request's API key (its starts, signals
 * and cancels are audited under the key and stay in its namespace) and the scope run ids are made in.
 */
import type { Client } from '@baton/core';
import { ServerCallContext, type User } from '@a2a-js/sdk/server';

const CLIENT_KEY = 'baton/client';
const SCOPE_KEY = 'baton/scope';
const SIGNALLED_KEY = 'baton/signalled';

export interface BatonCallOptions {
  /** The client acting for the caller. */
  client: Client;
  /** Keeps the run ids of different callers apart (the key's namespace); default ''. */
  scope?: string;
  /** The protocol version the caller asked for (the `A2A-Version` header); default '0.3'. */
  requestedVersion?: string;
  user?: User;
}

/** A call context for one A2A request, with the Baton client it acts through. */
export function batonCallContext(options: BatonCallOptions): ServerCallContext {
  const state = new Map<string, unknown>([
    [CLIENT_KEY, options.client],
    [SCOPE_KEY, options.scope ?? ''],
  ]);
  return new ServerCallContext({
    state,
    ...(options.requestedVersion === undefined ? {} : { requestedVersion: options.requestedVersion }),
    ...(options.user === undefined ? {} : { user: options.user }),
  });
}

/** The acting client of a call; `fallback` for a context not made by `batonCallContext`. */
export function clientOf(context: ServerCallContext, fallback: Client): Client {
  const client = context.state.get(CLIENT_KEY);
  return (client as Client | undefined) ?? fallback;
}

export function scopeOf(context: ServerCallContext): string {
  const scope = context.state.get(SCOPE_KEY);
  return typeof scope === 'string' ? scope : '';
}

/** A signal this request delivered: the run's claim count then, so a wait it already answered is not reported again. */
export interface DeliveredSignal {
  runId: string;
  claims: number;
}

export function markSignalled(context: ServerCallContext, delivered: DeliveredSignal): void {
  context.state.set(SIGNALLED_KEY, delivered);
}

export function signalledIn(context: ServerCallContext): DeliveredSignal | undefined {
  return context.state.get(SIGNALLED_KEY) as DeliveredSignal | undefined;
}
