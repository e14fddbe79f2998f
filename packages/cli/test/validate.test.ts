/**
 * `baton validate` (the first case as a child process, the others through the CLI's entry in process):
 * files and folders, issues on stderr, --json, exit codes 0/1/2.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { baton, batonInProcess, expectOneErrorLine, tempDir } from './helpers.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const definition = (name: string, body: string): string => `document:
  dsl: '1.0.3'
  namespace: tests
  name: ${name}
  version: '2.0.0'
do:
${body}`;

function write(relative: string, text: string): string {
  const path = join(dir, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const greet = write('flows/greet.yaml', definition('greet', '  - hello:\n      set:\n        message: ${ "hello " + .name }\n'));
const json = write(
  'flows/nested/order.json',
  JSON.stringify(
    { document: { dsl: '1.0.3', namespace: 'tests', name: 'order', version: '1.0.0' }, do: [{ total: { set: { sum: '${ .a + .b }' } } }] },
    null,
    2,
  ),
);
write('broken/broken.yml', definition('broken', '  - first:\n      set:\n        a: 1\n      then: missing\n  - first:\n      set:\n        b: ${ .a | | }\n'));
write('flows/notes.txt', 'not a definition');

describe('baton validate', () => {
  it('prints ok per valid file and exits 0', async () => {
    const result = await baton(['validate', greet, json]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([`ok ${greet} (tests.greet 2.0.0)`, `ok ${json} (tests.order 1.0.0)`]);
  });

  it('validates every definition file in a folder, recursively', async () => {
    const result = await batonInProcess(['validate', 'flows'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(['ok flows/greet.yaml (tests.greet 2.0.0)', 'ok flows/nested/order.json (tests.order 1.0.0)']);
  });

  it('prints each issue of an invalid file on stderr and exits 1', async () => {
    const result = await batonInProcess(['validate', 'flows/greet.yaml', 'broken/broken.yml'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toBe('ok flows/greet.yaml (tests.greet 2.0.0)');
    expect(result.stderr.trim().split('\n')).toEqual([
      "broken/broken.yml:10:13  /do/0/first/then  then 'missing' names no task of the same list (the tasks of this list are first): use one of them, or continue, exit or end",
      "broken/broken.yml:11:5  /do/1/first  task name 'first' is used twice in /do: rename one (names are unique within a task list)",
      'broken/broken.yml:13:12  /do/1/first/set/b  "${ .a | | }" is not valid jq: syntax error, unexpected \'|\'',
    ]);
  });

  it('--json prints every file with its issues on stdout', async () => {
    const result = await batonInProcess(['validate', '--json', 'flows/greet.yaml', 'broken/broken.yml'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const reports = JSON.parse(result.stdout) as {
      file: string;
      valid: boolean;
      workflow?: string;
      issues: { kind: string; line: number; column: number; path: string }[];
    }[];
    expect(reports.map((report) => [report.file, report.valid, report.workflow])).toEqual([
      ['flows/greet.yaml', true, 'tests.greet'],
      ['broken/broken.yml', false, undefined],
    ]);
    expect(reports[1]?.issues.map((issue) => `${issue.kind} ${issue.line}:${issue.column} ${issue.path}`)).toEqual([
      'reference 10:13 /do/0/first/then',
      'duplicate 11:5 /do/1/first',
      'expression 13:12 /do/1/first/set/b',
    ]);
  });

  it('exits 2 on a wrong command line: no file, a missing file, an unknown option', async () => {
    const none = await batonInProcess(['validate']);
    expect(none.code).toBe(2);
    expect(expectOneErrorLine(none, 'BATON_INVALID_ARGUMENT')).toContain('missing FILE');
    const missing = await batonInProcess(['validate', greet, join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(expectOneErrorLine(missing, 'BATON_INVALID_ARGUMENT')).toContain(`no such file or folder: ${join(dir, 'nope.yaml')}`);
    const unknown = await batonInProcess(['validate', '--strict', greet]);
    expect(unknown.code).toBe(2);
    expect(expectOneErrorLine(unknown, 'BATON_INVALID_ARGUMENT')).toContain('unknown option --strict');
  });

  it('is listed in the help', async () => {
    const help = await batonInProcess(['--help']);
    expect(help.stdout).toMatch(/^ {2}validate +check workflow definitions/m);
    const own = await batonInProcess(['validate', '--help']);
    expect(own.code).toBe(0);
    expect(own.stdout).toContain('Usage: baton validate FILE... [--json]');
  });
});
