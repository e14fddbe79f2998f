/** A definition names its failure workflow in `document.metadata.baton.onFailure`. */
import { describe, expect, it } from 'vitest';
import { definitionWorkflow, parseDefinition } from '@baton/dsl';

const text = (onFailure: string) => `
document: { dsl: '1.0.0', namespace: shop, name: checkout, version: '1.0.0', metadata: { baton: { onFailure: ${onFailure} } } }
do:
  - done: { set: { ok: true } }
`;

describe('failure workflow of a definition', () => {
  it('becomes the workflow option onFailure, and a name that is not a workflow name is refused', async () => {
    const parsed = await parseDefinition(text("'notify-ops'"));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect(definitionWorkflow(parsed.definition).options.onFailure).toBe('notify-ops');

    const bad = await parseDefinition(text("'no spaces allowed'"));
    if (!bad.ok) throw new Error(JSON.stringify(bad.issues));
    expect(() => definitionWorkflow(bad.definition)).toThrow(expect.objectContaining({ code: 'BATON_INVALID_DEFINITION' }));
  });
});
