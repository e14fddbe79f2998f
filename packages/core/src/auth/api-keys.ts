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
  /** The namespace the key was made for: where its requests act unless they choose another. */
  namespace: string;
  /**
   * Further namespaces its requests may choose to act in (the `Baton-Namespace` header), or `['*']`
   * for every namespace; absent when the key acts in its own namespace only.
   */
  namespaces?: string[];
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

/** The namespaces list that stands for every namespace. */
export const ALL_NAMESPACES = '*';
const MAX_NAMESPACES = 100;

/** Whether `namespace` is shaped like a namespace name. */
export function isNamespaceName(namespace: string): boolean {
  return NAME.test(namespace);
}

/** The further namespaces of a new key, checked: distinct names without the key's own, or `['*']`. */
function furtherNamespaces(namespace: string, namespaces: readonly string[] | undefined): string[] | undefined {
  if (namespaces === undefined) return undefined;
  if (!Array.isArray(namespaces)) throw invalid('A key\'s further namespaces are a list of namespace names, or ["*"] for every namespace.');
  if (namespaces.includes(ALL_NAMESPACES)) return [ALL_NAMESPACES];
  if (namespaces.length > MAX_NAMESPACES) throw invalid(`A key may name at most ${MAX_NAMESPACES} further namespaces; use ["*"] for every namespace.`);
  for (const name of namespaces) {
    if (typeof name !== 'string' || !NAME.test(name)) throw invalid(`${JSON.stringify(name)} is not a namespace: 1-100 letters, digits and . _ : / @ -.`);
  }
  const further = [...new Set(namespaces)].filter((name) => name !== namespace).sort();
  return further.length === 0 ? undefined : further;
}

/** Whether a request made with `key` may act in `namespace`: its own, one of its further ones, or any with `*`. */
export function keyMayActIn(key: Pick<ApiKeyRecord, 'namespace' | 'namespaces'>, namespace: string): boolean {
  return namespace === key.namespace || (key.namespaces ?? []).some((name) => name === ALL_NAMESPACES || name === namespace);
}

/** Whether `key` may act in every namespace. */
export function keyActsEverywhere(key: Pick<ApiKeyRecord, 'namespaces'>): boolean {
  return (key.namespaces ?? []).includes(ALL_NAMESPACES);
}

/** A new key: the token to hand out (once) and the record to store. */
export function newApiKey(
  options: { name: string; role: Role; namespace?: string; namespaces?: readonly string[] },
  now: number,
): { token: string; record: ApiKeyRecord } {
  if (typeof options?.name !== 'string' || !NAME.test(options.name)) throw invalid('A key needs a name of 1-100 letters, digits, spaces and . _ : / @ -.');
  if (!ROLES.includes(options.role)) throw invalid(`A key's role is one of ${ROLES.join(', ')}, not ${JSON.stringify(options.role)}.`);
  const namespace = options.namespace ?? 'default';
  if (!NAME.test(namespace)) throw invalid('A namespace is 1-100 letters, digits and . _ : / @ -.');
  const namespaces = furtherNamespaces(namespace, options.namespaces);
  const id = randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 12)
    .padEnd(12, '0');
  const secret = randomBytes(32).toString('base64url');
  return {
    token: `bk_${id}_${secret}`,
    record: {
      id,
      name: options.name,
      role: options.role,
      namespace,
      ...(namespaces === undefined ? {} : { namespaces }),
      hash: sha256(secret),
      createdAt: now,
    },
  };
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
