/**
 * Alert rules over HTTP, for admins of the rules' namespace: list rules with their state, create,
 * replace and delete rules (each change audited, refused ones too), and list recent transitions.
 * Rules are validated by the same schema as the alerts file; channels must be ones the server has.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  Auditor,
  BatonError,
  alertRuleSchema,
  crossCheckRules,
  describeIssues,
  markAudited,
  systemClock,
  type AlertRule,
  type AlertRuleRecord,
  type AlertState,
  type AlertTransitionRecord,
  type Store,
} from '@baton/core';
import { apiKeyOf } from '../acting.js';
import { ApiErrorCode, ErrorSchema } from '../errors.js';
import { json } from '../schemas.js';

export interface AlertRouteOptions {
  /** The channel names rules may use (the server's alerts file); undefined: any name is accepted. */
  channels?: readonly string[];
}

const RuleSchema = z.record(z.string(), z.unknown()).openapi('AlertRule', {
  description:
    'An alert rule: { id, name, namespace?, condition: { kind, … }, threshold, window?, severity?, channels?, repeatEvery?, enabled? } (see docs/operations.md, Alerts)',
});
const RuleWithState = z.record(z.string(), z.unknown()).openapi('AlertRuleWithState');
const Transition = z
  .object({
    id: z.number(),
    ruleId: z.string(),
    namespace: z.string(),
    kind: z.enum(['firing', 'repeat', 'resolved']),
    value: z.number().nullable(),
    threshold: z.number(),
    at: z.string(),
    outcomes: z.array(z.object({ channel: z.string(), delivered: z.boolean(), error: z.string().optional() })),
  })
  .openapi('AlertTransition');
const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

const errors = { 400: json(ErrorSchema, 'The rule does not validate'), 404: json(ErrorSchema, "No rule of the key's namespace has this id") } as const;

function ruleJson(rule: AlertRuleRecord, state: AlertState | undefined): Record<string, unknown> {
  const { createdAt, updatedAt, ...rest } = rule;
  return {
    ...rest,
    createdAt: new Date(createdAt).toISOString(),
    updatedAt: new Date(updatedAt).toISOString(),
    state:
      state === undefined
        ? { firing: false }
        : {
            firing: state.firing,
            value: state.value,
            since: new Date(state.since).toISOString(),
            ...(state.notifiedAt === null ? {} : { notifiedAt: new Date(state.notifiedAt).toISOString() }),
          },
  };
}

export function transitionJson(t: AlertTransitionRecord): z.infer<typeof Transition> {
  return { ...t, at: new Date(t.at).toISOString() };
}

function auditorFor(c: Context, store: Store): Auditor {
  const caller = apiKeyOf(c);
  return new Auditor(store, systemClock, caller === undefined ? { id: 'local' } : { id: caller.id, namespace: caller.namespace });
}

/** Validates a rule for the caller's namespace; throws BATON_INVALID_ALERT_RULE with every problem. */
function validRule(body: unknown, namespace: string, channels: readonly string[] | undefined, id?: string): AlertRule {
  const input = typeof body === 'object' && body !== null && !Array.isArray(body) ? { namespace, ...(id === undefined ? {} : { id }), ...body } : body;
  const parsed = alertRuleSchema.safeParse(input);
  const issues = parsed.success
    ? crossCheckRules([parsed.data], channels).map((i) => ({ ...i, path: i.path.replace(/^rules\.0\./, '') }))
    : describeIssues(parsed.error);
  if (parsed.success && parsed.data.namespace !== namespace)
    issues.push({ path: 'namespace', message: `the key's namespace is '${namespace}': its rules are of that namespace` });
  if (parsed.success && id !== undefined && parsed.data.id !== id) issues.push({ path: 'id', message: `the body's id is not the path's ('${id}')` });
  if (!parsed.success || issues.length > 0) {
    const list = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new BatonError(ApiErrorCode.InvalidAlertRule, `The alert rule does not validate: ${list}. See docs/operations.md (Alerts) for the rule format.`, {
      retryable: false,
      details: { issues },
    });
  }
  return parsed.data;
}

/** Registers /api/alerts (rules with state), /api/alerts/{id} and /api/alerts/transitions; admin only (auth.ts). */
export function registerAlertRoutes(app: OpenAPIHono, store: Store, options: AlertRouteOptions = {}): void {
  const namespaceOf = (c: Context): string => apiKeyOf(c)?.namespace ?? 'default';

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/alerts',
      tags: ['alerts'],
      summary: 'List alert rules with their state',
      description:
        "The rules of the key's namespace by id, each with its state (firing or not, since when, the value at its last transition). Needs an admin key.",
      responses: { 200: json(z.object({ rules: z.array(RuleWithState), channels: z.array(z.string()).optional() }), 'The rules') },
    }),
    async (c) => {
      const namespace = namespaceOf(c);
      const [rules, states] = await Promise.all([store.listAlertRules({ namespace }), store.listAlertStates({ namespace })]);
      const byRule = new Map(states.map((s) => [s.ruleId, s]));
      return c.json(
        { rules: rules.map((r) => ruleJson(r, byRule.get(r.id))), ...(options.channels === undefined ? {} : { channels: [...options.channels] }) },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/alerts/transitions',
      tags: ['alerts'],
      summary: 'List alert transitions',
      description: "Firings, repeats and resolutions of the key's namespace's rules, newest first, with each channel's outcome. Needs an admin key.",
      request: {
        query: z.object({
          rule: z.string().min(1).max(100).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          before: z.coerce.number().int().min(1).optional().openapi({ description: "The previous page's last id" }),
        }),
      },
      responses: { 200: json(z.object({ transitions: z.array(Transition) }), 'The transitions') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const transitions = await store.listAlertTransitions({
        namespace: namespaceOf(c),
        limit: q.limit,
        ...(q.rule === undefined ? {} : { ruleId: q.rule }),
        ...(q.before === undefined ? {} : { before: q.before }),
      });
      return c.json({ transitions: transitions.map(transitionJson) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/alerts',
      tags: ['alerts'],
      summary: 'Create an alert rule',
      description: "Creates a rule in the key's namespace; an id in use is refused (409 BATON_ALERT_RULE_EXISTS). Audited. Needs an admin key.",
      request: { body: { required: true, content: { 'application/json': { schema: RuleSchema } } } },
      responses: { 201: json(z.object({ rule: RuleWithState }), 'Created'), 409: json(ErrorSchema, 'A rule has this id'), ...errors },
    }),
    async (c) => {
      const body: unknown = c.req.valid('json');
      const auditor = auditorFor(c, store);
      const target = typeof (body as { id?: unknown }).id === 'string' ? String((body as { id: string }).id) : '(none)';
      let rule: AlertRule;
      try {
        rule = validRule(body, namespaceOf(c), options.channels);
        if ((await store.getAlertRule(rule.id)) !== undefined) {
          throw new BatonError(
            ApiErrorCode.AlertRuleExists,
            `An alert rule with id '${rule.id}' exists: pick another id, or replace it with PUT /api/alerts/${rule.id}.`,
            {
              retryable: false,
            },
          );
        }
      } catch (error) {
        await auditor.record('alert.create', target, (error as BatonError).code ?? ApiErrorCode.Internal);
        throw markAudited(error);
      }
      const saved = await store.saveAlertRule(rule, 'api', Date.now(), auditor.entry('alert.create', rule.id, { name: rule.name, kind: rule.condition.kind }));
      return c.json({ rule: ruleJson(saved, undefined) }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/alerts/{id}',
      tags: ['alerts'],
      summary: 'Replace an alert rule',
      description: "Replaces a rule of the key's namespace (its state stays). Audited. Needs an admin key.",
      request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: RuleSchema } } } },
      responses: { 200: json(z.object({ rule: RuleWithState }), 'Replaced'), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const namespace = namespaceOf(c);
      const auditor = auditorFor(c, store);
      let rule: AlertRule;
      try {
        const existing = await store.getAlertRule(id);
        if (existing === undefined || existing.namespace !== namespace) throw notFound(id);
        rule = validRule(c.req.valid('json'), namespace, options.channels, id);
      } catch (error) {
        await auditor.record('alert.update', id, (error as BatonError).code ?? ApiErrorCode.Internal);
        throw markAudited(error);
      }
      const saved = await store.saveAlertRule(rule, 'api', Date.now(), auditor.entry('alert.update', id, { name: rule.name, kind: rule.condition.kind }));
      const state = (await store.listAlertStates({ namespace })).find((s) => s.ruleId === id);
      return c.json({ rule: ruleJson(saved, state) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/alerts/{id}',
      tags: ['alerts'],
      summary: 'Delete an alert rule',
      description: "Deletes a rule of the key's namespace and its state; its past transitions stay. Audited. Needs an admin key.",
      request: { params: IdParam },
      responses: { 200: json(z.object({ deleted: z.string() }), 'Deleted'), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const auditor = auditorFor(c, store);
      const existing = await store.getAlertRule(id);
      if (
        existing === undefined ||
        existing.namespace !== namespaceOf(c) ||
        !(await store.deleteAlertRule(id, auditor.entry('alert.delete', id, { name: existing.name })))
      ) {
        await auditor.record('alert.delete', id, ApiErrorCode.AlertRuleNotFound);
        throw markAudited(notFound(id));
      }
      return c.json({ deleted: id }, 200);
    },
  );
}

function notFound(id: string): BatonError {
  return new BatonError(ApiErrorCode.AlertRuleNotFound, `No alert rule of this key's namespace has id '${id}'; GET /api/alerts lists them.`, {
    retryable: false,
  });
}
