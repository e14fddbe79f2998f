/** An event channel: the notification as an event on Baton's own event log, so workflows can handle it. */
import type { Notification } from '@baton/core';
import type { Channel } from './channel.js';

/**
 * Emits an event (the client's events.emit); `id` deduplicates a repeated delivery, and `namespace`
 * (the notification's, when it has one) is the namespace whose event log, triggers and waits get it.
 */
export type EmitEvent = (type: string, data: unknown, options: { id: string; source: string; namespace?: string }) => Promise<unknown>;

export function eventChannel(name: string, options: { event: string; emit: EmitEvent }): Channel {
  return {
    name,
    async send(notification: Notification): Promise<void> {
      await options.emit(options.event, notification, {
        id: notification.id,
        source: 'baton/notifications',
        ...(notification.namespace === undefined ? {} : { namespace: notification.namespace }),
      });
    },
  };
}
