/**
 * Who a request acts for. Routes reach the store through a client bound to the request's API key:
 * its changes are audited under the key's id, and it sees only the runs of the namespace the request
 * acts in (the key's own, or another it may use chosen with the Baton-Namespace header, see auth.ts).
 */
import type { ApiKeyRecord, Client } from '@baton/core';
import type { Context } from 'hono';

/** The request's context variable holding its key as stored (`apiKey` holds it as acting in the chosen namespace). */
export const STORED_KEY = 'batonStoredKey';

/** The request's API key, once `authorize` accepted it, with `namespace` the namespace the request acts in. */
export function apiKeyOf(c: Context): ApiKeyRecord | undefined {
  return c.get('apiKey' as never) as ApiKeyRecord | undefined;
}

/** The request's API key as stored: `namespace` is the one it was made for, whichever the request acts in. */
export function storedKeyOf(c: Context): ApiKeyRecord | undefined {
  return c.get(STORED_KEY as never) as ApiKeyRecord | undefined;
}

/** The client acting for the request's key; without auth, for 'local', in every namespace. */
export function actingClient(c: Context, client: Client): Client {
  const key = apiKeyOf(c);
  return key === undefined ? client.as({ id: 'local' }) : client.as({ id: key.id, namespace: key.namespace });
}
