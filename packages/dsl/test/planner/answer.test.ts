/** Taking the definition out of a model's answer: fenced blocks of each kind, bare documents, and answers with none. */
import { describe, expect, it } from 'vitest';
import { definitionText } from '@baton/dsl';

const doc = "document: { dsl: '1.0.0', namespace: a, name: b, version: '1.0.0' }\ndo: []\n";

describe('definitionText', () => {
  it('takes the first ```yaml block, ignoring the prose around it', () => {
    expect(definitionText(`Here it is:\n\n\`\`\`yaml\n${doc}\`\`\`\n\nIt approves invoices.`)).toBe(doc);
  });

  it('accepts ```yml, ```json, ```YAML and bare fences', () => {
    expect(definitionText(`\`\`\`yml\n${doc}\`\`\``)).toBe(doc);
    expect(definitionText('```json\n{"document":{}}\n```')).toBe('{"document":{}}\n');
    expect(definitionText(`\`\`\`YAML\n${doc}\`\`\``)).toBe(doc);
    expect(definitionText(`\`\`\`\n${doc}\`\`\``)).toBe(doc);
  });

  it('skips blocks in other languages and takes the first definition block after them', () => {
    const answer = `Run it with:\n\`\`\`sh\nbaton run flow.yaml\n\`\`\`\nThe definition:\n\`\`\`yaml\n${doc}\`\`\`\n\`\`\`yaml\nsecond: true\n\`\`\``;
    expect(definitionText(answer)).toBe(doc);
  });

  it('takes a bare document (document: or {) as it is', () => {
    expect(definitionText(`\n  ${doc}`)).toBe(doc);
    expect(definitionText('  {"document": {}}  ')).toBe('{"document": {}}\n');
  });

  it('finds nothing in prose, or in an unclosed fence', () => {
    expect(definitionText('I would need more details about the approval steps.')).toBeUndefined();
    expect(definitionText('```yaml\ndocument: {}\n')).toBeUndefined();
    expect(definitionText('')).toBeUndefined();
  });
});
