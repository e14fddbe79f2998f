/**
 * API keys and roles. Every route but /api/health, /api/openapi.json and /api/docs needs a key; what
 * a key may do follows from its role, and where it does it from its namespaces: a request acts in the
 * key's own namespace, or in another it may use, chosen with the Baton-Namespace header (403
 * BATON_NAMESPACE_FORBIDDEN for one it may not). What a viewer reads (and draws and simulates draft definitions),
 * an operator also starts, signals, cancels, retries, resumes, emits events and plans, an admin also manages schedules, keys, definitions and failure workflows (and lists keys). Any
 * key may revoke itself.
 */
import { isNamespaceName, keyMayActIn, parseApiKey, roleAllows, verifyApiKey, type ApiKeyRecord, type Role, type Store } from '@baton/core';
import type { Context, MiddlewareHandler } from 'hono';
import { STORED_KEY } from './acting.js';
import { apiError } from './errors.js';
import { auditRefusal } from './refusal-audit.js';

export const AuthErrorCode = {
  Unauthorized: 'BATON_UNAUTHORIZED',
  Forbidden: 'BATON_FORBIDDEN',
  /** The request chose (with the Baton-Namespace header) a namespace its key may not act in. */
  NamespaceForbidden: 'BATON_NAMESPACE_FORBIDDEN',
} as const;

/** The header a request chooses the namespace it acts in with (default: its key's own). */
export const NAMESPACE_HEADER = 'Baton-Namespace';

/** Pages a browser opens by address: it cannot send a bearer token, so they ask for the key as a password. */
const BROWSER_PAGES = new Set(['/api/docs', '/api/openapi.json']);

/** The role a request needs, by method and path (undefined: none, for the health check alone). */
export function requiredRole(method: string, path: string): Role | undefined {
  if (path === '/api/health') return undefined;
  // Any key may revoke itself (giving up a leaked key comes first); the route needs admin for any other.
  if (method === 'DELETE' && /^\/api\/keys\/[^/]+$/.test(path)) return 'viewer';
  // Keys are an admin's, to read as much as to change: a key list tells who may do what.
  if (path === '/api/keys' || path.startsWith('/api/keys/')) return 'admin';
  // The audit log tells who did what: an admin's to read.
  if (path === '/api/audit') return 'admin';
  // Alert rules say who is woken at night and what for: an admin's, to read as much as to change.
  if (path === '/api/alerts' || path.startsWith('/api/alerts/')) return 'admin';
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return 'viewer';
  // Drawing a draft and simulating one change nothing and reach nothing outside the process: a read.
  if (method === 'POST' && (path === '/api/definitions/graph' || path === '/api/simulations')) return 'viewer';
  if (path.startsWith('/api/schedules')) return 'admin';
  // Quotas say how much a namespace may do: an admin's to change (routes/quotas.ts says which admins).
  if (path === '/api/quotas' || path.startsWith('/api/quotas/')) return 'admin';
  // Agent policies govern what every run of a namespace may call: an admin's to change.
  if (path.startsWith('/api/policies')) return 'admin';
  // What every failure of a namespace starts is the namespace's configuration: an admin's.
  if (path.startsWith('/api/failure-workflows')) return 'admin';
  // Moving runs to another version changes what code they go on with, as a deploy does: an admin's.
  if (/^\/api\/workflows\/[^/]+\/migrations$/.test(path)) return 'admin';
  // A deploy changes what workers run (and with what access to hosts and secrets), as code does: an admin's.
  if (path.startsWith('/api/definitions')) return 'admin';
  return 'operator';
}

/**
 * The key a request carries: `X-API-Key`, `Authorization: Bearer <key>`, or (from a browser's
 * password prompt) `Authorization: Basic` with the key as the password or the user name.
 */
function tokenOf(authorization: string | undefined, apiKey: string | undefined): string | undefined {
  if (apiKey !== undefined && apiKey.length > 0) return apiKey.trim();
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (bearer !== null) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]{1,1000})\s*$/i.exec(authorization ?? '');
  if (basic === null) return undefined;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const [user, password] = colon < 0 ? [decoded, ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  return [password, user].find((part) => part.startsWith('bk_')) ?? (password || user || undefined);
}

export function authenticate(store: Store): MiddlewareHandler {
  return async (c, next) => {
    const needed = requiredRole(c.req.method, c.req.path);
    if (needed === undefined) return next();
    const refused = await authorize(store, c, needed);
    return refused ?? next();
  };
}

/** The namespaces a key may act in: its own first, then its further ones (`*` for every namespace). */
export function namespacesOf(key: Pick<ApiKeyRecord, 'namespace' | 'namespaces'>): string[] {
  return [key.namespace, ...(key.namespaces ?? [])];
}

/** Checks the request's API key for `needed`; a refusal response (401 or 403), or undefined when allowed. */
export async function authorize(store: Store, c: Context, needed: Role): Promise<Response | undefined> {
  {
    const token = tokenOf(c.req.header('authorization'), c.req.header('x-api-key'));
    const parsed = token === undefined ? undefined : parseApiKey(token);
    const key = parsed === undefined ? undefined : await store.getApiKey(parsed.id);
    if (parsed === undefined || key === undefined || !verifyApiKey(key, parsed.secret)) {
      c.header(
        'WWW-Authenticate',
        BROWSER_PAGES.has(c.req.path) ? 'Basic realm="Baton API: paste an API key as the password", charset="UTF-8"' : 'Bearer realm="baton"',
      );
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
      await auditRefusal(store, c, AuthErrorCode.Forbidden, { auth: true, key, detail: { needed, role: key.role } });
      return c.json(apiError(AuthErrorCode.Forbidden, `This needs the ${needed} role; the key '${key.name}' is ${key.role}.`), 403);
    }
    const chosen = c.req.header(NAMESPACE_HEADER)?.trim();
    const namespace = chosen === undefined || chosen === '' ? key.namespace : chosen;
    if (!isNamespaceName(namespace) || !keyMayActIn(key, namespace)) {
      await auditRefusal(store, c, AuthErrorCode.NamespaceForbidden, { auth: true, key, detail: { namespace: namespace.slice(0, 100) } });
      const allowed = namespacesOf(key);
      return c.json(
        apiError(
          AuthErrorCode.NamespaceForbidden,
          `The key '${key.name}' may not act in namespace ${JSON.stringify(namespace.slice(0, 100))}: send ${NAMESPACE_HEADER} with one of ${allowed.join(', ')}, or leave it out to act in '${key.namespace}'.`,
          { namespaces: allowed },
        ),
        403,
      );
    }
    c.set(STORED_KEY as never, key as never);
    // Routes read the key's namespace as the one the request acts in (acting.ts).
    c.set('apiKey' as never, (namespace === key.namespace ? key : { ...key, namespace }) as never);
    return undefined;
  }
}
