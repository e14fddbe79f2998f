/**
 * API keys over HTTP, for admins: list (never a secret or a hash), create (the token is in the 201
 * response and nowhere else, ever), revoke. An admin key manages the keys of the namespace the request
 * acts in only, as it sees only that namespace's runs and audit log: a key of another namespace is not
 * listed, is not found to revoke (404, as a key that does not exist: the answer does not tell it
 * exists), and cannot be made (403) — that takes an admin key that may act in that namespace, or
 * `baton keys create --db` on the server's host. A new key may be given further namespaces to act in
 * only among those the calling key may act in itself (every namespace, `*`, only by a key that has it). Any key, whatever its role, may revoke itself: giving up a key that leaked is
 * the first thing its holder should be able to do, and one locked out this way makes a new admin key
 * on the server's host. Creations and revocations are audited, refused ones too.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  ALL_NAMESPACES,
  Auditor,
  BatonError,
  ROLES,
  isBatonError,
  keyActsEverywhere,
  keyMayActIn,
  markAudited,
  newApiKey,
  roleAllows,
  systemClock,
  type ApiKeyRecord,
  type Store,
} from '@baton/core';
import { apiKeyOf, storedKeyOf } from '../acting.js';
import { AuthErrorCode } from '../auth.js';
import { ApiErrorCode, ErrorSchema, apiError } from '../errors.js';
import { ApiKeySchema, json } from '../schemas.js';

const errors = {
  400: json(ErrorSchema, 'Invalid request'),
  404: json(ErrorSchema, "No active key of the caller's namespace has this id"),
} as const;

const CreateKey = z
  .object({
    name: z.string().min(1).max(100).openapi({ description: 'What the key is for; 1-100 letters, digits, spaces and . _ : / @ -' }),
    role: z.enum(ROLES),
    namespace: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "The key's own namespace, where its requests act unless they choose another (default: the one the request acts in)" }),
    namespaces: z
      .array(z.string().min(1).max(100))
      .max(100)
      .optional()
      .openapi({ description: "Further namespaces the key may act in (with the Baton-Namespace header), or ['*'] for every namespace" }),
  })
  .openapi('CreateApiKey');

const KeyIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

export function keyJson(key: ApiKeyRecord): z.infer<typeof ApiKeySchema> {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    namespace: key.namespace,
    ...(key.namespaces === undefined ? {} : { namespaces: key.namespaces }),
    createdAt: new Date(key.createdAt).toISOString(),
    ...(key.revokedAt === undefined ? {} : { revokedAt: new Date(key.revokedAt).toISOString() }),
  };
}

/** The error for revoking a key that is not there or not active (the HTTP API and the CLI's `--db` alike). */
export function keyNotFound(id: string): BatonError {
  return new BatonError(ApiErrorCode.KeyNotFound, `No active API key has id '${id}' (never made, or revoked already); keys list shows the keys.`, {
    retryable: false,
  });
}

/** The audit log of the request's key ('local' on a server without auth, as in acting.ts). */
function auditorFor(c: Context, store: Store): Auditor {
  const caller = apiKeyOf(c);
  return new Auditor(store, systemClock, caller === undefined ? { id: 'local' } : { id: caller.id, namespace: caller.namespace });
}

/** Registers GET/POST /api/keys and DELETE /api/keys/{id} (their role, admin, is enforced by auth.ts). */
export function registerKeyRoutes(app: OpenAPIHono, store: Store): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/keys',
      tags: ['keys'],
      summary: 'List API keys',
      description: "Every key of the calling key's namespace, revoked ones included, oldest first. Needs an admin key.",
      responses: { 200: json(z.object({ keys: z.array(ApiKeySchema) }), 'The keys, without secrets') },
    }),
    async (c) => {
      const namespace = apiKeyOf(c)?.namespace;
      const keys = (await store.listApiKeys()).filter((key) => namespace === undefined || key.namespace === namespace);
      return c.json({ keys: keys.map(keyJson) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/keys',
      tags: ['keys'],
      summary: 'Create an API key',
      description:
        "Makes a key and returns its token once: only a hash is stored, so it cannot be shown again. The namespace defaults to the one the request acts in, and may not be another; further namespaces (or ['*']) must be ones the calling key may act in. Needs an admin key.",
      request: { body: { required: true, content: { 'application/json': { schema: CreateKey } } } },
      responses: {
        201: json(z.object({ key: ApiKeySchema, token: z.string().openapi({ description: 'bk_<id>_<secret>: shown only in this response' }) }), 'Created'),
        403: json(ErrorSchema, 'A namespace other than the one the request acts in, or further namespaces the calling key may not act in'),
        ...errors,
      },
    }),
    async (c) => {
      const req = c.req.valid('json');
      const caller = apiKeyOf(c);
      const stored = storedKeyOf(c) ?? caller;
      const namespace = req.namespace ?? caller?.namespace;
      const detail = {
        name: req.name,
        role: req.role,
        namespace: namespace ?? 'default',
        ...(req.namespaces === undefined ? {} : { namespaces: req.namespaces }),
      };
      const auditor = auditorFor(c, store);
      if (caller !== undefined && namespace !== caller.namespace) {
        await auditor.record('key.create', req.name, AuthErrorCode.Forbidden, detail);
        const message = `The request acts in namespace '${caller.namespace}' and manages its keys only: a key of '${namespace}' is made acting in that namespace (Baton-Namespace) with an admin key that may, or with baton keys create --db on the server's host.`;
        return c.json(apiError(AuthErrorCode.Forbidden, message), 403);
      }
      const beyond =
        stored === undefined
          ? []
          : (req.namespaces ?? []).filter((name) => (name === ALL_NAMESPACES ? !keyActsEverywhere(stored) : !keyMayActIn(stored, name)));
      if (stored !== undefined && beyond.length > 0) {
        await auditor.record('key.create', req.name, AuthErrorCode.Forbidden, detail);
        const message = `The key '${stored.name}' may not give namespaces it may not act in itself: ${beyond.map((name) => `'${name}'`).join(', ')}.`;
        return c.json(apiError(AuthErrorCode.Forbidden, message, { namespaces: beyond }), 403);
      }
      let made: { token: string; record: ApiKeyRecord };
      try {
        made = newApiKey(
          {
            name: req.name,
            role: req.role,
            ...(namespace === undefined ? {} : { namespace }),
            ...(req.namespaces === undefined ? {} : { namespaces: req.namespaces }),
          },
          Date.now(),
        );
      } catch (error) {
        await auditor.record('key.create', req.name, isBatonError(error) ? error.code : ApiErrorCode.Internal, detail);
        throw markAudited(error);
      }
      await store.createApiKey(made.record, auditor.entry('key.create', made.record.id, detail));
      return c.json({ key: keyJson(made.record), token: made.token }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/keys/{id}',
      tags: ['keys'],
      summary: 'Revoke an API key',
      description:
        'Requests with the key are refused from now on. Any key may revoke itself, whatever its role (this response is then the last it gets); revoking another key needs an admin key (403 BATON_FORBIDDEN otherwise). Unknown, already revoked or of another namespace: 404 BATON_KEY_NOT_FOUND, the same answer whichever it is.',
      request: { params: KeyIdParam },
      responses: {
        200: json(z.object({ key: ApiKeySchema }), 'The key, revoked'),
        403: json(ErrorSchema, "Another key than the caller's, without an admin key"),
        ...errors,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const caller = apiKeyOf(c);
      // Auth lets every key through to revoke itself: another key is an admin's to revoke (not looked up otherwise).
      if (caller !== undefined && caller.id !== id && !roleAllows(caller.role, 'admin')) {
        await auditorFor(c, store).record('key.revoke', id, AuthErrorCode.Forbidden, { role: caller.role });
        return c.json(
          apiError(AuthErrorCode.Forbidden, `Revoking another key needs the admin role; the key '${caller.name}' is ${caller.role} (it may revoke itself).`),
          403,
        );
      }
      const namespace = caller?.namespace;
      const found = await store.getApiKey(id);
      const key = found !== undefined && (namespace === undefined || found.namespace === namespace || found.id === caller?.id) ? found : undefined;
      const now = Date.now();
      const detail = key === undefined ? {} : { name: key.name, role: key.role };
      const auditor = auditorFor(c, store);
      if (key === undefined || key.revokedAt !== undefined || !(await store.revokeApiKey(id, now, auditor.entry('key.revoke', id, detail)))) {
        await auditor.record('key.revoke', id, ApiErrorCode.KeyNotFound, detail);
        throw markAudited(keyNotFound(id));
      }
      return c.json({ key: keyJson({ ...key, revokedAt: now }) }, 200);
    },
  );
}
