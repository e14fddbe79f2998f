/**
 * A webhook channel: the notification as a JSON body, signed like Baton's incoming webhooks
 * (`X-Baton-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`) when it has a secret.
 */
import type { Notification } from '@baton/core';
import { signWebhook } from '../webhooks.js';
import { expectAccepted, notificationBody, type Channel } from './channel.js';

export interface WebhookChannelOptions {
  url: string;
  secret?: string;
  headers?: Record<string, string>;
  /** How long one attempt may take. Default 10 s. */
  timeoutMs?: number;
}

export function webhookChannel(name: string, options: WebhookChannelOptions): Channel {
  return {
    name,
    async send(notification: Notification): Promise<void> {
      const body = notificationBody(notification);
      const headers: Record<string, string> = { ...options.headers, 'content-type': 'application/json', 'x-baton-notification-id': notification.id };
      if (options.secret !== undefined) headers['x-baton-signature'] = signWebhook(options.secret, body, Math.floor(notification.at / 1000));
      const response = await fetch(options.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
      await expectAccepted(response, `The webhook ${options.url}`);
    },
  };
}
