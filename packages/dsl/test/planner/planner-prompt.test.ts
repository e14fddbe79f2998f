// The planner's prompt read back as a scripted model reads it: the paragraph alone, the definition to
// revise, and the problems of a later round.
import { describe, expect, it } from 'vitest';
import { EMPTY_CATALOG, plannerFeedbackMessage, plannerRequestMessage, plannerSystemPrompt, readPlannerPrompt } from '../../src/index.js';

const catalog = { workflows: [{ name: 'pay-invoice', version: '1', kind: 'code' as const }], functions: [] };

describe('readPlannerPrompt', () => {
  it('reads back the catalog, the paragraph without the answer instruction, and the definition to revise', () => {
    const from = 'document:\n  dsl: 1.0.0\n  namespace: acme\n  name: pay\n  version: 0.1.0\ndo: []\n';
    const prompt = readPlannerPrompt(plannerSystemPrompt('The guide.', catalog), [
      { role: 'user', content: plannerRequestMessage('Pay each approved invoice.\nThen tell the vendor.', from) },
    ]);
    expect(prompt?.catalog).toEqual(catalog);
    expect(prompt?.description).toBe('Pay each approved invoice.\nThen tell the vendor.');
    expect(prompt?.from).toBe(from.trimEnd());
    expect(prompt?.problems).toBeUndefined();
  });

  it('reads the problems of the last feedback and the previous answer on a later round', () => {
    const issues = [{ kind: 'reference' as const, line: 7, column: 13, path: '/do/0/a/then', message: "'then: b' names no task" }];
    const prompt = readPlannerPrompt(plannerSystemPrompt('The guide.', EMPTY_CATALOG), [
      { role: 'user', content: plannerRequestMessage('Pay invoices.') },
      { role: 'assistant', content: 'first answer' },
      { role: 'user', content: plannerFeedbackMessage(issues) },
    ]);
    expect(prompt?.description).toBe('Pay invoices.');
    expect(prompt?.problems).toEqual(["line 7, column 13, /do/0/a/then (reference): 'then: b' names no task"]);
    expect(prompt?.previousAnswer).toBe('first answer');
  });

  it('is undefined for a prompt that is not a planner request', () => {
    expect(readPlannerPrompt('You classify tickets.', [{ role: 'user', content: 'hello' }])).toBeUndefined();
  });
});
