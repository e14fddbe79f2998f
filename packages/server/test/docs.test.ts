/** The API reference page and the OpenAPI document: behind a viewer key (a browser's password prompt), self-contained, and the document still valid. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, newApiKey } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { createApp } from '@baton/server';
import { Validator } from '@seriousme/openapi-schema-validator';

let dir: string;
let store: SqliteStore;
let app: ReturnType<typeof createApp>;
let viewer: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-docs-'));
  store = new SqliteStore({ path: join(dir, 'baton.db') });
  await store.init();
  const key = newApiKey({ name: 'reader', role: 'viewer' }, Date.now());
  await store.createApiKey(key.record);
  viewer = key.token;
  app = createApp({ client: new Client({ store }), store });
});

/** What a browser sends once its user typed the key into the password prompt. */
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the API reference', () => {
  it('asks a browser for a key with its password prompt, and takes the key as the password (or user name)', async () => {
    for (const path of ['/api/docs', '/api/openapi.json']) {
      const refused = await app.request(path);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Basic realm="/);
      expect((await app.request(path, { headers: basic('me', viewer) })).status).toBe(200);
      expect((await app.request(path, { headers: basic(viewer, '') })).status).toBe(200);
      expect((await app.request(path, { headers: basic('me', `${viewer.slice(0, -2)}xx`) })).status).toBe(401);
    }
    // An API route answers a missing key with a bearer challenge: no password prompt for programs.
    expect((await app.request('/api/runs')).headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((await app.request('/api/runs', { headers: basic('', viewer) })).status).toBe(200);
  });

  it('serves /api/docs: an HTML page with everything inline, nothing fetched from elsewhere', async () => {
    const res = await app.request('/api/docs', { headers: { authorization: `Bearer ${viewer}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/i);
    // No URL to any other host: the page loads nothing but openapi.json, relative to itself.
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\/\/[a-z0-9-]+\.[a-z]/i);
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+\b(src|href)=["'](?!data:|openapi\.json|#)/i);
    expect(html).toContain("'openapi.json'");
    // The browser holds it to that: only the page's own script and style run, and it connects to its own origin only.
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
  });

  it('publishes the OpenAPI document with the key routes and the page, and it still validates', async () => {
    const res = await app.request('/api/openapi.json', { headers: { 'x-api-key': viewer } });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, { summary?: string }>>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/keys', '/api/keys/{id}', '/api/docs']));
    expect(Object.keys(doc.paths['/api/keys']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/keys/{id}']!)).toEqual(['delete']);
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['ApiKey', 'CreateApiKey']));
    // The key schema has no place for a secret or a hash.
    expect(Object.keys((doc.components.schemas.ApiKey as { properties: object }).properties).sort()).toEqual([
      'createdAt',
      'id',
      'name',
      'namespace',
      'namespaces',
      'revokedAt',
      'role',
    ]);
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('keeps every other route behind a key', async () => {
    for (const path of ['/api/runs', '/api/keys', '/api/workflows', '/api/docs/extra', '/api/openapi.json/x']) {
      expect({ path, status: (await app.request(path)).status }).toEqual({ path, status: 401 });
    }
  });
});
