/**
 * Definitions from the command line: `baton run FILE` in an engine of its
 * own; `baton deploy` through a server (`baton start`) to a running `baton worker` that loads each
 * new version without a restart; `--workflows` with definition files and folders; invalid files
 * stopping a start with every issue printed. The worker and the server are child processes; the
 * commands go through the CLI's entry in process, but for a run of a file and a deploy, which run the
 * real `baton`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliProcess, DatabaseReader, baton, batonInProcess, tempDir, type CliResult } from './helpers.js';

const dir = tempDir();
const processes: CliProcess[] = [];
const cli = batonInProcess;

function definition(name: string, version: string, greeting: string): string {
  return `document:
  dsl: '1.0.0'
  namespace: cli
  name: ${name}
  version: '${version}'
do:
  - hello:
      set:
        greeting: ${greeting}
`;
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

async function ok(result: Promise<CliResult>): Promise<CliResult> {
  const done = await result;
  expect(done.code, done.stderr).toBe(0);
  return done;
}

function start(args: string[]): CliProcess {
  const child = new CliProcess(args);
  processes.push(child);
  return child;
}

afterAll(async () => {
  for (const child of processes) await child.stop('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

describe('definitions from the CLI', { timeout: 120_000 }, () => {
  it('runs a definition file in an engine of its own and prints its output; keeps the run with --db', async () => {
    const flow = file('run/flow.yaml', definition('hello', '1.0.0', 'hi'));
    const once = await ok(baton(['run', flow, '--input', '{"who":"ada"}']));
    expect(JSON.parse(once.stdout)).toEqual({ greeting: 'hi' });
    expect(once.stderr).toMatch(/started run \S+ of cli\.hello 1\.0\.0/);

    const db = join(dir, 'run/kept.db');
    const kept = await ok(cli(['run', flow, '--db', db, '--id', 'kept-run', '--wait']));
    expect(JSON.parse(kept.stdout)).toEqual({ greeting: 'hi' });
    const reader = await DatabaseReader.open(db);
    try {
      expect(await reader.run('kept-run')).toMatchObject({ workflow: 'cli.hello', version: '1.0.0', status: 'completed' });
    } finally {
      await reader.close();
    }
  });

  it('prints a failed run of a definition file as the DSL error object on stderr and exits 1', async () => {
    const failing = file(
      'run/failing.yaml',
      `document: { dsl: '1.0.0', namespace: cli, name: failing, version: '1.0.0' }
do:
  - refuse:
      raise:
        error: { type: 'https://example.com/errors/too-big', status: 422, title: Too big, detail: '\${ "n is \\(.n)" }' }
`,
    );
    const failed = await cli(['run', failing, '--input', '{"n":30}', '--wait']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    const lines = failed.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^started run \S+ of cli\.failing 1\.0\.0$/);
    expect(JSON.parse(lines.slice(1).join('\n'))).toEqual({
      type: 'https://example.com/errors/too-big',
      status: 422,
      title: 'Too big',
      detail: 'n is 30',
      instance: '/do/0/refuse',
    });
  });

  it('refuses an invalid file with its issues (exit 1) and wrong runtime flags (exit 2)', async () => {
    const bad = file('bad/broken.yaml', 'document: [unclosed');
    const refused = await cli(['run', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('BATON_INVALID_DEFINITION');
    expect(refused.stderr).toContain(bad);
    const flow = file('run/flow2.yaml', definition('hello2', '1', 'x'));
    expect((await cli(['run', flow, '--dsl-host', 'nonsense'])).code).toBe(2);
    expect((await cli(['run', flow, '--url', 'http://127.0.0.1:1'])).code).toBe(2);
    const worker = await cli(['worker', '--db', join(dir, 'bad/w.db'), '--workflows', join(dir, 'bad')]);
    expect(worker.code).toBe(1);
    expect(worker.stderr).toContain('BATON_INVALID_DEFINITION');
  });

  it('deploys through a server to a running worker, which runs each new version without a restart', async () => {
    const db = join(dir, 'hot/hot.db');
    const admin = (await ok(cli(['keys', 'create', '--name', 'deployer', '--role', 'admin', '--db', db]))).stdout.trim();
    // The worker runs a definition folder from the start; deployed versions come later.
    file('hot/flows/base.yaml', definition('base', '1.0.0', 'base'));
    const worker = start(['worker', '--db', db, '--workflows', join(dir, 'hot/flows'), '--dsl-host', 'example.com=http://127.0.0.1:9']);
    await worker.waitForOutput('baton worker: cli.base');
    const server = start(['start', '--db', db, '--port', '0']);
    await server.waitForOutput('API on');
    const url = /API on (http:\/\/127\.0\.0\.1:\d+)\/api/.exec(server.stdout)?.[1] ?? '';
    const remote = (args: string[], run = cli): Promise<CliResult> => run([...args, '--url', url, '--key', admin]);

    const v1 = file('hot/deploy/hot.yaml', definition('hot', '1.0.0', 'first'));
    expect((await ok(remote(['deploy', v1], baton))).stdout.trim()).toBe('deployed cli.hot 1.0.0');
    expect((await ok(remote(['deploy', v1]))).stdout.trim()).toBe('unchanged cli.hot 1.0.0');
    const first = await ok(remote(['run', 'cli.hot', '--wait', '--timeout', '60000']));
    expect(JSON.parse(first.stdout)).toEqual({ greeting: 'first' });

    const changed = file('hot/deploy/changed.yaml', definition('hot', '1.0.0', 'sneaky'));
    const conflict = await remote(['deploy', changed]);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('BATON_DEFINITION_EXISTS');

    const v2 = file('hot/deploy/hot-2.yaml', definition('hot', '2.0.0', 'second'));
    const invalid = file('hot/deploy/invalid.yaml', 'document: [unclosed');
    const both = await remote(['deploy', v2, invalid]);
    expect(both.code).toBe(1);
    expect(both.stdout.trim()).toBe('deployed cli.hot 2.0.0');
    expect(both.stderr).toContain(`${invalid}: not deployed, the definition is not valid`);
    const second = await ok(remote(['run', 'cli.hot', '--wait', '--timeout', '60000', '--id', 'second-run']));
    expect(JSON.parse(second.stdout)).toEqual({ greeting: 'second' });
    const shown = JSON.parse((await ok(remote(['runs', 'show', 'second-run', '--json']))).stdout) as { run: { version: string } };
    expect(shown.run.version).toBe('2.0.0');
    expect(JSON.parse((await ok(remote(['run', 'cli.base', '--wait', '--timeout', '60000']))).stdout)).toEqual({ greeting: 'base' });

    // Deploying into the database directly works the same way.
    const v3 = file('hot/deploy/hot-3.yaml', definition('hot', '3.0.0', 'third'));
    expect((await ok(cli(['deploy', v3, '--db', db]))).stdout.trim()).toBe('deployed cli.hot 3.0.0');
    expect(JSON.parse((await ok(remote(['run', 'cli.hot', '--wait', '--timeout', '60000']))).stdout)).toEqual({ greeting: 'third' });
    expect(worker.stderr).not.toMatch(/"level":(50|60)/);
  });
});
