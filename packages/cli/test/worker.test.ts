/**
 * `baton run` against a `baton worker` in another process: results, signals, cancel, retry. The
 * commands go through the CLI's entry in process, but for the first case, which runs the real `baton`.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess, DatabaseReader, WORKFLOWS, baton, batonInProcess, expectOneErrorLine, tempDir } from './helpers.js';

const dir = tempDir();
const db = join(dir, 'baton.db');
let worker: CliProcess;
let reader: DatabaseReader;
const cli = batonInProcess;

beforeAll(async () => {
  worker = new CliProcess(['worker', '--db', db, '--workflows', WORKFLOWS]);
  await worker.waitForOutput('baton worker:');
  reader = await DatabaseReader.open(db);
});

afterAll(async () => {
  await reader?.close();
  const exit = await worker.stop('SIGTERM');
  expect(exit.code).toBe(0);
  expect(worker.stdout).toContain('stopped');
  rmSync(dir, { recursive: true, force: true });
});

describe('baton run with a worker in another process', { timeout: 60_000 }, () => {
  it('prints the output of a run it waits for', async () => {
    const result = await baton(['run', 'greet', '--db', db, '--input', '{"name":"ada","times":2}', '--wait']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ greeting: 'hello ADA ADA' });
    const id = /started run (\S+)/.exec(result.stderr)?.[1];
    expect(id).toBeDefined();
    await reader.waitForStatus(id ?? '', 'completed');
    await worker.waitForOutput(`✔ completed`);
  });

  it('prints just the run id without --wait', async () => {
    const result = await cli(['run', 'greet', '--db', db, '--input', '{"name":"bo","times":1}']);
    expect(result.code).toBe(0);
    const id = result.stdout.trim();
    const run = await reader.waitForStatus(id, 'completed');
    expect(run.output).toEqual({ greeting: 'hello BO' });
  });

  it('exits with 1 and the error code when the awaited run fails', async () => {
    const result = await cli(['run', 'always-fails', '--db', db, '--wait']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^started run /);
    expect(expectOneErrorLine({ ...result, stderr: lines.slice(1).join('\n') }, 'BATON_STEP_FAILED')).toContain('the doomed step always fails');
  });

  it('shows the steps a failed run undid', async () => {
    const result = await cli(['run', 'charge-then-fail', '--db', db, '--wait']);
    expect(result.code).toBe(1);
    const id = /^started run (\S+)/.exec(result.stderr)![1]!;
    const shown = await cli(['runs', 'show', id, '--db', db]);
    expect(shown.stdout).toMatch(/status\s+failed \(compensated\)/);
    expect(shown.stdout).toMatch(/undoes\s+#1 charge\n/);
    expect(shown.stdout).toMatch(/compensate:charge/);
  });

  it('lets the worker reject invalid input when the run was started without --workflows', async () => {
    const result = await cli(['run', 'greet', '--db', db, '--input', '{"name":"","times":-1}']);
    expect(result.code).toBe(0);
    const id = result.stdout.trim();
    const run = await reader.waitForStatus(id, 'failed');
    expect(run.error?.code).toBe('BATON_INVALID_INPUT');
    const shown = await cli(['runs', 'show', id, '--db', db]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/status\s+failed/);
    expect(shown.stdout).toContain('BATON_INVALID_INPUT');
    const json = JSON.parse((await cli(['runs', 'show', id, '--db', db, '--json'])).stdout) as { run: { error: { code: string } } };
    expect(json.run.error.code).toBe('BATON_INVALID_INPUT');
  });

  it('wakes a run waiting for a signal', async () => {
    const id = (await cli(['run', 'approval', '--db', db, '--input', '{"amount":120}'])).stdout.trim();
    const waiting = await reader.waitForStatus(id, 'waiting');
    expect(waiting.waitingFor?.signals).toEqual(['approve']);
    const shown = await cli(['runs', 'show', id, '--db', db]);
    expect(shown.stdout).toMatch(/waiting for\s+signal approve/);

    // Data that does not match the schema the workflow declares is refused, and nothing is stored.
    for (const data of ['{"by":""}', '{"who":"ann"}']) {
      const refused = await cli(['signal', id, 'approve', '--db', db, '--data', data]);
      expect(refused.code).toBe(1);
      expect(expectOneErrorLine(refused, 'BATON_INVALID_SIGNAL')).toMatch(/Invalid data for signal 'approve'.*by: .*Nothing was sent/);
    }
    const audit = await reader.audit({ action: 'run.signal', target: id });
    expect(audit.map((e) => [e.result, JSON.parse(e.detail ?? '{}')])).toEqual([
      ['BATON_INVALID_SIGNAL', { signal: 'approve', fields: ['by'] }],
      ['BATON_INVALID_SIGNAL', { signal: 'approve', fields: ['by'] }],
    ]);
    expect((await reader.run(id))?.status).toBe('waiting');

    const sent = await cli(['signal', id, 'approve', '--db', db, '--data', '{"by":"ann"}']);
    expect(sent.code).toBe(0);
    const run = await reader.waitForStatus(id, 'completed');
    expect(run.output).toEqual({ approvedBy: 'ann', amount: 120 });

    const journal = JSON.parse((await cli(['runs', 'show', id, '--db', db, '--json'])).stdout) as { journal: { kind: string; name: string }[] };
    expect(journal.journal.map((e) => `${e.kind}:${e.name}`)).toEqual(['step:request', 'signal:approve']);
  });

  it('cancels a waiting run, and refuses to cancel it twice', async () => {
    const id = (await cli(['run', 'approval', '--db', db, '--input', '{"amount":7}'])).stdout.trim();
    await reader.waitForStatus(id, 'waiting');
    const cancelled = await cli(['cancel', id, '--db', db, '--reason', 'not needed']);
    expect(cancelled.code).toBe(0);
    const run = await reader.waitForStatus(id, 'cancelled');
    expect(run.error?.message).toContain('not needed');

    const again = await cli(['cancel', id, '--db', db]);
    expect(again.code).toBe(1);
    expectOneErrorLine(again, 'BATON_RUN_FINISHED');
  });

  it('retries a failed run from its failed step', async () => {
    const flag = join(dir, 'flag');
    const id = (await cli(['run', 'needs-file', '--db', db, '--workflows', WORKFLOWS, '--input', JSON.stringify({ path: flag })])).stdout.trim();
    const failed = await reader.waitForStatus(id, 'failed');
    expect(failed.error?.message).toContain('is missing');

    writeFileSync(flag, 'present');
    expect(existsSync(flag)).toBe(true);
    const retried = await cli(['retry', id, '--db', db]);
    expect(retried.code).toBe(0);
    const run = await reader.waitForStatus(id, 'completed');
    expect(run.output).toEqual({ first: 'done once', second: 'file found' });

    const shown = JSON.parse((await cli(['runs', 'show', id, '--db', db, '--json'])).stdout) as {
      journal: { name: string; status: string; attempts: number }[];
    };
    // The step that had succeeded is not run again; only the failed one is.
    expect(shown.journal.map((e) => [e.name, e.status])).toEqual([
      ['first', 'completed'],
      ['check-file', 'completed'],
    ]);

    const notFailed = await cli(['resume', id, '--db', db]);
    expect(notFailed.code).toBe(1);
    expectOneErrorLine(notFailed, 'BATON_RUN_NOT_FAILED');
  });
});
