/** API keys and roles: the whole role × endpoint matrix, walked from the OpenAPI document. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, ROLES, newApiKey, type Role } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { createApp } from '@baton/server';

let dir: string;
let store: SqliteStore;
let app: ReturnType<typeof createApp>;
const keys = {} as Record<Role | 'revoked', string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-auth-'));
  store = new SqliteStore({ path: join(dir, 'baton.db') });
  await store.init();
  for (const role of ROLES) {
    const key = newApiKey({ name: `${role} key`, role }, Date.now());
    await store.createApiKey(key.record);
    keys[role] = key.token;
  }
  const revoked = newApiKey({ name: 'old admin', role: 'admin' }, Date.now());
  await store.createApiKey(revoked.record);
  expect(await store.revokeApiKey(revoked.record.id, Date.now())).toBe(true);
  keys.revoked = revoked.token;
  app = createApp({ client: new Client({ store }), store, metrics: true });
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What each route should need, written out independently of the server's own table. */
function expectedRole(method: string, path: string): Role | undefined {
  if (path === '/api/health') return undefined;
  if (path.startsWith('/api/keys') || path === '/api/audit') return 'admin';
  // Alert rules say who is woken and what for: an admin's to read too.
  if (path.startsWith('/api/alerts')) return 'admin';
  if (method === 'get') return 'viewer';
  // Drawing and simulating a draft change nothing: reads.
  if (path === '/api/definitions/graph' || path === '/api/simulations') return 'viewer';
  if (path.startsWith('/api/schedules')) return 'admin';
  if (path.startsWith('/api/quotas')) return 'admin';
  if (path.startsWith('/api/definitions')) return 'admin';
  if (path.endsWith('/migrations')) return 'admin';
  if (path.startsWith('/api/failure-workflows')) return 'admin';
  if (path.startsWith('/api/policies')) return 'admin';
  return 'operator';
}

describe('API keys and roles', () => {
  it('gives each role exactly what it should on every route, 401 without a valid key and 403 above its role', async () => {
    const doc = (await (await app.request('/api/openapi.json', { headers: { 'x-api-key': keys.viewer } })).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    // The document itself is not among its paths: a viewer key reads it like any other GET.
    doc.paths['/api/openapi.json'] = { get: {} };
    // Prometheus text, outside the document: a viewer key reads it like any other GET.
    doc.paths['/metrics'] = { get: {} };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/docs', '/api/keys', '/api/keys/{id}', '/api/audit', '/api/stream']));
    let checked = 0;
    for (const [template, operations] of Object.entries(doc.paths)) {
      // Webhooks authenticate deliveries by signature (or an operator key): webhooks.test.ts.
      if (template.startsWith('/hooks/')) continue;
      // The keys are of the default namespace: a route naming a namespace is asked about theirs.
      const path = template.replace('{id}', 'no-such-id').replace('{namespace}', 'default');
      for (const method of Object.keys(operations)) {
        const needed = expectedRole(method, template);
        const request = (headers: Record<string, string>) =>
          app.request(path, {
            method: method.toUpperCase(),
            headers: { 'content-type': 'application/json', ...headers },
            ...(method === 'get' ? {} : { body: '{}' }),
          });
        for (const [who, headers] of [
          ['no key', {}],
          ['a malformed key', { authorization: 'Bearer not-a-key' }],
          ['a revoked key', { authorization: `Bearer ${keys.revoked}` }],
          ['a forged secret', { authorization: `Bearer ${keys.admin.slice(0, -4)}AAAA` }],
        ] as const) {
          const res = await request(headers);
          expect({ route: `${method} ${template}`, who, status: res.status }).toEqual({
            route: `${method} ${template}`,
            who,
            status: needed === undefined ? 200 : 401,
          });
        }
        for (const role of ROLES) {
          const res = await request({ 'x-api-key': keys[role] });
          const allowed = needed === undefined || ROLES.indexOf(role) >= ROLES.indexOf(needed);
          const isJson = res.headers.get('content-type')?.includes('json') === true;
          const body = (isJson ? await res.json() : {}) as { error?: { code: string } };
          // A live stream (GET /api/stream) goes on until its reader hangs up.
          if (!isJson) await res.body?.cancel();
          if (allowed)
            expect({ route: `${method} ${template}`, role, status: [401, 403].includes(res.status) }).toEqual({
              route: `${method} ${template}`,
              role,
              status: false,
            });
          else
            expect({ route: `${method} ${template}`, role, status: res.status, code: body.error?.code }).toEqual({
              route: `${method} ${template}`,
              role,
              status: 403,
              code: 'BATON_FORBIDDEN',
            });
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(23);
  });

  it('never stores a secret, only its hash', async () => {
    const rows = await store.listApiKeys();
    for (const token of Object.values(keys)) {
      const secret = token.split('_').slice(2).join('_');
      expect(JSON.stringify(rows)).not.toContain(secret);
    }
    expect(rows.map((k) => k.role).sort()).toEqual(['admin', 'admin', 'operator', 'viewer']);
  });
});
