/**
 * Notification channels against real receivers on loopback: a webhook receiver that verifies the
 * HMAC signature, a Slack-compatible receiver, an SMTP server (smtp-server), and Baton's event log;
 * a failing receiver is tried again with back-off and its outcome says why it failed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Severity, silentLogger, type Notification } from '@baton/core';
import { createNotifier } from '../src/channels/notifier.js';

const SECRET = 'a-webhook-secret-of-some-length';

const notification: Notification = {
  id: 'alert:rate:7',
  kind: 'alert.firing',
  severity: Severity.Critical,
  title: 'Invoices failing: failure rate of invoice is 40.0%, above 5.0%',
  text: "The alert 'Invoices failing' is firing.",
  at: Date.UTC(2030, 0, 1, 12),
  namespace: 'default',
  workflow: 'invoice',
  data: { ruleId: 'rate', value: 0.4 },
};

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let http: Server;
let base: string;
const received: Received[] = [];
let failuresLeft = 0;

beforeAll(async () => {
  http = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      if (req.url === '/flaky' && failuresLeft > 0) {
        failuresLeft--;
        res.writeHead(503).end('busy');
      } else if (req.url === '/broken') res.writeHead(500).end('receiver is broken');
      else res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => http.close(resolve));
});

function verify(header: string, body: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]+)$/.exec(header);
  if (match === null) return false;
  const expected = createHmac('sha256', SECRET).update(`${match[1]}.${body}`).digest();
  const actual = Buffer.from(match[2]!, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

describe('notification channels', () => {
  it('posts a signed JSON body to a webhook, and a Slack message to a Slack-compatible webhook', async () => {
    const notifier = createNotifier(
      {
        ops: { type: 'webhook', url: `${base}/hook`, secret: SECRET, headers: { 'x-team': 'billing' } },
        chat: { type: 'slack', url: `${base}/slack` },
      },
      { logger: silentLogger },
    );
    expect(notifier.channels()).toEqual(['ops', 'chat']);
    const outcomes = await notifier.notify(['ops', 'chat'], notification);
    expect(outcomes).toEqual([
      { channel: 'ops', delivered: true },
      { channel: 'chat', delivered: true },
    ]);
    const hook = received.find((r) => r.path === '/hook')!;
    expect(hook.headers['content-type']).toBe('application/json');
    expect(hook.headers['x-team']).toBe('billing');
    const signature = hook.headers['x-baton-signature'] as string;
    expect(signature.startsWith(`t=${Math.floor(notification.at / 1000)},`)).toBe(true);
    expect(verify(signature, hook.body)).toBe(true);
    expect(verify(signature, hook.body.replace('40.0%', '4.0%'))).toBe(false);
    expect(JSON.parse(hook.body)).toEqual(notification);

    const slack = JSON.parse(received.find((r) => r.path === '/slack')!.body) as { text: string; blocks: { type: string }[] };
    expect(slack.text).toContain(notification.title);
    expect(slack.blocks.map((b) => b.type)).toEqual(['section', 'context']);
    expect(JSON.stringify(slack.blocks)).toContain('workflow `invoice`');
  });

  it('tries a failing channel again with back-off, and reports one that keeps failing without stopping the others', async () => {
    failuresLeft = 2;
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (_: Record<string, unknown>, message: string) => void warnings.push(message) };
    const notifier = createNotifier(
      { flaky: { type: 'webhook', url: `${base}/flaky` }, broken: { type: 'webhook', url: `${base}/broken` }, fine: { type: 'slack', url: `${base}/slack` } },
      { logger, retries: 2, minBackoffMs: 10, maxBackoffMs: 20 },
    );
    const before = received.filter((r) => r.path === '/flaky').length;
    const outcomes = await notifier.notify(['flaky', 'broken', 'fine', 'nowhere'], notification);
    expect(outcomes[0]).toEqual({ channel: 'flaky', delivered: true });
    expect(received.filter((r) => r.path === '/flaky').length - before).toBe(3);
    expect(outcomes[1]).toMatchObject({ channel: 'broken', delivered: false });
    expect(outcomes[1]?.error).toContain('HTTP 500: receiver is broken');
    expect(outcomes[2]).toEqual({ channel: 'fine', delivered: true });
    expect(outcomes[3]).toMatchObject({ channel: 'nowhere', delivered: false });
    expect(outcomes[3]?.error).toContain("No channel named 'nowhere'");
    expect(warnings.filter((w) => w.includes("'broken'"))).toHaveLength(3);
  });

  it('sends an email over SMTP', async () => {
    const mails: { from: string; to: string[]; data: string }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    try {
      const port = (smtp.server.address() as AddressInfo).port;
      const notifier = createNotifier(
        { mail: { type: 'email', smtp: { host: '127.0.0.1', port }, from: 'baton@example.test', to: ['oncall@example.test', 'lead@example.test'] } },
        { logger: silentLogger },
      );
      expect(await notifier.notify(['mail'], notification)).toEqual([{ channel: 'mail', delivered: true }]);
      expect(mails).toHaveLength(1);
      expect(mails[0]?.from).toBe('baton@example.test');
      expect(mails[0]?.to).toEqual(['oncall@example.test', 'lead@example.test']);
      expect(mails[0]?.data).toContain('Subject: [critical] Invoices failing');
      expect(mails[0]?.data).toMatch(/X-Baton-Notification-Id: alert:rate:7/i);
      expect(mails[0]?.data).toContain("The alert 'Invoices failing' is firing.");
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });

  it("emits an event on the event log of the notification's namespace, deduplicated by the notification id", async () => {
    const emitted: { type: string; data: unknown; id: string; namespace?: string }[] = [];
    const notifier = createNotifier(
      { bus: { type: 'event', event: 'baton.alert' } },
      { logger: silentLogger, emit: async (type, data, options) => void emitted.push({ type, data, ...options }) },
    );
    expect(await notifier.notify(['bus'], notification)).toEqual([{ channel: 'bus', delivered: true }]);
    const tenant = { ...notification, id: 'alert:rate:8', namespace: 'team-a' };
    expect(await notifier.notify(['bus'], tenant)).toEqual([{ channel: 'bus', delivered: true }]);
    expect(emitted).toEqual([
      { type: 'baton.alert', data: notification, id: 'alert:rate:7', source: 'baton/notifications', namespace: 'default' },
      { type: 'baton.alert', data: tenant, id: 'alert:rate:8', source: 'baton/notifications', namespace: 'team-a' },
    ]);
    expect(() => createNotifier({ bus: { type: 'event', event: 'baton.alert' } })).toThrow(/no way to emit/);
  });
});
