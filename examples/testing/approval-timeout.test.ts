/** docs/testing.md, "Testing an approval that times out after 3 days": both paths, in milliseconds. */
import { afterEach, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '@baton/testkit';
import { expenseApproval } from './workflows.js';

let env: TestEnv | undefined;
afterEach(() => env?.close());

it('escalates when nobody decides within 3 days', async () => {
  env = await createTestEnv({ workflows: [expenseApproval] });
  const run = await env.start(expenseApproval, { amount: 950 });

  await expect(run.result()).resolves.toEqual({ status: 'escalated' });
  const journal = await env.journal(run.id);
  expect(journal.map((entry) => [entry.kind, entry.name, entry.status])).toEqual([
    ['signal', 'decision', 'failed'], // the timeout
    ['step', 'escalate', 'completed'],
  ]);
});

it('takes the decision sent on day 2', async () => {
  env = await createTestEnv({ workflows: [expenseApproval] });
  const run = await env.start(expenseApproval, { amount: 950 });

  await env.advance('2d');
  await env.signal(run.id, 'decision', { approved: true, by: 'grace' });

  await expect(run.result()).resolves.toEqual({ status: 'approved', by: 'grace' });
});
