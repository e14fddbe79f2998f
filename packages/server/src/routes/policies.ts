/**
 * Agent policies over HTTP: which models, tools and MCP servers the runs of a namespace may use.
 * Any key reads its namespace's policy; an admin key sets or removes it (PUT / DELETE, audited as
 * `policy.set` / `policy.delete`, refused ones too). As with keys, an admin key governs its own
 * namespace only (403 otherwise); a server without auth governs every namespace. Runs read the
 * policy once, at their first model call or MCP request, and keep it (see core's agent-policy.ts).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AgentPolicy, Auditor, BatonError, markAudited, systemClock, type AgentPolicyRecord, type Store } from '@baton/core';
import { apiKeyOf } from '../acting.js';
import { AuthErrorCode } from '../auth.js';
import { ApiErrorCode, ErrorSchema, apiError } from '../errors.js';
import { json, NamespaceParam } from '../schemas.js';

const PolicyName = z.string().min(1).max(200);

const Rule = z
  .strictObject({
    allow: z.array(PolicyName).max(500).optional().openapi({ description: 'Only these (names, or prefixes ending in *) may be used' }),
    deny: z.array(PolicyName).max(500).optional().openapi({ description: 'These (names, or prefixes ending in *) may never be used' }),
  })
  .openapi('PolicyRule');

export const PolicySchema = z
  .strictObject({
    models: Rule.optional().openapi({ description: "Models as provider:model ('openai:gpt-4o-mini', 'anthropic:*')" }),
    tools: Rule.optional().openapi({ description: 'Tools an agent may be offered, by name' }),
    mcpServers: Rule.optional().openapi({ description: 'MCP servers ctx.mcp may send requests to, by name' }),
  })
  .openapi('AgentPolicy');

export const PolicyRecordSchema = z
  .object({ namespace: z.string(), policy: PolicySchema, updatedAt: z.string(), updatedBy: z.string() })
  .openapi('AgentPolicyRecord');

function recordJson(record: AgentPolicyRecord): z.infer<typeof PolicyRecordSchema> {
  return { ...record, updatedAt: new Date(record.updatedAt).toISOString() };
}

function policyNotFound(namespace: string): BatonError {
  return new BatonError(ApiErrorCode.PolicyNotFound, `The namespace '${namespace}' has no agent policy: its runs may use any model, tool and MCP server.`, {
    retryable: false,
  });
}

function auditorFor(c: Context, store: Store): Auditor {
  const caller = apiKeyOf(c);
  return new Auditor(store, systemClock, caller === undefined ? { id: 'local' } : { id: caller.id, namespace: caller.namespace });
}

/** The 403 for a key acting on another namespace's policy, or undefined when it may. */
function otherNamespace(c: Context, namespace: string): string | undefined {
  const caller = apiKeyOf(c);
  if (caller === undefined || caller.namespace === namespace) return undefined;
  return `The key '${caller.name}' governs namespace '${caller.namespace}' only: the policy of '${namespace}' takes a key of that namespace.`;
}

/** Registers GET /api/policies, GET/PUT/DELETE /api/policies/{namespace} (PUT and DELETE need admin, see auth.ts). */
export function registerPolicyRoutes(app: OpenAPIHono, store: Store): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/policies',
      tags: ['policies'],
      summary: 'List agent policies',
      description: "The agent policy of the calling key's namespace (every namespace's on a server without auth).",
      responses: { 200: json(z.object({ policies: z.array(PolicyRecordSchema) }), 'The policies, by namespace') },
    }),
    async (c) => {
      const namespace = apiKeyOf(c)?.namespace;
      const policies = (await store.listAgentPolicies()).filter((p) => namespace === undefined || p.namespace === namespace);
      return c.json({ policies: policies.map(recordJson) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/policies/{namespace}',
      tags: ['policies'],
      summary: "Read a namespace's agent policy",
      request: { params: NamespaceParam },
      responses: {
        200: json(PolicyRecordSchema, 'The policy'),
        404: json(ErrorSchema, "The namespace has no policy, or is not the key's (the same answer)"),
      },
    }),
    async (c) => {
      const { namespace } = c.req.valid('param');
      // Another namespace's policy is answered as one that does not exist: a key learns nothing of it.
      if (otherNamespace(c, namespace) !== undefined) throw policyNotFound(namespace);
      const record = await store.getAgentPolicy(namespace);
      if (record === undefined) throw policyNotFound(namespace);
      return c.json(recordJson(record), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/policies/{namespace}',
      tags: ['policies'],
      summary: "Set a namespace's agent policy",
      description:
        'Replaces the policy of the namespace: runs that have not read it yet (at their first model call or MCP request) follow it; runs that did keep the one they read. Audited as policy.set. Needs an admin key of the namespace.',
      request: { params: NamespaceParam, body: { required: true, content: { 'application/json': { schema: PolicySchema } } } },
      responses: {
        200: json(PolicyRecordSchema, 'The policy as set'),
        400: json(ErrorSchema, 'Invalid policy'),
        403: json(ErrorSchema, "Another namespace than the key's"),
      },
    }),
    async (c) => {
      const { namespace } = c.req.valid('param');
      const auditor = auditorFor(c, store);
      const refused = otherNamespace(c, namespace);
      if (refused !== undefined) {
        await auditor.record('policy.set', namespace, AuthErrorCode.Forbidden);
        return c.json(apiError(AuthErrorCode.Forbidden, refused), 403);
      }
      const parsed = AgentPolicy.safeParse(c.req.valid('json'));
      if (!parsed.success) {
        await auditor.record('policy.set', namespace, 'BATON_INVALID_ARGUMENT');
        const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
        return c.json(apiError('BATON_INVALID_ARGUMENT', `The policy is not valid: ${problems}.`), 400);
      }
      const caller = apiKeyOf(c);
      const record: AgentPolicyRecord = { namespace, policy: parsed.data, updatedAt: Date.now(), updatedBy: caller?.id ?? 'local' };
      await store.putAgentPolicy(record, auditor.entry('policy.set', namespace, { policy: parsed.data }));
      return c.json(recordJson(record), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/policies/{namespace}',
      tags: ['policies'],
      summary: "Remove a namespace's agent policy",
      description: 'Runs that have not read the policy yet are no longer restricted. Audited as policy.delete. Needs an admin key of the namespace.',
      request: { params: NamespaceParam },
      responses: {
        200: json(z.object({ deleted: z.literal(true) }), 'Removed'),
        403: json(ErrorSchema, "Another namespace than the key's"),
        404: json(ErrorSchema, 'The namespace has no policy'),
      },
    }),
    async (c) => {
      const { namespace } = c.req.valid('param');
      const auditor = auditorFor(c, store);
      const refused = otherNamespace(c, namespace);
      if (refused !== undefined) {
        await auditor.record('policy.delete', namespace, AuthErrorCode.Forbidden);
        return c.json(apiError(AuthErrorCode.Forbidden, refused), 403);
      }
      if (!(await store.deleteAgentPolicy(namespace, auditor.entry('policy.delete', namespace)))) {
        await auditor.record('policy.delete', namespace, ApiErrorCode.PolicyNotFound);
        throw markAudited(policyNotFound(namespace));
      }
      return c.json({ deleted: true as const }, 200);
    },
  );
}
