/**
 * The simulation's hooks leave production runs as they were: a run without hooks journals a switch's
 * decision and a skipped task exactly as before (no case name, no skip mark, no answer source), and
 * its retry back-off is waited for.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DefinitionRunner } from '../definition-runner.js';
import { definition } from './simulation-support.js';

const runner = new DefinitionRunner();
afterAll(() => runner.close());

describe('production runs are unchanged by the simulation hooks', () => {
  it("journals a switch's decision and a skipped task without the simulation's fields", async () => {
    const out = await runner.run(
      definition(`
do:
  - decide:
      switch:
        - big:
            when: '\${ .n > 1 }'
            then: later
        - other:
            then: continue
  - skippedTask:
      if: '\${ false }'
      set: { never: true }
  - later:
      set: { n: '\${ .n }' }
`),
      { n: 5 },
    );
    expect(out.status).toBe('completed');
    const decide = out.entries.find((e) => e.name === '/do/0/decide');
    expect(decide?.output).toEqual({ output: { n: 5 }, then: 'later' });
    for (const entry of out.entries) {
      expect(entry.output).not.toHaveProperty('branch');
      expect(entry.output).not.toHaveProperty('skipped');
      expect(entry.output).not.toHaveProperty('answeredBy');
    }

    const skipped = await runner.run(
      definition(`
do:
  - maybe:
      if: '\${ .go }'
      set: { went: true }
`),
      { go: false },
    );
    expect(skipped.entries.find((e) => e.name === '/do/0/maybe')?.output).toEqual({ output: { go: false } });
  });
});
