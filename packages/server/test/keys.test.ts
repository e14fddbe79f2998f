/** API keys over HTTP (admin only): list without secrets, create with the token shown once, revoke; and the same through ApiClient. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, newApiKey, parseApiKey } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { ApiClient, createApp, startApiServer } from '@baton/server';

let dir: string;
let store: SqliteStore;
let app: ReturnType<typeof createApp>;
let adminKey: string;
let operatorKey: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-keys-'));
  store = new SqliteStore({ path: join(dir, 'baton.db') });
  await store.init();
  const admin = newApiKey({ name: 'root', role: 'admin' }, Date.now());
  await store.createApiKey(admin.record);
  adminKey = admin.token;
  const operator = newApiKey({ name: 'ops', role: 'operator' }, Date.now());
  await store.createApiKey(operator.record);
  operatorKey = operator.token;
  app = createApp({ client: new Client({ store }), store });
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (method: string, path: string, key: string, body?: unknown) => {
  const res = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, text: await res.clone().text(), body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
};

describe('API keys over HTTP', () => {
  it('creates a key whose token works once shown, lists keys without secrets or hashes, and revokes', async () => {
    const created = await call('POST', '/api/keys', adminKey, { name: 'ci deploys', role: 'viewer' });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    const parsed = parseApiKey(token);
    expect(parsed).toBeDefined();
    expect(created.body.key).toEqual({ id: parsed!.id, name: 'ci deploys', role: 'viewer', namespace: 'default', createdAt: expect.any(String) });
    expect(new Date(created.body.key.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

    // The new key works, with its role.
    expect((await call('GET', '/api/runs', token)).status).toBe(200);
    expect((await call('POST', '/api/runs', token, { workflow: 'x' })).status).toBe(403);

    const listed = await call('GET', '/api/keys', adminKey);
    expect(listed.status).toBe(200);
    expect(listed.body.keys.map((k: { name: string }) => k.name)).toEqual(['root', 'ops', 'ci deploys']);
    expect(listed.text).not.toContain(parsed!.secret);
    const stored = await store.getApiKey(parsed!.id);
    expect(listed.text).not.toContain(stored!.hash);
    for (const key of listed.body.keys) expect(Object.keys(key).sort()).toEqual(['createdAt', 'id', 'name', 'namespace', 'role']);

    const revoked = await call('DELETE', `/api/keys/${parsed!.id}`, adminKey);
    expect(revoked).toMatchObject({ status: 200, body: { key: { id: parsed!.id, revokedAt: expect.any(String) } } });
    expect((await call('GET', '/api/runs', token)).body.error.code).toBe('BATON_UNAUTHORIZED');
    expect((await call('GET', '/api/keys', adminKey)).body.keys.find((k: { id: string }) => k.id === parsed!.id).revokedAt).toBe(revoked.body.key.revokedAt);
  });

  it('answers an unknown or already revoked key with 404 BATON_KEY_NOT_FOUND, and bad input with 400', async () => {
    expect(await call('DELETE', '/api/keys/nosuchkey000', adminKey)).toMatchObject({ status: 404, body: { error: { code: 'BATON_KEY_NOT_FOUND' } } });
    const { body } = await call('POST', '/api/keys', adminKey, { name: 'twice', role: 'viewer' });
    expect((await call('DELETE', `/api/keys/${body.key.id}`, adminKey)).status).toBe(200);
    expect(await call('DELETE', `/api/keys/${body.key.id}`, adminKey)).toMatchObject({ status: 404, body: { error: { code: 'BATON_KEY_NOT_FOUND' } } });

    for (const bad of [{ name: 'x', role: 'root' }, { role: 'viewer' }, { name: '<script>', role: 'viewer' }, { name: 'x', role: 'viewer', namespace: '' }]) {
      const res = await call('POST', '/api/keys', adminKey, bad);
      expect({ bad, status: res.status, code: res.body.error?.code }).toEqual({ bad, status: 400, code: 'BATON_INVALID_ARGUMENT' });
    }
  });

  it('is for admins only, reading included', async () => {
    for (const [method, path] of [
      ['GET', '/api/keys'],
      ['POST', '/api/keys'],
      ['DELETE', '/api/keys/whatever0000'],
    ] as const) {
      const res = await call(method, path, operatorKey, method === 'POST' ? { name: 'sneaky', role: 'admin' } : undefined);
      expect({ method, status: res.status, code: res.body.error.code }).toEqual({ method, status: 403, code: 'BATON_FORBIDDEN' });
    }
  });

  it('lets a key revoke itself: that answer is the last it gets', async () => {
    const { body } = await call('POST', '/api/keys', adminKey, { name: 'leaked', role: 'admin' });
    expect((await call('DELETE', `/api/keys/${body.key.id}`, body.token)).status).toBe(200);
    expect((await call('GET', '/api/keys', body.token)).status).toBe(401);
  });

  it('lets a key of any role revoke itself, and no other key without the admin role (403, audited, nothing looked up)', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      const self = newApiKey({ name: `leaked ${role}`, role }, Date.now());
      const victim = newApiKey({ name: `victim of ${role}`, role: 'viewer' }, Date.now());
      await store.createApiKey(self.record);
      await store.createApiKey(victim.record);
      for (const target of [victim.record.id, 'nosuchkey000']) {
        const refused = await call('DELETE', `/api/keys/${target}`, self.token);
        expect({ role, status: refused.status, code: refused.body.error.code }).toEqual({ role, status: 403, code: 'BATON_FORBIDDEN' });
      }
      expect((await store.getApiKey(victim.record.id))?.revokedAt).toBeUndefined();
      const revoked = await call('DELETE', `/api/keys/${self.record.id}`, self.token);
      expect(revoked).toMatchObject({ status: 200, body: { key: { id: self.record.id, role, revokedAt: expect.any(String) } } });
      expect((await call('GET', '/api/runs', self.token)).body.error.code).toBe('BATON_UNAUTHORIZED');
      const audit = await store.listAudit({ actor: self.record.id, limit: 10 });
      expect(audit.map((e) => [e.action, e.target, e.result])).toEqual([
        ['key.revoke', self.record.id, 'ok'],
        ['key.revoke', 'nosuchkey000', 'BATON_FORBIDDEN'],
        ['key.revoke', victim.record.id, 'BATON_FORBIDDEN'],
      ]);
    }
    // Reading and making keys stay an admin's.
    const viewer = newApiKey({ name: 'curious', role: 'viewer' }, Date.now());
    await store.createApiKey(viewer.record);
    expect((await call('GET', '/api/keys', viewer.token)).status).toBe(403);
    expect((await call('GET', `/api/keys/${viewer.record.id}`, viewer.token)).status).toBe(403);
  });

  it("answers an admin revoking another namespace's key exactly as for a key that does not exist", async () => {
    const theirs = newApiKey({ name: 'team-c ops', role: 'operator', namespace: 'team-c' }, Date.now());
    await store.createApiKey(theirs.record);
    const gone = newApiKey({ name: 'team-c old', role: 'operator', namespace: 'team-c' }, Date.now());
    await store.createApiKey(gone.record);
    await store.revokeApiKey(gone.record.id, Date.now());
    const answers = [];
    for (const id of [theirs.record.id, gone.record.id, 'nosuchkey123']) {
      const res = await call('DELETE', `/api/keys/${id}`, adminKey);
      answers.push({ status: res.status, text: res.text.replaceAll(id, '<id>') });
    }
    expect(answers[0]).toEqual({ status: 404, text: expect.stringContaining('BATON_KEY_NOT_FOUND') });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    // Still active, and still working.
    expect((await store.getApiKey(theirs.record.id))?.revokedAt).toBeUndefined();
    expect((await call('GET', '/api/runs', theirs.token)).status).toBe(200);
    const audit = await store.listAudit({ target: theirs.record.id, limit: 10 });
    expect(audit.map((e) => [e.namespace, e.action, e.result, e.detail ?? null])).toEqual([['default', 'key.revoke', 'BATON_KEY_NOT_FOUND', '{}']]);
  });

  it("keeps an admin to its own namespace's keys, and audits every change and refusal", async () => {
    // A namespace's first admin key is made on the server's host (baton keys create --db --namespace).
    const made0 = newApiKey({ name: 'team-b admin', role: 'admin', namespace: 'team-b' }, Date.now());
    await store.createApiKey(made0.record);
    const teamAdmin = { token: made0.token, key: { id: made0.record.id } };
    expect(await call('POST', '/api/keys', adminKey, { name: 'team-b ops', role: 'operator', namespace: 'team-b' })).toMatchObject({
      status: 403,
      body: { error: { code: 'BATON_FORBIDDEN' } },
    });
    // A key of another namespace is not the default admin's to see: it is team-b's.
    const ownList = (await call('GET', '/api/keys', teamAdmin.token)).body.keys as { name: string; namespace: string }[];
    expect(ownList.map((k) => k.namespace)).toEqual(['team-b']);
    expect((await call('GET', '/api/keys', adminKey)).body.keys.some((k: { namespace: string }) => k.namespace === 'team-b')).toBe(false);

    const made = await call('POST', '/api/keys', teamAdmin.token, { name: 'team-b ci', role: 'operator' });
    expect(made).toMatchObject({ status: 201, body: { key: { namespace: 'team-b' } } });
    expect(await call('POST', '/api/keys', teamAdmin.token, { name: 'escalate', role: 'admin', namespace: 'default' })).toMatchObject({
      status: 403,
      body: { error: { code: 'BATON_FORBIDDEN' } },
    });
    const rootId = parseApiKey(adminKey)!.id;
    expect((await call('DELETE', `/api/keys/${rootId}`, teamAdmin.token)).body.error.code).toBe('BATON_KEY_NOT_FOUND');
    expect((await call('GET', '/api/runs', adminKey)).status).toBe(200);
    expect((await call('DELETE', `/api/keys/${made.body.key.id}`, teamAdmin.token)).status).toBe(200);

    const audit = await store.listAudit({ namespace: 'team-b', limit: 10 });
    expect(audit.map((e) => [e.action, e.target, e.result])).toEqual([
      ['key.revoke', made.body.key.id, 'ok'],
      ['key.revoke', rootId, 'BATON_KEY_NOT_FOUND'],
      ['key.create', 'escalate', 'BATON_FORBIDDEN'],
      ['key.create', made.body.key.id, 'ok'],
    ]);
    expect(audit.every((e) => e.actor === teamAdmin.key.id)).toBe(true);
    expect(JSON.stringify(audit)).not.toContain(made.body.token.split('_').slice(2).join('_'));
  });

  it('is what ApiClient.keys does, on a real socket', async () => {
    const server = await startApiServer({ client: new Client({ store }), store });
    try {
      const api = new ApiClient({ url: server.url, key: adminKey });
      const { key, token } = await api.keys.create({ name: 'from client', role: 'operator' });
      expect(parseApiKey(token)?.id).toBe(key.id);
      expect((await api.keys.list()).map((k) => k.id)).toContain(key.id);
      expect((await api.keys.revoke(key.id)).revokedAt).toEqual(expect.any(String));
      await expect(api.keys.revoke(key.id)).rejects.toMatchObject({ code: 'BATON_KEY_NOT_FOUND' });
      await expect(new ApiClient({ url: server.url, key: operatorKey }).keys.list()).rejects.toMatchObject({ code: 'BATON_FORBIDDEN' });
      await expect(new ApiClient({ url: server.url }).keys.list()).rejects.toMatchObject({ code: 'BATON_UNAUTHORIZED' });
    } finally {
      await server.close();
    }
  });
});
