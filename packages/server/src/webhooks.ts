/**
 * Webhooks: `POST /hooks/:name` starts the workflow bound to the hook with the JSON body as input.
 * A hook with a secret checks an HMAC-SHA256 signature over the timestamp and the raw body
 * (`X-Baton-Signature: t=<unix seconds>,v1=<hex>`) and refuses timestamps outside its window; the
 * signature also names the run, so a delivery repeated inside the window starts nothing new. A
 * hook without a secret needs an operator API key instead.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface WebhookOptions {
  /** The path segment: /hooks/<name>. */
  name: string;
  /** The workflow each delivery starts. */
  workflow: string;
  /** Shared secret for the HMAC-SHA256 signature; without one the hook needs an operator key. */
  secret?: string;
  /** How far a signature's timestamp may be from now, in seconds. Default 300. */
  toleranceSeconds?: number;
  /**
   * The namespace the hook belongs to (default 'default'): a signed delivery's run starts there, and
   * keys of other namespaces neither see the hook nor call it unsigned (404).
   */
  namespace?: string;
}

export interface WebhookDefinition extends Required<Omit<WebhookOptions, 'secret'>> {
  /** Marks a definition, so a module's exports can be told apart (see isWebhook). */
  readonly kind: 'baton.webhook';
  readonly secret: string | undefined;
}

/** Whether a value is a webhook made by defineWebhook (checked by shape, so any copy of this package's work). */
export function isWebhook(value: unknown): value is WebhookDefinition {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'baton.webhook';
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const NAMESPACE = /^[A-Za-z0-9._:/@-]{1,100}$/;

export function defineWebhook(options: WebhookOptions): WebhookDefinition {
  if (typeof options?.name !== 'string' || !NAME.test(options.name))
    throw new TypeError(`Invalid webhook name ${JSON.stringify(options?.name)}: use 1-100 letters, digits and . _ -.`);
  if (typeof options.workflow !== 'string' || options.workflow.length === 0)
    throw new TypeError(`Webhook '${options.name}' needs the name of the workflow it starts.`);
  if (options.namespace !== undefined && (typeof options.namespace !== 'string' || !NAMESPACE.test(options.namespace))) {
    throw new TypeError(`Webhook '${options.name}': a namespace is 1-100 letters, digits and . _ : / @ -.`);
  }
  if (options.secret !== undefined && (typeof options.secret !== 'string' || options.secret.length < 16)) {
    throw new TypeError(`Webhook '${options.name}': a secret must be at least 16 characters.`);
  }
  return Object.freeze({
    kind: 'baton.webhook',
    name: options.name,
    workflow: options.workflow,
    secret: options.secret,
    toleranceSeconds: options.toleranceSeconds ?? 300,
    namespace: options.namespace ?? 'default',
  });
}

/** The header value a sender puts on a delivery (for senders and tests). */
export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

export type SignatureCheck = { ok: true; deliveryId: string } | { ok: false; reason: string };

/** Checks a delivery's signature header against the raw body, now (epoch ms). */
export function checkSignature(hook: WebhookDefinition, header: string | undefined, body: string, now: number): SignatureCheck {
  if (hook.secret === undefined) return { ok: false, reason: 'this hook has no secret' };
  const parts = new Map((header ?? '').split(',').map((part) => part.trim().split('=', 2) as [string, string | undefined]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(v1))
    return { ok: false, reason: 'The X-Baton-Signature header is missing or malformed (t=<unix seconds>,v1=<hex HMAC-SHA256>).' };
  if (Math.abs(now / 1000 - t) > hook.toleranceSeconds)
    return { ok: false, reason: `The signature's timestamp is outside the ${hook.toleranceSeconds} s window (a replay, or a clock far off).` };
  const expected = createHmac('sha256', hook.secret).update(`${t}.${body}`).digest();
  const actual = Buffer.from(v1, 'hex');
  if (!timingSafeEqual(expected, actual)) return { ok: false, reason: 'The signature does not match the body.' };
  return { ok: true, deliveryId: createHash('sha256').update(v1).digest('hex').slice(0, 32) };
}
