/** An email channel over SMTP (nodemailer): the title as subject, the text as body, the notification as headers. */
import nodemailer from 'nodemailer';
import type { Notification } from '@baton/core';
import type { Channel } from './channel.js';

export interface EmailChannelOptions {
  smtp: { host: string; port: number; secure?: boolean; user?: string; password?: string };
  from: string;
  to: string[];
}

export function emailChannel(name: string, options: EmailChannelOptions): Channel {
  const transport = nodemailer.createTransport({
    host: options.smtp.host,
    port: options.smtp.port,
    secure: options.smtp.secure ?? false,
    ...(options.smtp.user === undefined ? {} : { auth: { user: options.smtp.user, pass: options.smtp.password ?? '' } }),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    name,
    async send(notification: Notification): Promise<void> {
      await transport.sendMail({
        from: options.from,
        to: options.to,
        subject: `[${notification.severity}] ${notification.title}`,
        text: `${notification.text}${notification.url === undefined ? '' : `\n\n${notification.url}`}\n`,
        headers: { 'X-Baton-Notification-Id': notification.id, 'X-Baton-Notification-Kind': notification.kind },
      });
    },
  };
}
