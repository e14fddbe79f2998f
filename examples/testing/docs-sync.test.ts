/** docs/testing.md quotes these examples: each test file (but its header line) and each workflow, verbatim. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');
const doc = read('../../docs/testing.md');

it.each(['unit-test.test.ts', 'saga.test.ts', 'approval-timeout.test.ts', 'replay.test.ts'])('docs/testing.md quotes %s as it is', (file) => {
  const body = read(`./${file}`).split('\n').slice(1).join('\n').trim();
  expect(doc).toContain(body);
});

it.each(['export interface MailService', 'export interface TravelServices', 'export const expenseApproval'])(
  'docs/testing.md quotes the workflow from `%s`',
  (start) => {
    const source = read('./workflows.ts');
    const from = source.indexOf(start);
    const next = source.indexOf('\nexport interface', from + start.length);
    const following = source.indexOf('\nexport const', from + start.length);
    const ends = [next, following].filter((i) => i > from);
    const quoted = source.slice(from, ends.length === 0 ? undefined : Math.min(...ends)).trim();
    expect(quoted.length).toBeGreaterThan(100);
    expect(doc).toContain(quoted);
  },
);
