/**
 * The planner benchmark's scenario set is well-formed: enough scenarios, each with a paragraph a
 * person would write, checks that name only catalog workflows, answers shaped like those workflows'
 * outputs, and branch cases that must take different paths. (The model is not run here.)
 */
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '@baton/dsl';
import { BENCH_CATALOG } from './catalog/bench-catalog.js';
import { APPROVAL, type BranchCase, type PlannerScenario } from './scenario-types.js';
import { PLANNER_SCENARIOS } from './scenarios/index.js';

const workflows = new Map(BENCH_CATALOG.workflows.map((w) => [w.name, w]));

/** Sentences: ends of sentence followed by a space or the end (not the dot of 0.7 or 1,000.50). */
const sentences = (text: string): number =>
  text
    .trim()
    .split(/[.!?](?=\s|$)/)
    .filter((part) => part.trim().length > 0).length;

function targets(branchCase: BranchCase): string[] {
  return [...(branchCase.reaches ?? []), ...(branchCase.avoids ?? [])];
}

function answerKeys(scenario: PlannerScenario): string[] {
  return [...Object.keys(scenario.answers ?? {}), ...scenario.branches.flatMap((b) => b.cases.flatMap((c) => Object.keys(c.answers ?? {})))];
}

/** Two cases take different paths: one reaches what the other avoids, or they pass different numbers of approvals. */
function differ(a: BranchCase, b: BranchCase): boolean {
  const crosses = (x: BranchCase, y: BranchCase): boolean => (x.reaches ?? []).some((t) => (y.avoids ?? []).includes(t));
  return crosses(a, b) || crosses(b, a) || (a.approvalsReached !== undefined && b.approvalsReached !== undefined && a.approvalsReached !== b.approvalsReached);
}

describe('the planner benchmark scenarios', () => {
  it('are at least 25, with unique kebab-case names', () => {
    expect(PLANNER_SCENARIOS.length).toBeGreaterThanOrEqual(25);
    const names = PLANNER_SCENARIOS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it.each(PLANNER_SCENARIOS.map((s) => [s.name, s] as const))('%s has a paragraph of 2 to 6 sentences', (_, scenario) => {
    expect(scenario.paragraph.trim().length).toBeGreaterThan(80);
    expect(sentences(scenario.paragraph)).toBeGreaterThanOrEqual(2);
    expect(sentences(scenario.paragraph)).toBeLessThanOrEqual(6);
  });

  it.each(PLANNER_SCENARIOS.map((s) => [s.name, s] as const))('%s checks only workflows of the catalog', (_, scenario) => {
    const named = [...scenario.calls, ...answerKeys(scenario), ...scenario.branches.flatMap((b) => b.cases.flatMap(targets)).filter((t) => t !== APPROVAL)];
    expect(named.length).toBeGreaterThan(0);
    for (const name of named) expect(workflows.has(name), `${name} is not in the catalog`).toBe(true);
  });

  it.each(PLANNER_SCENARIOS.map((s) => [s.name, s] as const))('%s answers calls with outputs shaped like the catalog says', (_, scenario) => {
    const answers = [scenario.answers ?? {}, ...scenario.branches.flatMap((b) => b.cases.map((c) => c.answers ?? {}))];
    for (const byWorkflow of answers) {
      for (const [name, answer] of Object.entries(byWorkflow)) {
        const schema = workflows.get(name)?.outputSchema as (JsonSchema & { properties: object; required: string[] }) | undefined;
        for (const one of Array.isArray(answer) ? answer : [answer]) {
          if (!('output' in one)) continue;
          const output = one.output as Record<string, unknown>;
          expect(Object.keys(output).sort(), `${name}'s answer`).toEqual([...(schema?.required ?? [])].sort());
          for (const key of Object.keys(output)) expect(Object.keys(schema?.properties ?? {})).toContain(key);
        }
      }
    }
  });

  it.each(PLANNER_SCENARIOS.map((s) => [s.name, s] as const))('%s has branch cases that must take different paths', (_, scenario) => {
    expect(scenario.branches.length).toBeGreaterThan(0);
    for (const branch of scenario.branches) {
      expect(branch.cases.length).toBeGreaterThanOrEqual(2);
      const pairs = branch.cases.flatMap((a, i) => branch.cases.slice(i + 1).map((b) => [a, b] as const));
      expect(
        pairs.some(([a, b]) => differ(a, b)),
        `branch '${branch.what}'`,
      ).toBe(true);
      for (const branchCase of branch.cases) {
        expect(targets(branchCase).length + (branchCase.approvalsReached === undefined ? 0 : 1), branchCase.label).toBeGreaterThan(0);
        if (scenario.approvals === 0) expect(targets(branchCase)).not.toContain(APPROVAL);
        expect(branchCase.approvalsReached ?? 0).toBeLessThanOrEqual(scenario.approvals);
      }
    }
  });

  it('plan against a catalog whose workflows are unique, described and schema-typed', () => {
    const names = BENCH_CATALOG.workflows.map((w) => w.name);
    expect(new Set(names).size).toBe(names.length);
    for (const entry of BENCH_CATALOG.workflows) {
      expect(entry.name).toMatch(/^[a-z]+\.[a-z0-9-]+$/);
      expect(entry.description?.length ?? 0).toBeGreaterThan(10);
      expect(entry.inputSchema).toMatchObject({ type: 'object' });
      expect(entry.outputSchema).toMatchObject({ type: 'object' });
    }
    // Every scenario's workflows are in it, and so are many others to choose from.
    const used = new Set(PLANNER_SCENARIOS.flatMap((s) => s.calls));
    expect(BENCH_CATALOG.workflows.length).toBeGreaterThan(used.size);
  });
});
