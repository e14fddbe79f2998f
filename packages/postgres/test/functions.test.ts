/**
 * Each PostgreSQL function in one place: functions/<name>.sql is the current definition of every
 * function the migrations leave in a schema, migrations name functions with `-- @function <name>`
 * lines, and no migration after the last one that predates the rule defines a function inline.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '@baton/postgres';
import { expandFunctionDirectives } from '../src/connection/function-directives.js';
import { POSTGRES_URL, freshSchema, runPostgresTests } from './test-database.js';

const FUNCTIONS_DIR = fileURLToPath(new URL('../functions/', import.meta.url));
const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

/** The last migration written before functions had files of their own; it and those before it define theirs inline. */
const LAST_INLINE_MIGRATION = 19;

/** The function files, by function name. */
function functionFiles(): Map<string, string> {
  return new Map(
    readdirSync(FUNCTIONS_DIR)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => [f.slice(0, -4), readFileSync(join(FUNCTIONS_DIR, f), 'utf8')]),
  );
}

/** A definition's body: the text between its dollar quotes, as PostgreSQL keeps it (pg_proc.prosrc). */
function bodyOf(definition: string): string {
  const match = /\bAS \$fn\$([\s\S]*)\$fn\$;/.exec(definition);
  if (match === null) throw new Error(`No $fn$ body in:\n${definition.slice(0, 200)}`);
  return match[1]!;
}

/** The functions of `schema` by name, with their bodies. */
async function schemaFunctions(client: pg.ClientBase, schema: string): Promise<Map<string, string>> {
  const { rows } = await client.query<{ name: string; body: string }>(
    'SELECT p.proname AS name, p.prosrc AS body FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1',
    [schema],
  );
  return new Map(rows.map((r) => [r.name, r.body]));
}

describe('function directives in migrations', () => {
  it('replaces a directive line with the function file and leaves the rest of the migration as it is', () => {
    const sql = 'ALTER TABLE runs ADD COLUMN x TEXT;\n-- @function duration_bin\nSELECT 1;\n';
    const expanded = expandFunctionDirectives(sql, '0020_example.sql');
    expect(expanded).toBe(`ALTER TABLE runs ADD COLUMN x TEXT;\n${functionFiles().get('duration_bin')}\nSELECT 1;\n`);
    expect(expandFunctionDirectives('-- a comment about @function names\nSELECT 1;', '0020_example.sql')).toBe('-- a comment about @function names\nSELECT 1;');
  });

  it('refuses a directive naming a function with no file, saying which migration and which name', () => {
    expect(() => expandFunctionDirectives('-- @function no_such_function\n', '0020_example.sql')).toThrow(
      /Migration 0020_example\.sql refers to the function 'no_such_function'.*no no_such_function\.sql/,
    );
    expect(() => expandFunctionDirectives('-- @function ../migrations/0001_init\n', '0020_example.sql')).toThrow(/refers to the function/);
    const dir = mkdtempSync(join(tmpdir(), 'baton-migrations-'));
    writeFileSync(join(dir, '0001_first.sql'), 'CREATE TABLE t (x int);\n-- @function apply_batch_2\n');
    expect(() => loadMigrations(`${dir}/`)).toThrow(/Migration 0001_first\.sql refers to the function 'apply_batch_2'/);
  });

  it('leaves the migrations that landed unchanged when it loads them', () => {
    const raw = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'));
    const loaded = loadMigrations();
    expect(loaded).toHaveLength(raw.length);
    for (const m of loaded.filter((l) => l.version <= LAST_INLINE_MIGRATION)) {
      const file = raw.find((f) => Number(f.slice(0, 4)) === m.version)!;
      expect(m.sql).toBe(readFileSync(join(MIGRATIONS_DIR, file), 'utf8'));
    }
  });

  it(`defines no function inline in a migration after ${LAST_INLINE_MIGRATION}: each refers to its file instead`, () => {
    const later = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}_.*\.sql$/.test(f) && Number(f.slice(0, 4)) > LAST_INLINE_MIGRATION);
    for (const file of later) {
      const code = readFileSync(join(MIGRATIONS_DIR, file), 'utf8')
        .split('\n')
        .filter((line) => !line.trimStart().startsWith('--'))
        .join('\n');
      expect(/CREATE\s+(OR\s+REPLACE\s+)?FUNCTION/i.test(code), `${file} defines a function inline: put it in functions/ and write -- @function <name>`).toBe(
        false,
      );
    }
  });
});

describe.runIf(runPostgresTests('the function file tests'))('function files against a migrated schema', () => {
  let pool: pg.Pool;
  let client: pg.PoolClient;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
    client = await pool.connect();
  });

  afterAll(async () => {
    client?.release();
    await pool?.end();
  });

  it('leaves in a fresh schema exactly the functions that have files, each with the body of its file', async () => {
    const schema = freshSchema();
    await migrate(client, schema, Date.now());
    const inDatabase = await schemaFunctions(client, schema);
    const files = functionFiles();
    expect([...inDatabase.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [name, definition] of files) expect(inDatabase.get(name), `the body of ${name}`).toBe(bodyOf(definition));
  });

  it('creates a function a migration names with a directive, in that migration', async () => {
    const schema = freshSchema();
    const sql = expandFunctionDirectives('CREATE TABLE example (x int);\n-- @function jsonb_or_null\n', '0001_example.sql');
    await migrate(client, schema, Date.now(), [{ version: 1, name: 'example', sql }]);
    const inDatabase = await schemaFunctions(client, schema);
    expect(inDatabase.get('jsonb_or_null')).toBe(bodyOf(functionFiles().get('jsonb_or_null')!));
  });
});
