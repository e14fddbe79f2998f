/**
 * `baton keys`: a key is printed once, listed without its secret, and refused once revoked. The key is
 * created by the real `baton`; the other commands go through the CLI's entry in process.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client, parseApiKey, verifyApiKey } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { baton, batonInProcess, tempDir } from './helpers.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('baton keys', { timeout: 60_000 }, () => {
  it('creates, lists and revokes API keys', async () => {
    const db = join(dir, 'keys.db');
    const created = await baton(['keys', 'create', '--name', 'ci deploys', '--role', 'operator', '--db', db]);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    const parsed = parseApiKey(token);
    expect(parsed).toBeDefined();
    expect(created.stderr).toContain('shown only now');

    const listed = await batonInProcess(['keys', 'list', '--json', '--db', db]);
    const keys = JSON.parse(listed.stdout) as { id: string; name: string; role: string; revokedAt?: number }[];
    expect(keys).toEqual([expect.objectContaining({ id: parsed!.id, name: 'ci deploys', role: 'operator', namespace: 'default' })]);
    expect(listed.stdout).not.toContain(parsed!.secret);

    const store = new SqliteStore({ path: db });
    await store.init();
    try {
      expect(verifyApiKey((await store.getApiKey(parsed!.id))!, parsed!.secret)).toBe(true);
      expect((await batonInProcess(['keys', 'revoke', parsed!.id, '--db', db])).stdout).toContain('revoked');
      expect(verifyApiKey((await store.getApiKey(parsed!.id))!, parsed!.secret)).toBe(false);
      expect(await new Client({ store }).list()).toEqual({ runs: [] });
    } finally {
      await store.close();
    }
    expect((await batonInProcess(['keys', 'revoke', parsed!.id, '--db', db])).code).toBe(1);
    expect((await batonInProcess(['keys', 'create', '--name', 'x', '--role', 'root', '--db', db])).code).not.toBe(0);

    // Changes made on the database are audited like the API's, under the operating-system user.
    const audited = new SqliteStore({ path: db });
    await audited.init();
    try {
      const entries = await audited.listAudit({ limit: 10 });
      expect(entries.map((e) => `${e.action} ${e.target} ${e.result}`)).toEqual([
        `key.revoke ${parsed!.id} BATON_KEY_NOT_FOUND`,
        `key.revoke ${parsed!.id} ok`,
        `key.create ${parsed!.id} ok`,
      ]);
      expect(entries.every((e) => e.actor.startsWith('cli:'))).toBe(true);
    } finally {
      await audited.close();
    }
  });

  it('makes keys that may act in further namespaces, or every namespace, and lists them', async () => {
    const db = join(dir, 'also.db');
    const made = await batonInProcess([
      'keys',
      'create',
      '--name',
      'support',
      '--role',
      'viewer',
      '--namespace',
      'team-a',
      '--also',
      'team-b,team-c',
      '--also',
      'team-d',
      '--db',
      db,
    ]);
    expect(made.code).toBe(0);
    const all = await batonInProcess(['keys', 'create', '--name', 'platform', '--role', 'admin', '--also', '*', '--db', db]);
    expect(all.code).toBe(0);
    expect((await batonInProcess(['keys', 'create', '--name', 'bad', '--role', 'viewer', '--also', 'no#good', '--db', db])).code).not.toBe(0);
    expect((await batonInProcess(['keys', 'create', '--name', 'empty', '--role', 'viewer', '--also', 'a,,b', '--db', db])).code).not.toBe(0);
    const listed = JSON.parse((await batonInProcess(['keys', 'list', '--json', '--db', db])).stdout) as {
      name: string;
      namespace: string;
      namespaces?: string[];
    }[];
    expect(listed.map((k) => [k.name, k.namespace, k.namespaces])).toEqual([
      ['support', 'team-a', ['team-b', 'team-c', 'team-d']],
      ['platform', 'default', ['*']],
    ]);
    const table = (await batonInProcess(['keys', 'list', '--db', db])).stdout;
    expect(table).toContain('ALSO');
    expect(table).toContain('team-b,team-c,team-d');
  });
});
