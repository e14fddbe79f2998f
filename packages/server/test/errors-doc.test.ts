/**
 * docs/errors.md lists every status and code the API answers with, and nothing else: its HTTP table
 * is checked against the server's status map, and every code the server's sources name is in both.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ApiErrorCode, AuthErrorCode, ERROR_STATUS } from '@baton/server';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const doc = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
const http = doc.slice(doc.indexOf('## Over HTTP'));
const documented = [...http.matchAll(/^\| (\d{3}) \| `(BATON_[A-Z_]+)` \|/gm)].map((m) => [m[2]!, Number(m[1])] as const);

/** Every source file of the server, but the client of the API (whose codes are its own). */
function serverSources(dir = join(ROOT, 'packages/server/src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? serverSources(join(dir, entry.name)) : entry.name.endsWith('.ts') && entry.name !== 'api-client.ts' ? [join(dir, entry.name)] : [],
  );
}

describe('docs/errors.md', () => {
  it('lists every code of the status map with its status, and only those', () => {
    expect(documented.length).toBeGreaterThan(20);
    expect(Object.fromEntries(documented)).toEqual(ERROR_STATUS);
    expect(new Set(documented.map(([code]) => code)).size).toBe(documented.length);
  });

  it('covers every code the server names', () => {
    const named = new Set<string>([...Object.values(ApiErrorCode), ...Object.values(AuthErrorCode)]);
    for (const file of serverSources()) for (const m of readFileSync(file, 'utf8').matchAll(/'(BATON_[A-Z_]+)'/g)) named.add(m[1]!);
    for (const code of named) expect(ERROR_STATUS[code], code).toBeDefined();
  });
});
