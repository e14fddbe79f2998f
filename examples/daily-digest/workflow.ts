/**
 * A scheduled workflow: at 08:00 on weekdays, Berlin time, collect the team's open items and send
 * them as one digest. A digest still running at the next tick is not doubled (overlap 'skip'); after
 * a downtime only the latest missed digest is sent (catch-up 'latest').
 */
import { defineWorkflow } from '@baton/core';

export interface DigestInput {
  team: string;
}

export interface DigestOutcome {
  team: string;
  items: number;
  sentAt: string;
}

export interface DigestServices {
  openItems(team: string): Promise<string[]>;
  send(team: string, body: string): Promise<void>;
}

export function createDailyDigest(services: DigestServices) {
  return defineWorkflow(
    {
      name: 'daily-digest',
      description: 'Weekday 08:00 digest of open items.',
      schedule: { cron: '0 8 * * 1-5', timezone: 'Europe/Berlin', input: { team: 'operations' }, overlap: 'skip', catchup: 'latest' },
    },
    async (ctx, { team }: DigestInput): Promise<DigestOutcome> => {
      const items = await ctx.step('collect', () => services.openItems(team));
      const body = items.length === 0 ? 'Nothing open. ' : items.map((item, i) => `${i + 1}. ${item}`).join('\n');
      await ctx.step('send', () => services.send(team, body));
      return { team, items: items.length, sentAt: ctx.now().toISOString() };
    },
  );
}

/** In-memory services for the demo and the tests. */
export function createDigestServices(open: string[] = ['Invoice INV-2030-0042 awaits approval', 'Onboarding CUST-1815 in review']) {
  const sent: { team: string; body: string }[] = [];
  return {
    sent,
    async openItems() {
      return [...open];
    },
    async send(team: string, body: string) {
      sent.push({ team, body });
    },
  };
}

export const dailyDigest = createDailyDigest(createDigestServices());
