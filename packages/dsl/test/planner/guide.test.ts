/**
 * The planner's DSL guide teaches only what validates: its complete example passes every check
 * (against a catalog with the workflow it calls), each task example is valid DSL with jq that
 * compiles, and it stays within its token budget.
 */
import { describe, expect, it } from 'vitest';
import { PLANNER_GUIDE, parseDefinition, type PlanningCatalog } from '@baton/dsl';
import { definition } from '../test-stores.js';

const yamlBlocks = [...PLANNER_GUIDE.matchAll(/```yaml\n([\s\S]*?)\n\s*```/g)].map((match) => match[1] ?? '');

describe('the planner guide', () => {
  it('has a complete example that validates against a catalog holding the workflow it calls', async () => {
    const example = yamlBlocks.findLast((block) => block.startsWith('document:'));
    expect(example).toBeDefined();
    const catalog: PlanningCatalog = {
      workflows: [
        {
          name: 'payments.pay-invoice',
          version: '1',
          kind: 'code',
          inputSchema: { type: 'object', properties: { invoiceId: { type: 'string' }, amount: { type: 'number' } }, required: ['invoiceId', 'amount'] },
        },
      ],
      functions: [],
    };
    const parsed = await parseDefinition(example!, { catalog });
    expect(parsed.issues).toEqual([]);
    const missing = await parseDefinition(example!, { catalog: { workflows: [], functions: [] } });
    expect(missing.issues.map((issue) => issue.kind)).toEqual(['catalog']);
  });

  it('shows task examples that are valid DSL whose expressions compile', async () => {
    const tasks = yamlBlocks.filter((block) => /^\s*- /.test(block));
    expect(tasks.length).toBeGreaterThanOrEqual(12);
    for (const block of tasks) {
      const indent = /^(\s*)/.exec(block)?.[1]?.length ?? 0;
      const body = block
        .split('\n')
        .map((line) => `  ${line.slice(indent)}`)
        .join('\n');
      const parsed = await parseDefinition(definition(`do:\n${body}\n`));
      // `then` targets and called workflows of a lone example are elsewhere; everything else must hold.
      const wrong = parsed.issues.filter((issue) => issue.kind !== 'reference');
      expect(wrong, block).toEqual([]);
    }
  });

  it('names every task kind and Baton function, and stays around 2,500-4,000 tokens', () => {
    for (const word of [
      'set:',
      'switch:',
      'call: http',
      'run:',
      'for:',
      'fork:',
      'try:',
      'raise:',
      'wait:',
      'emit:',
      'listen:',
      'baton.workflow',
      'baton.llm',
      'baton.agent',
      'baton.approval',
      'input.from',
      'output.as',
      'export.as',
      'use.functions',
    ]) {
      expect(PLANNER_GUIDE).toContain(word);
    }
    const tokens = PLANNER_GUIDE.length / 4;
    expect(tokens).toBeGreaterThan(2000);
    expect(tokens).toBeLessThan(4000);
  });
});
