export { Severity } from './notifier.js';
export type { Notification, Notifier, ChannelOutcome } from './notifier.js';
export { channelConfigSchema, channelsConfigSchema } from './channel-config.js';
export type { ChannelConfig, ChannelsConfig } from './channel-config.js';
