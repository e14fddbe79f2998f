/**
 * The deployment's Notifier: named channels built from the channels configuration (webhook, Slack,
 * email, event), each delivery tried again with exponential back-off when it fails; each channel's
 * outcome is logged and returned, never thrown, so one broken channel never stops the others.
 */
import pRetry from 'p-retry';
import {
  channelsConfigSchema,
  defaultLogger,
  errorMessage,
  type ChannelOutcome,
  type ChannelsConfig,
  type Logger,
  type Notification,
  type Notifier,
} from '@baton/core';
import type { Channel } from './channel.js';
import { webhookChannel } from './webhook-channel.js';
import { slackChannel } from './slack-channel.js';
import { emailChannel } from './email-channel.js';
import { eventChannel, type EmitEvent } from './event-channel.js';

export interface NotifierOptions {
  logger?: Logger;
  /** Emits an event on Baton's event log (the client's `events.emit`); needed by event channels. */
  emit?: EmitEvent;
  /** Attempts after the first for a failing channel. Default 3. */
  retries?: number;
  /** The first back-off, doubled at each attempt. Default 1 s. */
  minBackoffMs?: number;
  /** The longest back-off. Default 30 s. */
  maxBackoffMs?: number;
}

/** Builds the notifier of a validated (or to-be-validated) channels configuration. */
export function createNotifier(config: ChannelsConfig, options: NotifierOptions = {}): Notifier {
  const channels = new Map<string, Channel>();
  for (const [name, channel] of Object.entries(channelsConfigSchema.parse(config))) {
    switch (channel.type) {
      case 'webhook':
        channels.set(name, webhookChannel(name, channel));
        break;
      case 'slack':
        channels.set(name, slackChannel(name, channel));
        break;
      case 'email':
        channels.set(name, emailChannel(name, channel));
        break;
      case 'event': {
        const emit = options.emit;
        if (emit === undefined) throw new Error(`The channel '${name}' sends events, but this notifier was given no way to emit them (options.emit).`);
        channels.set(name, eventChannel(name, { event: channel.event, emit }));
        break;
      }
    }
  }
  return new ChannelNotifier(channels, options);
}

class ChannelNotifier implements Notifier {
  readonly #channels: Map<string, Channel>;
  readonly #logger: Logger;
  readonly #retry: { retries: number; minTimeout: number; maxTimeout: number; factor: number };

  constructor(channels: Map<string, Channel>, options: NotifierOptions) {
    this.#channels = channels;
    this.#logger = options.logger ?? defaultLogger;
    this.#retry = { retries: options.retries ?? 3, minTimeout: options.minBackoffMs ?? 1000, maxTimeout: options.maxBackoffMs ?? 30_000, factor: 2 };
  }

  channels(): string[] {
    return [...this.#channels.keys()];
  }

  notify(names: readonly string[], notification: Notification): Promise<ChannelOutcome[]> {
    return Promise.all([...new Set(names)].map((name) => this.#deliver(name, notification)));
  }

  async #deliver(name: string, notification: Notification): Promise<ChannelOutcome> {
    const channel = this.#channels.get(name);
    const log = { channel: name, notification: notification.id, kind: notification.kind };
    if (channel === undefined) {
      const error = `No channel named '${name}' is configured (known: ${this.channels().join(', ') || 'none'}).`;
      this.#logger.error(log, error);
      return { channel: name, delivered: false, error };
    }
    try {
      await pRetry(() => channel.send(notification), {
        ...this.#retry,
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          this.#logger.warn(
            { ...log, attempt: attemptNumber, retriesLeft, err: error },
            `delivering to the channel '${name}' failed; ${retriesLeft > 0 ? 'trying again' : 'giving up'}`,
          );
        },
      });
      this.#logger.info(log, `notification delivered to '${name}'`);
      return { channel: name, delivered: true };
    } catch (error) {
      const message = errorMessage(error);
      this.#logger.error({ ...log, err: error }, `the channel '${name}' did not take the notification: ${message}`);
      return { channel: name, delivered: false, error: message };
    }
  }
}
