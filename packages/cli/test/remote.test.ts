/**
 * The run, inspect and key commands against a real server (`baton dev` on a SQLite file, as a child
 * process) with --url/--key and with $BATON_URL/$BATON_KEY: the same output as with --db on that
 * file, and the server's refusals as one error line with its stable code. The commands go through the
 * CLI's entry in process; two run the real `baton` (`executable`), so the executable's way to a
 * server (with the flags, and with the environment) is shown as well.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess, WORKFLOWS, baton, batonInProcess, expectOneErrorLine, tempDir, waitFor, type CliResult } from './helpers.js';

const dir = tempDir();
const db = join(dir, 'remote.db');
let server: CliProcess;
let url = '';
let admin = '';
let viewer = '';

/** With the flags, or (how = 'env') with the environment only; in process, or with `executable` by the real `baton`. */
const remote = (args: string[], how: 'flags' | 'env' = 'flags', key = admin, cli = batonInProcess): Promise<CliResult> =>
  how === 'flags' ? cli([...args, '--url', url, '--key', key]) : cli(args, { env: { BATON_URL: url, BATON_KEY: key } });
const executable = baton;
const local = (args: string[]): Promise<CliResult> => batonInProcess([...args, '--db', db]);

async function ok(result: Promise<CliResult>): Promise<CliResult> {
  const done = await result;
  expect(done.code, done.stderr).toBe(0);
  return done;
}

async function statusOf(id: string): Promise<string> {
  const { stdout } = await ok(remote(['runs', 'show', id, '--json'], 'env'));
  return (JSON.parse(stdout) as { run: { status: string } }).run.status;
}

// The first command in process loads the CLI's modules: with the server's start, a while on a loaded machine.
beforeAll(async () => {
  admin = (await ok(local(['keys', 'create', '--name', 'remote admin', '--role', 'admin']))).stdout.trim();
  viewer = (await ok(local(['keys', 'create', '--name', 'remote viewer', '--role', 'viewer']))).stdout.trim();
  server = new CliProcess(['dev', '--db', db, '--workflows', WORKFLOWS, '--port', '0']);
  await server.waitForOutput('API on');
  url = /API on (http:\/\/127\.0\.0\.1:\d+)\/api/.exec(server.stdout)?.[1] ?? '';
  expect(url, server.stdout).not.toBe('');
}, 90_000);

afterAll(async () => {
  await server?.stop('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

describe('the CLI over HTTP', { timeout: 120_000 }, () => {
  it('runs, waits, shows, lists, signals and cancels through the server, printing what --db prints', async () => {
    const waited = await ok(remote(['run', 'greet', '--input', '{"name":"ada","times":2}', '--id', 'remote-greet', '--wait'], 'flags', admin, executable));
    expect(JSON.parse(waited.stdout)).toEqual({ greeting: 'hello ADA ADA' });
    expect(waited.stderr).toContain('started run remote-greet');

    for (const args of [
      ['runs', 'show', 'remote-greet'],
      ['runs', 'show', 'remote-greet', '--json'],
    ]) {
      const [viaServer, viaFile] = await Promise.all([ok(remote(args, 'env')), ok(local(args))]);
      expect(viaServer.stdout).toBe(viaFile.stdout);
    }

    expect((await ok(remote(['run', 'approval', '--input', '{"amount":7}', '--id', 'remote-approval'], 'env'))).stdout.trim()).toBe('remote-approval');
    await waitFor(async () => (await statusOf('remote-approval')) === 'waiting', { what: 'remote-approval to wait for its signal' });
    for (const args of [
      ['runs', 'list', '--json', '--status', 'waiting,completed'],
      ['runs', 'list', '--workflow', 'approval'],
      ['runs', 'list', '--limit', '1'],
    ]) {
      const [viaServer, viaFile] = await Promise.all([ok(remote(args)), ok(local(args))]);
      expect({ args, out: viaServer.stdout, err: viaServer.stderr }).toEqual({ args, out: viaFile.stdout, err: viaFile.stderr });
    }
    const listed = JSON.parse((await ok(remote(['runs', 'list', '--json', '--status', 'waiting,completed']))).stdout) as { id: string }[];
    expect(listed.map((r) => r.id)).toEqual(['remote-approval', 'remote-greet']);

    expect((await ok(remote(['signal', 'remote-approval', 'approve', '--data', '{"by":"remote"}']))).stdout.trim()).toBe(
      'sent signal approve to run remote-approval',
    );
    // --wait on a run that exists already: waits for it, by polling the server.
    const approved = await ok(remote(['run', 'approval', '--input', '{"amount":7}', '--id', 'remote-approval', '--wait'], 'env'));
    expect(JSON.parse(approved.stdout)).toEqual({ approvedBy: 'remote', amount: 7 });
    expect(approved.stderr).toContain('already exists; waiting for it');

    await ok(remote(['run', 'approval', '--input', '{"amount":1}', '--id', 'remote-cancel']));
    expect((await ok(remote(['cancel', 'remote-cancel', '--reason', 'not needed']))).stdout).toContain('run remote-cancel');
    await waitFor(async () => (await statusOf('remote-cancel')) === 'cancelled', { what: 'remote-cancel to be cancelled' });
  });

  it('retries and resumes, and reports a failed run or a refused operation as --db does', async () => {
    const failed = await remote(['run', 'always-fails', '--id', 'remote-fails', '--wait']);
    expect(failed.code).toBe(1);
    const again = await local(['run', 'always-fails', '--id', 'remote-fails', '--wait']);
    const lastLine = (r: CliResult) => r.stderr.trim().split('\n').at(-1);
    expect(lastLine(failed)).toBe(lastLine(again));
    expect(lastLine(failed)).toMatch(/^baton: error: .*the doomed step always fails/);

    expect((await ok(remote(['retry', 'remote-fails']))).stdout.trim()).toBe('run remote-fails queued again; a worker will pick it up');
    await waitFor(async () => (await statusOf('remote-fails')) === 'failed', { what: 'remote-fails to fail again' });
    expect((await ok(remote(['resume', 'remote-fails'], 'env'))).stdout).toContain('queued again');

    const notFailed = await remote(['resume', 'remote-greet']);
    expect(notFailed.code).toBe(1);
    expect(expectOneErrorLine(notFailed, 'BATON_RUN_NOT_FAILED')).toBe(expectOneErrorLine(await local(['resume', 'remote-greet']), 'BATON_RUN_NOT_FAILED'));

    const missing = await remote(['runs', 'show', 'no-such-run'], 'env', admin, executable);
    expect(missing.code).toBe(1);
    expect(expectOneErrorLine(missing, 'BATON_RUN_NOT_FOUND')).toBe(expectOneErrorLine(await local(['runs', 'show', 'no-such-run']), 'BATON_RUN_NOT_FOUND'));

    // The server checks input against its workflows' schemas.
    const invalid = await remote(['run', 'greet', '--input', '{"name":"x","times":0}']);
    expect(invalid.code).toBe(1);
    expect(expectOneErrorLine(invalid, 'BATON_INVALID_INPUT')).toContain('times');
  });

  it('manages API keys over HTTP with an admin key', async () => {
    const created = await ok(remote(['keys', 'create', '--name', 'remote ci', '--role', 'viewer']));
    const token = created.stdout.trim();
    expect(token).toMatch(/^bk_/);
    expect(created.stderr).toContain('shown only now');
    const id = token.split('_')[1] ?? '';

    const [viaServer, viaFile] = await Promise.all([ok(remote(['keys', 'list', '--json'], 'env')), ok(local(['keys', 'list', '--json']))]);
    expect(viaServer.stdout).toBe(viaFile.stdout);
    const keys = JSON.parse(viaServer.stdout) as { id: string; name: string }[];
    expect(keys.map((k) => k.name)).toEqual(['remote admin', 'remote viewer', 'remote ci']);
    expect(viaServer.stdout).not.toContain(token.split('_').slice(2).join('_'));
    expect((await ok(remote(['keys', 'list']))).stdout).toBe((await ok(local(['keys', 'list']))).stdout);

    expect((await ok(remote(['runs', 'list', '--json'], 'flags', token))).stdout).toMatch(/^\[/);
    expect((await ok(remote(['keys', 'revoke', id]))).stdout.trim()).toBe(`key ${id} revoked`);
    expectOneErrorLine(await remote(['runs', 'list'], 'flags', token), 'BATON_UNAUTHORIZED');
    const twice = await remote(['keys', 'revoke', id], 'env');
    expect(twice.code).toBe(1);
    expect(expectOneErrorLine(twice, 'BATON_KEY_NOT_FOUND')).toBe(expectOneErrorLine(await local(['keys', 'revoke', id]), 'BATON_KEY_NOT_FOUND'));
  });

  it('prints a bad, missing or too weak key as one error line and exits non-zero', async () => {
    for (const result of [
      await remote(['runs', 'list'], 'flags', 'bk_nope'),
      await remote(['runs', 'list'], 'env', 'bk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
      await batonInProcess(['runs', 'show', 'remote-greet', '--url', url]),
    ]) {
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expectOneErrorLine(result, 'BATON_UNAUTHORIZED');
    }
    for (const args of [
      ['cancel', 'remote-approval'],
      ['keys', 'list'],
    ]) {
      const result = await remote(args, 'flags', viewer);
      expect(result.code).toBe(1);
      expect(expectOneErrorLine(result, 'BATON_FORBIDDEN')).toContain('viewer');
    }
    // A viewer still reads.
    expect((await remote(['runs', 'show', 'remote-greet'], 'env', viewer)).code).toBe(0);
  });

  it('says clearly when the command line mixes the database and a server, or the server is not there', async () => {
    expectOneErrorLine(await batonInProcess(['runs', 'list', '--db', db, '--url', url]), 'BATON_INVALID_ARGUMENT');
    expectOneErrorLine(await batonInProcess(['runs', 'list', '--db', db, '--key', admin]), 'BATON_INVALID_ARGUMENT');
    expectOneErrorLine(await batonInProcess(['runs', 'list', '--url', 'localhost:7070']), 'BATON_INVALID_ARGUMENT');
    // $BATON_KEY alone (what baton dev suggests exporting for curl) leaves the database commands as they are.
    const withKeyOnly = await batonInProcess(['runs', 'list', '--json', '--db', db], { env: { BATON_KEY: admin } });
    expect(withKeyOnly.code, withKeyOnly.stderr).toBe(0);
    // --db wins over $BATON_URL.
    expect((await batonInProcess(['runs', 'list', '--json', '--db', db], { env: { BATON_URL: 'http://127.0.0.1:9' } })).code).toBe(0);
    const down = await batonInProcess(['runs', 'list', '--url', 'http://127.0.0.1:9', '--key', admin]);
    expect(down.code).toBe(1);
    expectOneErrorLine(down, 'BATON_UNAVAILABLE');
  });
});
