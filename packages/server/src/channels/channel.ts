/** What every notification channel is: one delivery attempt of a notification, throwing when it failed. */
import type { Notification } from '@baton/core';

export interface Channel {
  readonly name: string;
  /** One attempt; throws (with a message saying why) when the receiver did not take it. */
  send(notification: Notification): Promise<void>;
}

/** The JSON body webhook receivers get: the notification as it is. */
export function notificationBody(notification: Notification): string {
  return JSON.stringify(notification);
}

/** Fails an HTTP delivery that got anything but a 2xx answer, with the start of the answer's text. */
export async function expectAccepted(response: Response, what: string): Promise<void> {
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const text = (await response.text().catch(() => '')).slice(0, 200);
  throw new Error(`${what} answered HTTP ${response.status}${text === '' ? '' : `: ${text}`}`);
}
