/**
 * Who a request acts for. Routes reach the store through a client bound to the request's API key:
 * its changes are audited under the key's id, and it sees only the runs of the key's namespace.
 */
import type { ApiKeyRecord, Client } from '@baton/core';
import type { Context } from 'hono';

/** The request's API key, once `authorize` accepted it. */
export function apiKeyOf(c: Context): ApiKeyRecord | undefined {
  return c.get('apiKey' as never) as ApiKeyRecord | undefined;
}

/** The client acting for the request's key; without auth, for 'local', in every namespace. */
export function actingClient(c: Context, client: Client): Client {
  const key = apiKeyOf(c);
  return key === undefined ? client.as({ id: 'local' }) : client.as({ id: key.id, namespace: key.namespace });
}
