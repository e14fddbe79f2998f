/**
 * `baton plan` as a real process against the scripted model server (the OpenAI wire protocol on
 * loopback): an invalid answer fixed on feedback prints the definition, exit 0; answers never fixed
 * print the remaining problems, exit 1; no model configured, exit 1 saying to set BATON_AI_MODEL;
 * a wrong command line, exit 2. Progress goes to stderr round by round.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startScriptedModelServer, type ScriptedModelServer } from '@baton/ai/testing';
import { FIXTURES, baton, expectOneErrorLine, tempDir } from './helpers.js';

const dir = tempDir();
const PLANNING_WORKFLOWS = join(FIXTURES, 'planning-workflows.ts');
let models: ScriptedModelServer;
let env: Record<string, string>;

beforeAll(async () => {
  models = await startScriptedModelServer();
  env = { OPENAI_API_KEY: 'test', OPENAI_BASE_URL: models.openaiBaseUrl, BATON_AI_MODEL: 'openai:planner-test' };
});
beforeEach(() => models.reset());
afterAll(async () => {
  await models.close();
  rmSync(dir, { recursive: true, force: true });
});

function answer(definition: string): { text: string } {
  return { text: `Here is the workflow.\n\n\`\`\`yaml\n${definition}\`\`\`\n` };
}

const valid = `document: { dsl: '1.0.0', namespace: finance, name: credit-check, version: '1.0.0', summary: Checks a customer }
do:
  - check:
      set: { customer: '\${ .customer }', checked: true }
`;

/** Valid but for a `then` to a task that does not exist. */
const danglingThen = `document: { dsl: '1.0.0', namespace: finance, name: credit-check, version: '1.0.0' }
do:
  - check:
      set: { checked: true }
      then: nowhere
`;

describe('baton plan', () => {
  it('fixes an invalid answer on feedback, shows each round, prints the definition and exits 0', async () => {
    models.enqueue(answer(danglingThen), answer(valid));
    const result = await baton(['plan', 'Check the credit of a customer before an order', '--workflows', PLANNING_WORKFLOWS], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(parseYaml(result.stdout)).toMatchObject({ document: { namespace: 'finance', name: 'credit-check' }, do: [{ check: { set: { checked: true } } }] });
    expect(result.stderr).toMatch(/round 1\/3: 1 problem:\n {2}.*\/do\/0\/check\/then .*nowhere/);
    expect(result.stderr).toMatch(/round 2\/3: valid \(openai:planner-test, \d+ tokens\)/);
    expect(result.stderr).toMatch(/valid after 2 rounds \(finance\.credit-check 1\.0\.0\)/);
    expect(result.stderr.indexOf('round 1/3')).toBeLessThan(result.stderr.indexOf('round 2/3'));
    // Two model calls: the catalog of --workflows in the first one's system prompt, the problem in the second's feedback.
    expect(models.modelCalls).toHaveLength(2);
    const system = models.modelCalls[0]!.messages.find((m) => m.role === 'system')?.content ?? '';
    expect(system).toContain('risk.credit-score');
    expect(system).not.toContain('baton.plan');
    expect(models.modelCalls[1]!.messages.at(-1)?.content).toContain('nowhere');
  });

  it('writes --out when valid and says so; with --from, the diff goes to stderr', async () => {
    const from = join(dir, 'from.yaml');
    writeFileSync(from, valid);
    const revised = valid.replace('checked: true', 'checked: true, approved: false');
    models.enqueue(answer(revised));
    const out = join(dir, 'revised.yaml');
    const result = await baton(['plan', 'Also record that it is not approved yet', '--from', from, '--out', out, '--rounds', '1'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(revised);
    expect(result.stderr).toContain(`wrote ${out} (finance.credit-check 1.0.0)`);
    expect(result.stderr).toMatch(/^\+.*approved: false/m);
    expect(result.stderr).toMatch(/^-.*checked: true \}/m);
    expect(models.modelCalls[0]!.messages.at(-1)?.content).toContain("customer: '${ .customer }'");
  });

  it('exits 1 with the remaining problems when no round fixes them, and leaves --out unwritten', async () => {
    models.enqueue(answer(danglingThen), answer(danglingThen));
    const out = join(dir, 'never.yaml');
    const result = await baton(['plan', 'Check the credit of a customer', '--rounds', '2', '--out', out], { env });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/round 1\/2: 1 problem/);
    expect(result.stderr).toMatch(/round 2\/2: 1 problem/);
    expect(result.stderr).toMatch(/still invalid after 2 rounds: 1 problem\n.*\/do\/0\/check\/then .*nowhere/);
    expect(result.stderr).toContain(`${out} was not written`);
    expect(() => readFileSync(out)).toThrow();
    expect(models.modelCalls).toHaveLength(2);
  });

  it('exits 1 saying to set BATON_AI_MODEL when no model is configured', async () => {
    const result = await baton(['plan', 'Check the credit of a customer', '--rounds', '1']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('BATON_AI_MODEL');
    expect(result.stdout).toBe('');
    expect(models.modelCalls).toHaveLength(0);
  });

  it('refuses a wrong command line with exit 2: no description, --rounds out of 1..10, an unreadable --from', async () => {
    for (const args of [['plan'], ['plan', '  '], ['plan', 'x', '--rounds', '0'], ['plan', 'x', '--rounds', '11'], ['plan', 'x', '--rounds', 'two']]) {
      const result = await baton(args, { env });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expectOneErrorLine(result, 'BATON_INVALID_ARGUMENT');
    }
    const unreadable = await baton(['plan', 'x', '--from', join(dir, 'missing.yaml')], { env });
    expect(unreadable.code).toBe(2);
    expect(expectOneErrorLine(unreadable, 'BATON_INVALID_ARGUMENT')).toContain('cannot read --from file');
    expect(models.modelCalls).toHaveLength(0);
  });
});

describe('baton --help', () => {
  it('lists plan and simulate', async () => {
    const result = await baton(['--help']);
    expect(result.stdout).toMatch(/^ {2}plan +write a workflow definition/m);
    expect(result.stdout).toMatch(/^ {2}simulate +show what a definition will do/m);
    const plan = await baton(['plan', '--help']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Usage: baton plan "DESCRIPTION"');
  });
});
