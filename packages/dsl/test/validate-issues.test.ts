/** Each kind of issue, at its exact line, column and JSON pointer, with a message that says what to change. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DefinitionError, INVALID_DEFINITION, formatIssues, loadDefinitionFile, parseDefinition, type DefinitionIssue } from '@baton/dsl';

const header = `document:
  dsl: '1.0.3'
  namespace: tests
  name: broken
  version: '1.0.0'
`;

async function issuesOf(text: string, file = 'broken.yaml'): Promise<DefinitionIssue[]> {
  const result = await parseDefinition(text, { file });
  expect(result.ok).toBe(false);
  return result.issues;
}

/** `line:column path kind` of each issue, the part the tests pin exactly. */
const places = (issues: DefinitionIssue[]): string[] => issues.map((issue) => `${issue.line}:${issue.column} ${issue.path} ${issue.kind}`);

describe('definition issues', () => {
  it('duplicate names and then targets that name no task of the same list', async () => {
    const issues = await issuesOf(`${header}do:
  - first:
      set:
        a: 1
      then: third
  - first:
      switch:
        - low:
            when: .a < 2
            then: inner
        - other:
            then: exit
  - nested:
      do:
        - inner:
            set:
              b: 2
            then: first
`);
    expect(places(issues)).toEqual([
      '10:13 /do/0/first/then reference',
      '11:5 /do/1/first duplicate',
      '15:19 /do/1/first/switch/0/low/then reference',
      '23:19 /do/2/nested/do/0/inner/then reference',
    ]);
    expect(issues[0]?.message).toContain("then 'third' names no task of the same list (the tasks of this list are first, nested)");
    expect(issues[1]?.message).toContain("task name 'first' is used twice in /do");
    expect(issues[0]?.file).toBe('broken.yaml');
  });

  it('undeclared functions, errors, retries, authentications and secrets', async () => {
    const issues = await issuesOf(`${header}use:
  secrets: [known]
do:
  - callIt:
      call: sendMail
  - fromCatalog:
      call: log:0.5.2@global
  - fromDefault:
      call: log:0.5.2@default
  - raiseIt:
      raise:
        error: missingError
  - guarded:
      try:
        - step:
            call: http
            with:
              method: get
              endpoint:
                uri: http://127.0.0.1:1/x
                authentication:
                  use: nobody
      catch:
        retry: never
  - secret:
      set:
        value: \${ $secrets.unknown + $secrets.known }
  - basicAuth:
      call: http
      with:
        method: get
        endpoint:
          uri: http://127.0.0.1:1/y
          authentication:
            basic:
              use: hidden
`);
    expect(places(issues)).toEqual([
      '10:13 /do/0/callIt/call reference',
      '12:13 /do/1/fromCatalog/call reference',
      '17:16 /do/3/raiseIt/raise/error reference',
      '27:24 /do/4/guarded/try/0/step/with/endpoint/authentication/use reference',
      '29:16 /do/4/guarded/catch/retry reference',
      '32:16 /do/5/secret/set/value reference',
      '41:20 /do/6/basicAuth/with/endpoint/authentication/basic/use reference',
    ]);
    expect(issues[0]?.message).toBe("task 'callIt' calls function 'sendMail' but use.functions does not declare it: declare it there or correct the name");
    expect(issues[1]?.message).toContain("calls a function of catalog 'global' but use.catalogs does not declare it");
    expect(issues[5]?.message).toBe("the expression reads secret 'unknown', which use.secrets does not list (it lists known): add it to use.secrets");
  });

  it('runtime expressions that jq cannot compile, with jq’s own message', async () => {
    const issues = await issuesOf(`${header}do:
  - compute:
      set:
        fine: \${ .a + 1 }
        broken: \${ .a | | .b }
  - loop:
      for:
        in: .items[
      do:
        - each:
            set:
              value: \${ $item + $nothing }
`);
    expect(places(issues)).toEqual([
      '10:17 /do/0/compute/set/broken expression',
      '13:13 /do/1/loop/for/in expression',
      '17:22 /do/1/loop/do/0/each/set/value expression',
    ]);
    expect(issues[0]?.message).toBe('"${ .a | | .b }" is not valid jq: syntax error, unexpected \'|\'');
    expect(issues[2]?.message).toContain('$nothing is not defined');
  });

  it('two expressions that would close each other in one program are each reported', async () => {
    const issues = await issuesOf(`${header}do:\n  - a:\n      set:\n        opens: \${ (.a }\n        closes: \${ .b) }\n        text: \${ "(\\(.c) )" }\n`);
    expect(places(issues)).toEqual(['9:16 /do/0/a/set/opens expression', '10:17 /do/0/a/set/closes expression']);
  });

  it('schema errors name the task type meant and what to change', async () => {
    const issues = await issuesOf(`${header}do:
  - fetch:
      call: http
      with:
        method: get
  - wait:
      wait:
        seconds: 1
      colour: blue
  - nothing:
      nop: true
`);
    expect(places(issues)).toEqual(['9:7 /do/0/fetch/with schema', '14:15 /do/1/wait/colour schema', '15:5 /do/2/nothing schema']);
    expect(issues[0]?.message).toBe("call http task 'fetch': 'with' is missing the required property 'endpoint': add it");
    expect(issues[1]?.message).toBe("wait task 'wait': unknown property 'colour': remove it or correct its spelling");
    expect(issues[2]?.message).toContain("task 'nothing' has no task keyword: give it one of call, do, emit");
  });

  it('every wrong section of the workflow and a task with two task keywords', async () => {
    const issues = await issuesOf(
      `document:\n  dsl: '1.0.3'\n  namespace: tests\n  name: sections\n  version: '1'\ninput:\n  from: 5\ndo:\n  - both:\n      set:\n        a: 1\n      wait: PT1S\n`,
    );
    expect(places(issues)).toEqual(['5:12 /document/version schema', '7:9 /input/from schema', '9:5 /do/0/both schema']);
    expect(issues[0]?.message).toBe(`'version' must be a semantic version such as 1.0.0, not "1"`);
    expect(issues[2]?.message).toBe("task 'both' has several task keywords (set, wait): a task does one thing, split it into one task per keyword");
  });

  it('a workflow name the DSL does not allow and a DSL version Baton does not run', async () => {
    const issues = await issuesOf(`document:\n  dsl: '0.9.0'\n  namespace: tests\n  name: ${'n'.repeat(64)}\n  version: '1.0.0'\ndo: []\n`);
    expect(places(issues)).toEqual(['2:8 /document/dsl schema', '4:9 /document/name schema']);
    expect(issues[0]?.message).toBe(`document.dsl is "0.9.0": Baton runs DSL 1.0.x, write e.g. '1.0.3'`);
    expect(issues[1]?.message).toMatch(/^'name' must be 1-63 letters, digits and hyphens/);
  });

  it('a YAML syntax error at its line and column', async () => {
    const issues = await issuesOf(`${header}do:\n  - one:\n      set:\n        a: [1, 2\n`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ kind: 'syntax', file: 'broken.yaml', line: 10, path: '' });
    expect(issues[0]?.message).toMatch(/^not valid YAML: /);
  });

  it('JSON: a syntax error at its place, and issues at the lines of the JSON text', async () => {
    const syntax = await issuesOf('{\n  "document": {\n    "dsl": "1.0.3",\n  }\n}\n', 'broken.json');
    expect(syntax).toHaveLength(1);
    expect(syntax[0]).toMatchObject({ kind: 'syntax', file: 'broken.json', line: 4, column: 3, path: '' });
    expect(syntax[0]?.message).toMatch(/^not valid JSON: /);
    const text = JSON.stringify(
      { document: { dsl: '1.0.3', namespace: 'tests', name: 'json', version: '1.0.0' }, do: [{ a: { set: { x: 1 }, then: 'b' } }] },
      null,
      2,
    );
    const issues = await issuesOf(text, 'broken.json');
    expect(places(issues)).toEqual(['14:17 /do/0/a/then reference']);
    // JSON keeps the last of repeated keys; positions are still mapped.
    const repeated = await issuesOf(text.replace('"then": "b"', '"then": "a",\n        "then": "c"'), 'broken.json');
    expect(places(repeated)).toEqual(['15:17 /do/0/a/then reference']);
  });

  it('loadDefinitionFile reads a file, and a missing one is an issue, not a throw', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-dsl-'));
    try {
      const path = join(dir, 'flow.yml');
      writeFileSync(path, `${header}do:\n  - a:\n      set:\n        x: 1\n`);
      const loaded = await loadDefinitionFile(path);
      expect(loaded.ok && loaded.definition.source).toEqual({ text: readFileSync(path, 'utf8'), format: 'yaml', file: path });
      const missing = await loadDefinitionFile(join(dir, 'none.json'));
      expect(missing.ok).toBe(false);
      expect(missing.issues[0]).toMatchObject({ file: join(dir, 'none.json'), line: 1, column: 1, path: '', message: 'cannot read the file: no such file' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('formats issues one per line, and DefinitionError carries them with its code', async () => {
    const issues = await issuesOf(`${header}do:\n  - a:\n      set:\n        x: 1\n      then: b\n`);
    expect(formatIssues(issues)).toBe(
      "broken.yaml:10:13  /do/0/a/then  then 'b' names no task of the same list (the tasks of this list are a): use one of them, or continue, exit or end",
    );
    const error = new DefinitionError(issues);
    expect(error.code).toBe(INVALID_DEFINITION);
    expect(error.retryable).toBe(false);
    expect(error.details).toEqual({ issues });
    expect(error.message).toContain('broken.yaml:10:13');
  });

  it('never throws for input that is not a definition', async () => {
    const noDsl = await issuesOf(`document:\n  namespace: tests\n  name: x\n  version: '1.0.0'\ndo: []\n`);
    expect(noDsl.map((issue) => `${issue.line}:${issue.column} ${issue.path} ${issue.message}`)).toEqual([
      "1:1 /document 'document' is missing the required property 'dsl': add it, e.g. dsl: '1.0.3'",
    ]);
    for (const text of ['', '42', '- a\n- b', 'null', '{"document": 1}', 'document: {dsl: 1}\ndo: 5']) {
      const result = await parseDefinition(text);
      expect(result.ok).toBe(false);
      expect(result.issues.length).toBeGreaterThan(0);
      for (const issue of result.issues) expect(issue.line).toBeGreaterThan(0);
    }
  });
});
