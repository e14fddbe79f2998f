/** A Slack-compatible incoming webhook channel: `{ text, blocks }` (Slack, Mattermost, Rocket.Chat). */
import type { Notification } from '@baton/core';
import { expectAccepted, type Channel } from './channel.js';

const MARK: Record<Notification['severity'], string> = { info: ':information_source:', warning: ':warning:', critical: ':rotating_light:' };

/** The message: a header line with the severity, the text, and the namespace and workflow as context. */
export function slackMessage(notification: Notification): { text: string; blocks: unknown[] } {
  const resolved = notification.kind.endsWith('.resolved');
  const mark = resolved ? ':white_check_mark:' : MARK[notification.severity];
  const context = [
    `*${notification.severity}*`,
    notification.namespace && `namespace \`${notification.namespace}\``,
    notification.workflow && `workflow \`${notification.workflow}\``,
  ]
    .filter(Boolean)
    .join(' · ');
  return {
    text: `${mark} ${notification.title}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${mark} *${notification.title}*\n${notification.text}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: context }] },
      ...(notification.url === undefined ? [] : [{ type: 'section', text: { type: 'mrkdwn', text: `<${notification.url}|Open in Baton>` } }]),
    ],
  };
}

export function slackChannel(name: string, options: { url: string; timeoutMs?: number }): Channel {
  return {
    name,
    async send(notification: Notification): Promise<void> {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(slackMessage(notification)),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await expectAccepted(response, `The Slack webhook ${options.url}`);
    },
  };
}
