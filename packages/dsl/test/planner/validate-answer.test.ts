/** One round's verdict: the definition taken from the answer (YAML or JSON) and checked with the catalog, or the issue of an answer with none. */
import { describe, expect, it } from 'vitest';
import { validateAnswer, type PlanningCatalog } from '@baton/dsl';

const catalog: PlanningCatalog = { workflows: [{ name: 'ops.page', version: '1', kind: 'code' }], functions: [] };

describe('validateAnswer', () => {
  it('a valid YAML answer gives its workflow name and version', async () => {
    const verdict = await validateAnswer(
      "Done:\n```yaml\ndocument: { dsl: '1.0.0', namespace: ops, name: triage, version: '2.1.0' }\ndo:\n  - page: { call: baton.workflow, with: { name: ops.page } }\n```",
      catalog,
    );
    expect(verdict).toMatchObject({ valid: true, issues: [], workflowName: 'ops.triage', version: '2.1.0' });
  });

  it('reads a ```json block as JSON, with positions', async () => {
    const json =
      '{\n  "document": { "dsl": "1.0.0", "namespace": "ops", "name": "triage", "version": "1.0.0" },\n  "do": [ { "page": { "call": "baton.workflow", "with": { "name": "ops.pager" } } } ]\n}';
    const verdict = await validateAnswer(`\`\`\`json\n${json}\n\`\`\``, catalog);
    expect(verdict.valid).toBe(false);
    expect(verdict.definition).toBe(`${json}\n`);
    expect(verdict.issues).toEqual([expect.objectContaining({ kind: 'catalog', path: '/do/0/page/with/name', line: 3 })]);
  });

  it('an answer with no definition is one issue telling the model how to answer', async () => {
    const verdict = await validateAnswer('Could you tell me more about who approves?', catalog);
    expect(verdict).toEqual({
      valid: false,
      issues: [{ kind: 'syntax', path: '', message: expect.stringContaining('answer with the whole workflow definition as YAML') as string }],
    });
  });
});
