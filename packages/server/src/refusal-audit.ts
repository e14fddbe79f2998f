/**
 * Audit entries for calls refused before a client could record them: a key without the role a
 * change needs (403), a request that fails validation (400), and any other 4xx a change got that
 * no client recorded. Only calls that would change something are recorded (reads never are), under
 * the action the change would have been recorded with, by the request's key ('local' without auth;
 * `hook:<name>` for a webhook delivery whose signature held). Requests no key or signature vouches
 * for are not recorded: they must not be able to fill the log.
 */
import { Auditor, systemClock, type ApiKeyRecord, type Store } from '@baton/core';
import type { Context } from 'hono';
import { apiKeyOf } from './acting.js';

interface AuditedRoute {
  method: string;
  pattern: RegExp;
  /** The action, with `$2` standing for the path's second match (`run.$2`: run.cancel, run.retry…). */
  action: string;
  /** For a route without an id in its path: the body field that names what the call acts on. */
  bodyTarget?: string;
}

/** The mutating routes and the actions their changes are audited as (see the clients and routes/keys.ts). */
const ROUTES: AuditedRoute[] = [
  { method: 'POST', pattern: /^\/api\/runs$/, action: 'run.start', bodyTarget: 'id' },
  // A plan is a run of the planner workflow: its start is recorded by the client as run.start.
  { method: 'POST', pattern: /^\/api\/plans$/, action: 'run.start', bodyTarget: 'id' },
  { method: 'POST', pattern: /^\/api\/runs\/([^/]+)\/(signal|cancel|retry|resume)$/, action: 'run.$2' },
  { method: 'POST', pattern: /^\/api\/events$/, action: 'event.emit', bodyTarget: 'id' },
  { method: 'POST', pattern: /^\/api\/schedules$/, action: 'schedule.create', bodyTarget: 'id' },
  { method: 'PATCH', pattern: /^\/api\/schedules\/([^/]+)$/, action: 'schedule.update' },
  { method: 'DELETE', pattern: /^\/api\/schedules\/([^/]+)$/, action: 'schedule.delete' },
  { method: 'POST', pattern: /^\/api\/schedules\/([^/]+)\/(pause|resume)$/, action: 'schedule.$2' },
  { method: 'POST', pattern: /^\/api\/keys$/, action: 'key.create', bodyTarget: 'name' },
  { method: 'POST', pattern: /^\/api\/definitions$/, action: 'definition.deploy' },
  { method: 'DELETE', pattern: /^\/api\/keys\/([^/]+)$/, action: 'key.revoke' },
  { method: 'PUT', pattern: /^\/api\/quotas\/([^/]+)$/, action: 'quota.set' },
  { method: 'DELETE', pattern: /^\/api\/quotas\/([^/]+)$/, action: 'quota.delete' },
  { method: 'PUT', pattern: /^\/api\/policies\/([^/]+)$/, action: 'policy.set' },
  { method: 'DELETE', pattern: /^\/api\/policies\/([^/]+)$/, action: 'policy.delete' },
  { method: 'POST', pattern: /^\/api\/inbox\/([^/]+)\/(claim|release)$/, action: 'inbox.$2' },
  { method: 'POST', pattern: /^\/hooks\/([^/]+)$/, action: 'run.start' },
];

/** The request's context variable naming a webhook whose delivery's signature held (see vouchForHook). */
const SIGNED_HOOK = 'batonSignedHook';

/** Notes that this request is a delivery of the webhook `name` with a valid signature: its refusals are recorded as the hook's. */
export function vouchForHook(c: Context, name: string): void {
  c.set(SIGNED_HOOK as never, name as never);
}

/** The longest target or detail text an entry takes from a request. */
const MAX_TEXT = 200;

/** The action a mutating call is audited as, and what it acts on by its path; undefined for reads and unknown routes. */
export function auditedCall(method: string, path: string): { action: string; target: string; hook?: string; bodyTarget?: string } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match === null) continue;
    const id = match[1] === undefined ? '' : decoded(match[1]);
    const action = route.action.replace('$2', match[2] ?? '');
    if (path.startsWith('/hooks/')) return { action, target: '', hook: id };
    return { action, target: id, ...(route.bodyTarget === undefined ? {} : { bodyTarget: route.bodyTarget }) };
  }
  return undefined;
}

/**
 * Records that the request's call was refused with `result` (an error code), when it is a change.
 * `key` is the caller's key when auth has not put it on the request yet (a 403 from auth itself).
 */
export async function auditRefusal(
  store: Store,
  c: Context,
  result: string,
  options: { auth: boolean; key?: ApiKeyRecord; detail?: Record<string, unknown> },
): Promise<void> {
  const call = auditedCall(c.req.method, c.req.path);
  if (call === undefined) return;
  const key = options.key ?? apiKeyOf(c);
  const signed = c.get(SIGNED_HOOK as never) as string | undefined;
  const actor =
    key !== undefined
      ? { id: key.id, namespace: key.namespace }
      : signed !== undefined
        ? { id: `hook:${signed}` }
        : options.auth || call.hook !== undefined
          ? undefined
          : { id: 'local' };
  if (actor === undefined) return;
  const target = call.target !== '' || call.bodyTarget === undefined ? call.target : await bodyField(c, call.bodyTarget);
  const detail = { ...(call.hook === undefined ? {} : { hook: call.hook }), ...options.detail };
  await new Auditor(store, systemClock, actor).record(call.action, target, result, Object.keys(detail).length === 0 ? undefined : detail);
}

/** A string field of the request's JSON body (read once and kept by Hono), or '' when there is none. */
async function bodyField(c: Context, field: string): Promise<string> {
  try {
    const body = (await c.req.json()) as unknown;
    const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
    return typeof value === 'string' ? value.slice(0, MAX_TEXT) : '';
  } catch {
    return '';
  }
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment).slice(0, MAX_TEXT);
  } catch {
    return segment.slice(0, MAX_TEXT);
  }
}

/** What a validation failure's entry keeps: the paths of the fields that failed (not their values or messages). */
export function invalidFields(issues: readonly { path: readonly PropertyKey[] }[]): Record<string, unknown> {
  return { fields: [...new Set(issues.map((issue) => issue.path.map(String).join('.') || '(root)'))].slice(0, 20).map((f) => f.slice(0, MAX_TEXT)) };
}
