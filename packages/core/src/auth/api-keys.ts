/**
 * API keys: `bk_<id>_<secret>`. The store keeps the id, a name, a role, a namespace and a SHA-256 of
 * the secret, never the secret itself; a key is shown once, when it is made.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { BatonError, ErrorCode } from '../errors/errors.js';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
/** viewer: read; operator: also start, signal, cancel, retry, resume, emit; admin: also keys and schedules. */
export type Role = (typeof ROLES)[number];

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  namespace: string;
  /** SHA-256 of the secret, hex. */
  hash: string;
  createdAt: number;
  revokedAt?: number;
}

const KEY = /^bk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._:/@-]{0,99}$/;

function invalid(message: string): BatonError {
  return new BatonError(ErrorCode.InvalidArgument, message, { retryable: false });
}

function sha256(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A new key: the token to hand out (once) and the record to store. */
export function newApiKey(options: { name: string; role: Role; namespace?: string }, now: number): { token: string; record: ApiKeyRecord } {
  if (typeof options?.name !== 'string' || !NAME.test(options.name)) throw invalid('A key needs a name of 1-100 letters, digits, spaces and . _ : / @ -.');
  if (!ROLES.includes(options.role)) throw invalid(`A key's role is one of ${ROLES.join(', ')}, not ${JSON.stringify(options.role)}.`);
  const namespace = options.namespace ?? 'default';
  if (!NAME.test(namespace)) throw invalid('A namespace is 1-100 letters, digits and . _ : / @ -.');
  const id = randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 12)
    .padEnd(12, '0');
  const secret = randomBytes(32).toString('base64url');
  return { token: `bk_${id}_${secret}`, record: { id, name: options.name, role: options.role, namespace, hash: sha256(secret), createdAt: now } };
}

/** The id and secret of a token, or undefined when it is not shaped like a key. */
export function parseApiKey(token: string): { id: string; secret: string } | undefined {
  const match = KEY.exec(token);
  return match === null ? undefined : { id: match[1]!, secret: match[2]! };
}

/** Whether `secret` is the key's (in constant time), and the key is not revoked. */
export function verifyApiKey(record: ApiKeyRecord, secret: string): boolean {
  if (record.revokedAt !== undefined) return false;
  const expected = Buffer.from(record.hash, 'hex');
  const actual = Buffer.from(sha256(secret), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Whether `role` may do what `needed` may. */
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}
