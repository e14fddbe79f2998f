/** docs/testing.md, "Unit-testing a workflow": services passed in, a step mocked, 30 days skipped. */
import { afterEach, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '@baton/testkit';
import { createWelcomeSequence, type MailService } from './workflows.js';

let env: TestEnv | undefined;
afterEach(() => env?.close());

it('sends the welcome mail, then the check-in 30 days later', async () => {
  const sent: string[] = [];
  const mail: MailService = {
    send: async (to, template) => {
      sent.push(`${template} to ${to}`);
      return `msg-${sent.length}`;
    },
  };
  const welcomeSequence = createWelcomeSequence(mail);
  env = await createTestEnv({ workflows: [welcomeSequence] });

  const started = env.now();
  const run = await env.start(welcomeSequence, { email: 'ada@example.com' });
  await expect(run.result()).resolves.toEqual({ lastMessage: 'msg-2' });

  expect(sent).toEqual(['welcome to ada@example.com', 'check-in to ada@example.com']);
  expect(env.now().getTime() - started.getTime()).toBeGreaterThanOrEqual(30 * 24 * 3_600_000);
  const journal = await env.journal(run.id);
  expect(journal.map((entry) => entry.name)).toEqual(['send-welcome', 'sleep', 'send-check-in']);
});

it('replaces a step by name without touching the workflow', async () => {
  const mail: MailService = { send: () => Promise.reject(new Error('no mail server in tests')) };
  const welcomeSequence = createWelcomeSequence(mail);
  env = await createTestEnv({
    workflows: [welcomeSequence],
    mocks: { steps: { 'send-welcome': () => 'mocked', 'send-check-in': (input) => `mocked for ${(input as { email: string }).email}` } },
  });

  await expect(env.execute(welcomeSequence, { email: 'ada@example.com' })).resolves.toEqual({ lastMessage: 'mocked for ada@example.com' });
});
