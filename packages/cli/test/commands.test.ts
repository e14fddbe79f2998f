/**
 * `baton run` validation, idempotent ids, `baton runs list` filters and the database default. No worker
 * runs here; one ran on each database once (registering the fixture workflows in its catalog). The
 * cases go through the CLI's entry in process; the working-directory default runs the executable.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOWS, baton, batonInProcess, expectOneErrorLine, registerFixtureWorkflows, tempDir } from './helpers.js';

interface ListedRun {
  id: string;
  workflow: string;
  status: string;
}

const dir = tempDir();
const db = join(dir, 'baton.db');

beforeAll(() => registerFixtureWorkflows(db));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = batonInProcess;

async function list(...args: string[]): Promise<ListedRun[]> {
  const result = await cli(['runs', 'list', '--db', db, '--json', ...args]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ListedRun[];
}

describe('baton run --workflows', () => {
  it('rejects invalid input in one line and creates no run', async () => {
    const result = await cli(['run', 'greet', '--db', db, '--workflows', WORKFLOWS, '--input', '{"name":"x","times":0}']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(expectOneErrorLine(result, 'BATON_INVALID_INPUT')).toContain('times');
    expect(await list()).toEqual([]);
  });

  it('rejects a workflow the module does not export', async () => {
    const result = await cli(['run', 'gret', '--db', db, '--workflows', WORKFLOWS]);
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result, 'BATON_WORKFLOW_NOT_FOUND')).toContain('greet');
    expect(await list()).toEqual([]);
  });

  it('creates the run once for a given --id', async () => {
    const input = ['--input', '{"name":"x","times":1}'];
    const first = await cli(['run', 'greet', '--db', db, '--workflows', WORKFLOWS, '--id', 'order-42', ...input]);
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toBe('order-42');
    const second = await cli(['run', 'greet', '--db', db, '--id', 'order-42', ...input]);
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe('order-42');
    expect(second.stderr).toContain('already exists');
    expect((await list()).filter((r) => r.id === 'order-42')).toHaveLength(1);
  });
});

describe('baton run without --workflows', () => {
  it('refuses a workflow no worker has registered on the database, in one line, and creates no run', async () => {
    const fresh = join(dir, 'fresh.db');
    const refused = await cli(['run', 'greet', '--db', fresh, '--input', '{"name":"x","times":1}']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(expectOneErrorLine(refused, 'BATON_WORKFLOW_NOT_FOUND')).toContain("'greet'");
    expect((await cli(['run', 'gret', '--db', db])).stderr).toContain('BATON_WORKFLOW_NOT_FOUND');
    const listed = await cli(['runs', 'list', '--db', fresh, '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([]);
    // Once a worker with the workflow has started on the database, the same command starts a run.
    await registerFixtureWorkflows(fresh);
    const started = await cli(['run', 'greet', '--db', fresh, '--input', '{"name":"x","times":1}']);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout.trim()).not.toBe('');
  });
});

describe('baton runs list', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    for (const [key, args] of [
      ['g1', ['greet', '--input', '{"name":"a","times":1}']],
      ['g2', ['greet', '--input', '{"name":"Bertha","times":1}', '--tag', 'vip', '--tag', 'eu']],
      ['a1', ['approval', '--input', '{"amount":1}']],
    ] as const) {
      const result = await cli(['run', ...args, '--db', db, '--id', `list-${key}`]);
      expect(result.code, result.stderr).toBe(0);
      ids[key] = result.stdout.trim();
    }
    // No worker runs here, so a queued run is cancelled at once.
    expect((await cli(['cancel', ids.a1 ?? '', '--db', db])).stdout).toContain('cancelled');
  });

  it('lists runs as JSON, newest first', async () => {
    const runs = await list();
    expect(runs.slice(0, 3).map((r) => r.id)).toEqual([ids.a1, ids.g2, ids.g1]);
    expect(runs.find((r) => r.id === ids.a1)?.status).toBe('cancelled');
  });

  it('filters by workflow, status and limit', async () => {
    expect((await list('--workflow', 'approval')).map((r) => r.id)).toEqual([ids.a1]);
    expect((await list('--status', 'cancelled')).map((r) => r.id)).toEqual([ids.a1]);
    const queued = await list('--workflow', 'greet', '--status', 'queued,running');
    expect(queued.map((r) => r.id)).toEqual(expect.arrayContaining([ids.g1, ids.g2]));
    expect(queued.every((r) => r.workflow === 'greet')).toBe(true);
    expect(await list('--limit', '1')).toHaveLength(1);
  });

  it('filters by tag and by text in the id or input', async () => {
    expect((await list('--tag', 'vip')).map((r) => r.id)).toEqual([ids.g2]);
    expect((await list('--tag', 'eu', '--workflow', 'greet')).map((r) => r.id)).toEqual([ids.g2]);
    expect(await list('--tag', 'nope')).toEqual([]);
    expect((await list('--search', 'BERTHA')).map((r) => r.id)).toEqual([ids.g2]);
    expect((await list('--search', 'list-a1')).map((r) => r.id)).toEqual([ids.a1]);
  });

  it('prints a table by default, and `baton runs` alone lists too', async () => {
    for (const args of [['runs', 'list'], ['runs']]) {
      const result = await cli([...args, '--db', db, '--workflow', 'greet']);
      expect(result.code).toBe(0);
      const [header, ...rows] = result.stdout.trim().split('\n');
      expect(header).toMatch(/^ID\s+WORKFLOW\s+STATUS\s+CREATED\s+UPDATED$/);
      expect(rows.some((row) => row.startsWith(`${ids.g1} `) && row.includes('queued'))).toBe(true);
    }
  });

  it('rejects an unknown status', async () => {
    const result = await cli(['runs', 'list', '--db', db, '--status', 'done']);
    expect(result.code).toBe(2);
    expectOneErrorLine(result, 'BATON_INVALID_ARGUMENT');
  });
});

describe('the database location', () => {
  it('comes from BATON_DB when --db is not given', async () => {
    const envDb = join(dir, 'env', 'from-env.db');
    await registerFixtureWorkflows(envDb);
    const started = await cli(['run', 'greet', '--input', '{"name":"e","times":1}'], { env: { BATON_DB: envDb } });
    expect(started.code, started.stderr).toBe(0);
    const listed = await cli(['runs', 'list', '--json'], { env: { BATON_DB: envDb } });
    expect((JSON.parse(listed.stdout) as ListedRun[]).map((r) => r.id)).toEqual([started.stdout.trim()]);
    const explicit = await cli(['runs', 'show', started.stdout.trim(), '--db', envDb]);
    expect(explicit.code).toBe(0);
  });

  it('lets --db win over BATON_DB', async () => {
    const elsewhere = join(dir, 'elsewhere', 'other.db');
    const result = await cli(['runs', 'list', '--db', db, '--json'], { env: { BATON_DB: elsewhere } });
    expect(result.code).toBe(0);
    expect(existsSync(elsewhere)).toBe(false);
  });

  it('defaults to .baton/baton.db in the working directory', async () => {
    const cwd = join(dir, 'cwd');
    mkdirSync(cwd);
    const refused = await cli(['run', 'greet', '--input', '{"name":"d","times":1}'], { cwd });
    expect(refused.stderr).toContain('BATON_WORKFLOW_NOT_FOUND');
    expect(existsSync(join(cwd, '.baton', 'baton.db'))).toBe(true);
    await registerFixtureWorkflows(join(cwd, '.baton', 'baton.db'));
    const result = await baton(['run', 'greet', '--input', '{"name":"d","times":1}'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    const listed = await cli(['runs', 'list', '--json'], { cwd });
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: result.stdout.trim(), workflow: 'greet' })]);
  });
});
