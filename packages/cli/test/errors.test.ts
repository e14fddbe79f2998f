/**
 * Bad command lines and failing operations: one line on stderr, no stack trace, the right exit code.
 * The cases go through the CLI's entry in process; the one marked `executable` (a usage error) and the
 * version run the real `baton` so its exit codes and output are shown too.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, WORKFLOWS, baton, batonInProcess, expectOneErrorLine, registerFixtureWorkflows, tempDir } from './helpers.js';

const dir = tempDir();
const db = join(dir, 'baton.db');
let queuedId = '';

afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  await registerFixtureWorkflows(db);
  const result = await batonInProcess(['run', 'greet', '--db', db, '--input', '{"name":"q","times":1}']);
  expect(result.code, result.stderr).toBe(0);
  queuedId = result.stdout.trim();
});

const cases: { name: string; args: () => string[]; exit: number; code: string; says?: string; executable?: true }[] = [
  { name: 'an unknown command', args: () => ['frobnicate'], exit: 2, code: 'BATON_INVALID_ARGUMENT', says: "unknown command 'frobnicate'", executable: true },
  { name: 'a deploy without files', args: () => ['deploy', '--db', db], exit: 2, code: 'BATON_INVALID_ARGUMENT', says: 'missing FILE' },
  { name: 'an unknown top-level flag', args: () => ['--verbose'], exit: 2, code: 'BATON_INVALID_ARGUMENT', says: 'unknown option --verbose' },
  { name: 'an unknown flag', args: () => ['runs', 'list', '--db', db, '--colour'], exit: 2, code: 'BATON_INVALID_ARGUMENT', says: 'unknown option --colour' },
  { name: 'an unknown runs subcommand', args: () => ['runs', 'delete'], exit: 2, code: 'BATON_INVALID_ARGUMENT' },
  { name: 'a flag without its value', args: () => ['run', 'greet', '--db', db, '--input'], exit: 2, code: 'BATON_INVALID_ARGUMENT', says: '--input' },
  { name: 'a missing workflow name', args: () => ['run', '--db', db], exit: 2, code: 'BATON_INVALID_ARGUMENT', says: 'missing WORKFLOW' },
  { name: 'a missing signal name', args: () => ['signal', queuedId, '--db', db], exit: 2, code: 'BATON_INVALID_ARGUMENT', says: 'missing NAME' },
  { name: 'an extra argument', args: () => ['cancel', queuedId, 'now', '--db', db], exit: 2, code: 'BATON_INVALID_ARGUMENT', says: "'now'" },
  {
    name: 'invalid JSON in --input',
    args: () => ['run', 'greet', '--db', db, '--input', '{name:'],
    exit: 2,
    code: 'BATON_INVALID_ARGUMENT',
    says: '--input is not valid JSON',
  },
  {
    name: 'invalid JSON in --data',
    args: () => ['signal', queuedId, 'approve', '--db', db, '--data', 'yes'],
    exit: 2,
    code: 'BATON_INVALID_ARGUMENT',
    says: '--data',
  },
  { name: 'an invalid run id', args: () => ['run', 'greet', '--db', db, '--id', 'no spaces please'], exit: 2, code: 'BATON_INVALID_ARGUMENT' },
  { name: 'a zero concurrency', args: () => ['worker', '--db', db, '--workflows', WORKFLOWS, '--concurrency', '0'], exit: 2, code: 'BATON_INVALID_ARGUMENT' },
  {
    name: 'an unknown durability',
    args: () => ['dev', '--db', db, '--workflows', WORKFLOWS, '--durability', 'eventual'],
    exit: 2,
    code: 'BATON_INVALID_ARGUMENT',
  },
  { name: 'a worker without workflows', args: () => ['worker', '--db', db], exit: 2, code: 'BATON_INVALID_ARGUMENT', says: '--workflows' },
  { name: 'an unknown run id', args: () => ['runs', 'show', 'no-such-run', '--db', db], exit: 1, code: 'BATON_RUN_NOT_FOUND', says: 'no-such-run' },
  { name: 'a signal to an unknown run', args: () => ['signal', 'no-such-run', 'approve', '--db', db], exit: 1, code: 'BATON_RUN_NOT_FOUND' },
  { name: 'a retry of a run that did not fail', args: () => ['retry', queuedId, '--db', db], exit: 1, code: 'BATON_RUN_NOT_FAILED' },
  {
    name: 'a missing database',
    args: () => ['runs', 'list', '--db', join(dir, 'missing.db')],
    exit: 1,
    code: 'BATON_DATABASE_NOT_FOUND',
  },
  {
    name: 'a missing workflows module',
    args: () => ['run', 'greet', '--db', db, '--workflows', join(dir, 'nope.ts')],
    exit: 1,
    code: 'BATON_WORKFLOWS_LOAD_FAILED',
  },
  {
    name: 'a module without workflows',
    args: () => ['worker', '--db', db, '--workflows', join(FIXTURES, 'no-workflows.ts')],
    exit: 1,
    code: 'BATON_WORKFLOWS_LOAD_FAILED',
    says: 'exports no workflows',
  },
  {
    name: 'a module that throws while loading',
    args: () => ['run', 'greet', '--db', db, '--workflows', join(FIXTURES, 'broken.ts')],
    exit: 1,
    code: 'BATON_WORKFLOWS_LOAD_FAILED',
    says: 'broken on purpose second line',
  },
];

describe('errors', () => {
  it.each(cases)('reports $name in one line', async ({ args, exit, code, says, executable }) => {
    const result = executable === true ? await baton(args()) : await batonInProcess(args());
    expect(result.code).toBe(exit);
    expect(result.stdout).toBe('');
    const line = expectOneErrorLine(result, code);
    if (says !== undefined) expect(line).toContain(says);
  });
});

describe('help and version', () => {
  it('prints the commands', async () => {
    const result = await batonInProcess(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['dev', 'worker', 'run', 'runs list', 'runs show', 'signal', 'cancel', 'retry', 'resume']) {
      expect(result.stdout).toContain(`  ${command} `);
    }
  });

  it('prints the help of each command', async () => {
    for (const args of [
      ['run', '--help'],
      ['runs', 'show', '--help'],
      ['help', 'worker'],
      ['runs', '--help'],
    ]) {
      const result = await batonInProcess(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Usage: baton /);
    }
  });

  it('prints the version', async () => {
    const result = await baton(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
