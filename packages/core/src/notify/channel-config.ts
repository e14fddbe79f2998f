/** The configuration of notification channels (the `channels` map of an alerts file), validated with zod. */
import { z } from 'zod';

/** JSON with an HMAC-SHA256 signature header, in the scheme of Baton's incoming webhooks. */
export const webhookChannelSchema = z.strictObject({
  type: z.literal('webhook'),
  url: z.url(),
  /** The shared secret the signature is made with; receivers verify it. */
  secret: z.string().min(16).optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

/** A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat, Discord's /slack endpoint). */
export const slackChannelSchema = z.strictObject({ type: z.literal('slack'), url: z.url() });

/** Email over SMTP. */
export const emailChannelSchema = z.strictObject({
  type: z.literal('email'),
  smtp: z.strictObject({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535),
    /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
    secure: z.boolean().optional(),
    user: z.string().optional(),
    password: z.string().optional(),
  }),
  from: z.string().min(3),
  to: z.array(z.string().min(3)).min(1),
});

/** An event on Baton's own event log, so a workflow can handle it (triggers, waitForEvent). */
export const eventChannelSchema = z.strictObject({ type: z.literal('event'), event: z.string().min(1) });

export const channelConfigSchema = z.discriminatedUnion('type', [webhookChannelSchema, slackChannelSchema, emailChannelSchema, eventChannelSchema]);
export type ChannelConfig = z.infer<typeof channelConfigSchema>;

/** Channels by name: `[a-z0-9][a-z0-9._-]*`. */
export const channelsConfigSchema = z.record(
  z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'a channel name is lower case letters, digits, . _ -'),
  channelConfigSchema,
);
export type ChannelsConfig = z.infer<typeof channelsConfigSchema>;
