/**
 * `baton simulate`: the path a definition takes (branches, where answers came from) and its output,
 * exit 0; a run that faults and a definition that does not validate, exit 1; a wrong command line (an
 * unreadable file, bad --input JSON, a scenario that is not one), exit 2. The run that faults goes
 * through the real `baton`; the other cases through the CLI's entry in process.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, baton, batonInProcess, expectOneErrorLine, tempDir } from './helpers.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const PLANNING_WORKFLOWS = join(FIXTURES, 'planning-workflows.ts');

const expense = file(
  'expense.yaml',
  `document: { dsl: '1.0.0', namespace: finance, name: expense, version: '1.0.0' }
do:
  - score:
      call: baton.workflow
      with: { name: risk.credit-score, input: { customer: '\${ .customer }' } }
      export: { as: '\${ { band: .band } }' }
  - route:
      switch:
        - big:
            when: '\${ $workflow.input.amount > 1000 }'
            then: approve
        - small:
            then: pay
  - approve:
      call: baton.approval
      with:
        title: Approve a large expense
        form: { type: object, properties: { approved: { type: boolean } }, required: [ approved ] }
  - pay:
      call: http
      with: { method: post, endpoint: 'https://payments.example.test/pay' }
  - done:
      set:
        receipt: '\${ .receipt }'
        band: '\${ $context.band }'
`,
);

const scenario = file(
  'scenario.yaml',
  `tasks:
  pay: { output: { receipt: R-7 } }
approvals:
  approve: { approved: true }
`,
);

async function sequentially<T>(runs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  for (const run of runs) results.push(await run());
  return results;
}

/** The JSON printed after the `output:` line. */
function printedOutput(stdout: string): unknown {
  const at = stdout.indexOf('output:\n');
  expect(at).toBeGreaterThanOrEqual(0);
  return JSON.parse(stdout.slice(at + 'output:\n'.length));
}

function pathLine(stdout: string, pointer: string): string {
  const line = stdout.split('\n').find((l) => l.includes(` ${pointer} `) || l.includes(` ${pointer}#`) || l.endsWith(` ${pointer}`));
  expect(line, `a path line for ${pointer} in:\n${stdout}`).toBeDefined();
  return line!;
}

describe('baton simulate', { timeout: 120_000 }, () => {
  it('prints the path (branches, where answers came from) and the output, and exits 0', async () => {
    const result = await batonInProcess([
      'simulate',
      expense,
      '--input',
      '{"customer":"ada","amount":5000}',
      '--scenario',
      scenario,
      '--workflows',
      PLANNING_WORKFLOWS,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.startsWith('path:\n')).toBe(true);
    expect(pathLine(result.stdout, '/do/0/score')).toMatch(/^ {2}completed .*answered by: schema/);
    expect(pathLine(result.stdout, '/do/1/route')).toContain('branch: big');
    expect(pathLine(result.stdout, '/do/2/approve')).toContain('answered by: scenario');
    expect(pathLine(result.stdout, '/do/3/pay')).toMatch(/answered by: scenario .*→ \{"receipt":"R-7"\}/);
    const output = printedOutput(result.stdout) as { receipt: string; band: string };
    expect(output.receipt).toBe('R-7');
    // Answered from risk.credit-score's output schema (its enum), not from a scenario.
    expect(['low', 'medium', 'high']).toContain(output.band);
    expect(result.stderr).toMatch(/simulation completed: \d+ tasks/);
  });

  it('takes the other branch for another input', async () => {
    const result = await batonInProcess([
      'simulate',
      expense,
      '--input',
      '{"customer":"bo","amount":20}',
      '--scenario',
      scenario,
      '--workflows',
      PLANNING_WORKFLOWS,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(pathLine(result.stdout, '/do/1/route')).toContain('branch: small');
    expect(result.stdout).not.toContain('/do/2/approve');
    expect(printedOutput(result.stdout)).toMatchObject({ receipt: 'R-7' });
  });

  it('prints the error of a run that faults, and exits 1', async () => {
    const failing = file(
      'failing.yaml',
      `document: { dsl: '1.0.0', namespace: t, name: failing, version: '1.0.0' }
do:
  - first:
      set: { ok: true }
  - refuse:
      raise:
        error: { type: 'https://example.test/errors/refused', status: 422, title: Refused }
`,
    );
    const result = await baton(['simulate', failing, '--input', '{}']);
    expect(result.code, result.stderr).toBe(1);
    expect(pathLine(result.stdout, '/do/0/first')).toMatch(/completed/);
    expect(pathLine(result.stdout, '/do/1/refuse')).toMatch(/faulted .*error: 422 Refused/);
    expect(result.stdout).toContain('error:\n');
    expect(JSON.parse(result.stdout.slice(result.stdout.indexOf('error:\n') + 'error:\n'.length))).toMatchObject({ status: 422, title: 'Refused' });
    expect(result.stderr).toContain('simulation faulted');
  });

  it("prints an invalid definition's issues as baton validate does, runs nothing, and exits 1", async () => {
    const invalid = file(
      'invalid.yaml',
      `document: { dsl: '1.0.0', namespace: t, name: invalid, version: '1.0.0' }
do:
  - first:
      set: { ok: true }
      then: nowhere
`,
    );
    const result = await batonInProcess(['simulate', invalid]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/invalid\.yaml:\d+:\d+ {2}\/do\/0\/first\/then {2}.*nowhere/);
    expect(result.stderr).toContain('nothing ran');
  });

  it('refuses a wrong command line with exit 2: no file, an unreadable one, bad --input JSON, a scenario that is not one', async () => {
    // One after another, each answered in full before the next starts.
    const [none, missing, badInput, noScenario, notYaml, typo, status, unknownKey] = await sequentially([
      () => batonInProcess(['simulate']),
      () => batonInProcess(['simulate', join(dir, 'missing.yaml')]),
      () => batonInProcess(['simulate', expense, '--input', '{customer:']),
      () => batonInProcess(['simulate', expense, '--scenario', join(dir, 'nope.yaml')]),
      () => batonInProcess(['simulate', expense, '--scenario', file('broken.yaml', 'tasks: [ {')]),
      () => batonInProcess(['simulate', expense, '--scenario', file('typo.json', JSON.stringify({ tasks: { pay: { outptu: 1 } } }))]),
      () => batonInProcess(['simulate', expense, '--scenario', file('status.json', JSON.stringify({ tasks: { pay: { error: { status: 'bad' } } } }))]),
      () => batonInProcess(['simulate', expense, '--scenario', file('unknown.yaml', 'answers: {}\n')]),
    ]);
    expect(expectOneErrorLine(none!, 'BATON_INVALID_ARGUMENT')).toContain('missing FILE');
    expect(expectOneErrorLine(missing!, 'BATON_INVALID_ARGUMENT')).toContain('cannot read');
    expect(expectOneErrorLine(badInput!, 'BATON_INVALID_ARGUMENT')).toContain('--input is not valid JSON');
    expect(expectOneErrorLine(noScenario!, 'BATON_INVALID_ARGUMENT')).toContain('cannot read --scenario file');
    expect(expectOneErrorLine(notYaml!, 'BATON_INVALID_ARGUMENT')).toContain('not valid YAML or JSON');
    expect(expectOneErrorLine(typo!, 'BATON_INVALID_ARGUMENT')).toMatch(/\/tasks\/pay: .*"outptu" \(allowed: output or error\)/);
    expect(expectOneErrorLine(status!, 'BATON_INVALID_ARGUMENT')).toContain('/tasks/pay/error/status');
    expect(expectOneErrorLine(unknownKey!, 'BATON_INVALID_ARGUMENT')).toMatch(/the top level: .*"answers" \(allowed: tasks, approvals, events\)/);
    for (const result of [none, missing, badInput, noScenario, notYaml, typo, status, unknownKey]) expect(result!.code).toBe(2);
  });
});
