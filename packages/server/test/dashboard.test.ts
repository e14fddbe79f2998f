/** The dashboard's files at /: content types, caching, the SPA fallback, the CSP, and the API left alone. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, newApiKey } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { createApp } from '@baton/server';

let dir: string;
let store: SqliteStore;
let app: ReturnType<typeof createApp>;
let token: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-dashboard-route-'));
  const dist = join(dir, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(dist, 'assets', 'index-abc123.css'), 'body{}');
  writeFileSync(join(dist, 'favicon.svg'), '<svg/>');
  writeFileSync(join(dir, 'secret.txt'), 'not for the web');
  store = new SqliteStore({ path: join(dir, 'baton.db') });
  await store.init();
  const key = newApiKey({ name: 'viewer', role: 'viewer' }, Date.now());
  await store.createApiKey(key.record);
  token = key.token;
  app = createApp({ client: new Client({ store }), store, metrics: true, dashboard: { dir: dist } });
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, init: RequestInit = {}): Promise<Response> => Promise.resolve(app.request(path, init));

describe('the dashboard route', () => {
  it('serves index.html at / without a key, uncached, under a self-only CSP', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<title>app</title>');
  });

  it('answers an app address (/runs/<id>) with index.html: the browser routes it', async () => {
    for (const path of ['/runs', '/runs/order-42', '/runs/a%20b', '/overview?x=1']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toContain('<title>app</title>');
    }
  });

  it('serves hashed assets immutable, with their content types', async () => {
    const js = await get('/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await js.text()).toBe('console.log(1)');
    const css = await get('/assets/index-abc123.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const svg = await get('/favicon.svg');
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.headers.get('cache-control')).toBe('public, max-age=3600');
  });

  it('answers a missing asset 404, not with the app', async () => {
    const res = await get('/assets/index-gone.js');
    expect(res.status).toBe(404);
  });

  it('never serves a file outside its folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/.hidden']) {
      const res = await get(path);
      expect(await res.text(), path).not.toContain('not for the web');
    }
  });

  it('leaves /api, /hooks and /metrics to the API', async () => {
    const missing = await get('/api/nothing-here', { headers: { authorization: `Bearer ${token}` } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('BATON_NOT_FOUND');
    const unauthenticated = await get('/api/runs');
    expect(unauthenticated.status).toBe(401);
    const runs = await get('/api/runs', { headers: { authorization: `Bearer ${token}` } });
    expect(runs.status).toBe(200);
    expect(runs.headers.get('content-type')).toContain('application/json');
    const metrics = await get('/metrics', { headers: { authorization: `Bearer ${token}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('# HELP');
    const hook = await get('/hooks/none');
    expect(hook.headers.get('content-type')).not.toContain('text/html');
  });

  it('does not answer other methods with the app', async () => {
    const res = await get('/runs', { method: 'POST' });
    expect(res.status).toBe(404);
  });
});
