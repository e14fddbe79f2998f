/** Plan diffs: a unified diff of two definition texts, empty when nothing changed. */
import { describe, expect, it } from 'vitest';
import { planDiff } from '@baton/dsl';

describe('planDiff', () => {
  it('shows added and removed lines with their context', () => {
    const before = 'do:\n  - a:\n      set: { x: 1 }\n  - b:\n      set: { y: 2 }\n';
    const after = 'do:\n  - a:\n      set: { x: 1 }\n  - approve:\n      wait: PT1H\n  - b:\n      set: { y: 3 }\n';
    const diff = planDiff(before, after);
    expect(diff.split('\n').slice(0, 3)).toEqual(['--- before', '+++ after', '@@ -1,5 +1,7 @@']);
    expect(diff).toContain('\n+  - approve:\n+      wait: PT1H\n');
    expect(diff).toContain('\n-      set: { y: 2 }\n+      set: { y: 3 }\n');
    expect(diff).toContain('\n   - a:\n');
  });

  it('is empty for the same text, a missing final newline being no change', () => {
    expect(planDiff('do: []\n', 'do: []')).toBe('');
  });

  it('names the two sides as asked', () => {
    expect(planDiff('a\n', 'b\n', { before: 'flow.yaml', after: 'flow.yaml (revised)' })).toMatch(/^--- flow\.yaml\n\+\+\+ flow\.yaml \(revised\)\n/);
  });
});
