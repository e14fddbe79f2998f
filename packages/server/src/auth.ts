/**
 * API keys and roles. Every route but /api/health, /api/openapi.json and /api/docs needs a key; what
 * a key may do follows from its role: a viewer reads, an operator also starts, signals, cancels,
 * retries, resumes and emits events, an admin also manages schedules and keys (and lists keys).
 */
import { parseApiKey, roleAllows, verifyApiKey, type Role, type Store } from '@baton/core';
import type { Context, MiddlewareHandler } from 'hono';
import { apiError } from './errors.js';

export const AuthErrorCode = {
  Unauthorized: 'BATON_UNAUTHORIZED',
  Forbidden: 'BATON_FORBIDDEN',
} as const;

/** Routes anyone may read: the health check, and the API's description (not a secret). */
const PUBLIC_PATHS = new Set(['/api/health', '/api/openapi.json', '/api/docs']);

/** The role a request needs, by method and path (undefined: none). */
export function requiredRole(method: string, path: string): Role | undefined {
  if (PUBLIC_PATHS.has(path)) return undefined;
  // Keys are an admin's, to read as much as to change: a key list tells who may do what.
  if (path === '/api/keys' || path.startsWith('/api/keys/')) return 'admin';
  // The audit log tells who did what: an admin's to read.
  if (path === '/api/audit') return 'admin';
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return 'viewer';
  if (path.startsWith('/api/schedules')) return 'admin';
  return 'operator';
}

function tokenOf(authorization: string | undefined, apiKey: string | undefined): string | undefined {
  if (apiKey !== undefined && apiKey.length > 0) return apiKey.trim();
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

export function authenticate(store: Store): MiddlewareHandler {
  return async (c, next) => {
    const needed = requiredRole(c.req.method, c.req.path);
    if (needed === undefined) return next();
    const refused = await authorize(store, c, needed);
    return refused ?? next();
  };
}

/** Checks the request's API key for `needed`; a refusal response (401 or 403), or undefined when allowed. */
export async function authorize(store: Store, c: Context, needed: Role): Promise<Response | undefined> {
  {
    const token = tokenOf(c.req.header('authorization'), c.req.header('x-api-key'));
    const parsed = token === undefined ? undefined : parseApiKey(token);
    const key = parsed === undefined ? undefined : await store.getApiKey(parsed.id);
    if (parsed === undefined || key === undefined || !verifyApiKey(key, parsed.secret)) {
      c.header('WWW-Authenticate', 'Bearer realm="baton"');
      return c.json(
        apiError(
          AuthErrorCode.Unauthorized,
          token === undefined
            ? 'This route needs an API key: send Authorization: Bearer <key> (baton keys create makes one).'
            : 'The API key is not valid (unknown, mistyped or revoked).',
        ),
        401,
      );
    }
    if (!roleAllows(key.role, needed)) {
      return c.json(apiError(AuthErrorCode.Forbidden, `This needs the ${needed} role; the key '${key.name}' is ${key.role}.`), 403);
    }
    c.set('apiKey' as never, key as never);
    return undefined;
  }
}
