/**
 * Deployed definitions (declarative workflows): POST /api/definitions deploys one (an admin's, as
 * code is), the GET routes list names, one name's versions and one version's text and document.
 * A definition belongs to the tenant namespace the deploying request acts in, and only requests
 * acting in that namespace list, read, draw or start it (another namespace's is 404, see
 * definition-scope.ts); outside 'default' its workflow name is `<tenant namespace>:<document name>`.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { BatonError, ErrorCode, errorMessage, type Store } from '@baton/core';
import { deployDefinitionText, type DefinitionFormat, type DeployedDefinition } from '@baton/dsl';
import type { Context } from 'hono';
import { apiKeyOf } from '../acting.js';
import { ErrorSchema } from '../errors.js';
import { json } from '../schemas.js';
import { visibleDefinitionName } from './definition-scope.js';

const errors = {
  400: json(ErrorSchema, 'Invalid request or definition (BATON_INVALID_DEFINITION: details.issues)'),
  404: json(ErrorSchema, 'No such definition'),
  409: json(ErrorSchema, 'The version is deployed already with another text (BATON_DEFINITION_EXISTS)'),
} as const;

const Triggers = z.array(z.string()).openapi({ description: "What starts its runs besides a start call: 'cron', 'every', 'after', 'event'" });

export const DeployedSchema = z
  .object({
    name: z.string().openapi({
      description: "The workflow it runs as: <document namespace>.<name>, prefixed '<tenant namespace>:' outside the 'default' tenant namespace",
    }),
    namespace: z.string().openapi({ description: 'The tenant namespace it belongs to (the one the deploying request acted in)' }),
    version: z.string(),
    digest: z.string().openapi({ description: 'sha256:<hex> of the deployed text' }),
    createdAt: z.string(),
    created: z.boolean().openapi({ description: 'False when this very text was deployed already (nothing changed)' }),
  })
  .openapi('DeployedDefinition');

const VersionFields = {
  name: z.string().openapi({ description: 'The workflow it runs as' }),
  namespace: z.string().openapi({ description: 'The tenant namespace it belongs to' }),
  version: z.string(),
  format: z.enum(['yaml', 'json']),
  digest: z.string(),
  description: z.string().optional(),
  triggers: Triggers,
  createdAt: z.string(),
  createdBy: z.string(),
};
export const DefinitionVersionSchema = z.object(VersionFields).openapi('DefinitionVersion');
export const DefinitionSourceSchema = z
  .object({
    ...VersionFields,
    source: z.string().openapi({ description: 'The text as deployed' }),
    document: z.unknown().openapi({ description: 'The document as JSON' }),
  })
  .openapi('DefinitionSource');
export const DefinitionSummarySchema = z
  .object({
    name: z.string().openapi({ description: 'The workflow it runs as' }),
    namespace: z.string().openapi({ description: 'The tenant namespace it belongs to' }),
    latestVersion: z.string().openapi({ description: 'The version deployed last (new runs start on it)' }),
    versions: z.number().int(),
    description: z.string().optional(),
    triggers: Triggers,
    updatedAt: z.string().openapi({ description: 'When the latest version was deployed' }),
  })
  .openapi('DefinitionSummary');

const DeployBody = z.record(z.string(), z.unknown()).openapi('DeployDefinition', {
  description:
    'The definition document itself as JSON, or `{ "source": "<YAML or JSON text>" }`. YAML can also be sent as is with Content-Type: application/yaml or text/yaml.',
});

const NameParam = z
  .string()
  .min(1)
  .max(200)
  .openapi({ param: { name: 'name', in: 'path' } });
const VersionParam = z
  .string()
  .min(1)
  .max(100)
  .openapi({ param: { name: 'version', in: 'path' } });

type VersionRecord = {
  name: string;
  namespace: string;
  version: string;
  format: string;
  digest: string;
  description?: string;
  triggers: string[];
  createdAt: number;
  createdBy: string;
};

function versionJson(v: VersionRecord): z.infer<typeof DefinitionVersionSchema> {
  return {
    name: v.name,
    namespace: v.namespace,
    version: v.version,
    format: v.format === 'json' ? 'json' : 'yaml',
    digest: v.digest,
    ...(v.description === undefined ? {} : { description: v.description }),
    triggers: v.triggers,
    createdAt: new Date(v.createdAt).toISOString(),
    createdBy: v.createdBy,
  };
}

function notFound(name: string, version?: string): BatonError {
  const what =
    version === undefined
      ? `No definition named '${name.slice(0, 200)}' is deployed`
      : `Definition '${name.slice(0, 200)}' has no version '${version.slice(0, 100)}'`;
  return new BatonError(ErrorCode.DefinitionNotFound, `${what}. GET /api/definitions lists the deployed ones.`, {
    retryable: false,
    details: { name, ...(version === undefined ? {} : { version }) },
  });
}

/** The text to deploy and its format, from the body as sent. */
async function deployedText(c: Context): Promise<{ text: string; format?: DefinitionFormat }> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/yaml' || type === 'text/yaml') return { text: await c.req.text(), format: 'yaml' };
  const body = (c.req.valid('json' as never) ?? {}) as Record<string, unknown>;
  const keys = Object.keys(body);
  if (keys.length === 1 && keys[0] === 'source') {
    if (typeof body.source !== 'string')
      throw new BatonError(ErrorCode.InvalidArgument, 'source must be the text of the definition (a string).', { retryable: false });
    return { text: body.source };
  }
  try {
    return { text: JSON.stringify(body, null, 2), format: 'json' };
  } catch (error) {
    // A document nested deeper than the stack allows.
    throw new BatonError(ErrorCode.InvalidDefinition, `The definition cannot be read: ${errorMessage(error)}`, { retryable: false, details: { issues: [] } });
  }
}

export interface DefinitionRouteOptions {
  /** Told of each version deployed through this server (an engine in this process loads it at once). */
  onDeployed?: (deployed: DeployedDefinition) => void;
}

export function registerDefinitionRoutes(app: OpenAPIHono, store: Store, options: DefinitionRouteOptions = {}): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/definitions',
      tags: ['definitions'],
      summary: 'Deploy a definition',
      description:
        "Validates a Serverless Workflow definition and stores it under its workflow name and document.version, in the tenant namespace the request acts in; workers load it without a restart. The workflow name is the document's <namespace>.<name>, prefixed '<tenant namespace>:' outside the 'default' tenant namespace, so two tenant namespaces deploy the same document independently (a tenant namespace holding definitions takes letters, digits and . _ / - only). A deployed version never changes: the same text again answers 200 with created false, another text under that version 409 BATON_DEFINITION_EXISTS (bump document.version). Needs an admin key; audited as definition.deploy.",
      request: {
        body: {
          required: false,
          content: {
            'application/json': { schema: DeployBody },
            'application/yaml': { schema: z.string() },
            'text/yaml': { schema: z.string() },
          },
        },
      },
      responses: { 201: json(DeployedSchema, 'Deployed'), 200: json(DeployedSchema, 'This very text was deployed already'), ...errors },
    }),
    async (c) => {
      const { text, format } = await deployedText(c);
      if (text.trim().length === 0)
        throw new BatonError(ErrorCode.InvalidDefinition, 'The request has no definition: send its YAML or JSON text.', {
          retryable: false,
          details: { issues: [] },
        });
      const key = apiKeyOf(c);
      const deployed = await deployDefinitionText(store, text, {
        actor: key?.id ?? 'local',
        namespace: key?.namespace ?? 'default',
        ...(format === undefined ? {} : { format }),
      });
      if (deployed.created) options.onDeployed?.(deployed);
      const answer = {
        name: deployed.name,
        namespace: deployed.namespace,
        version: deployed.version,
        digest: deployed.digest,
        createdAt: new Date(deployed.createdAt).toISOString(),
        created: deployed.created,
      };
      return deployed.created ? c.json(answer, 201) : c.json(answer, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/definitions',
      tags: ['definitions'],
      summary: 'List deployed definitions',
      description:
        'Every definition name deployed in the namespace the request acts in, with its latest version, how many versions it has, its description and what starts its runs.',
      responses: { 200: json(z.object({ definitions: z.array(DefinitionSummarySchema) }), 'Deployed definitions, by name') },
    }),
    async (c) => {
      const summaries = await store.listDefinitionSummaries(apiKeyOf(c)?.namespace);
      const definitions = summaries.map(({ latest, versions }) => ({
        name: latest.name,
        namespace: latest.namespace,
        latestVersion: latest.version,
        versions,
        ...(latest.description === undefined ? {} : { description: latest.description }),
        triggers: latest.triggers,
        updatedAt: new Date(latest.createdAt).toISOString(),
      }));
      return c.json({ definitions }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/definitions/{name}',
      tags: ['definitions'],
      summary: "A definition's versions",
      description:
        "Its versions, by its workflow name or (outside the 'default' tenant namespace) its document's <namespace>.<name>. Another tenant namespace's definition is 404 BATON_DEFINITION_NOT_FOUND.",
      request: { params: z.object({ name: NameParam }) },
      responses: { 200: json(z.object({ name: z.string(), versions: z.array(DefinitionVersionSchema) }), 'Its versions, oldest deploy first'), ...errors },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const visible = await visibleDefinitionName(store, name, apiKeyOf(c)?.namespace);
      const versions = visible === undefined ? [] : await store.listDefinitionVersions(visible);
      if (visible === undefined || versions.length === 0) throw notFound(name);
      return c.json({ name: visible, versions: versions.map(versionJson) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/definitions/{name}/versions/{version}',
      tags: ['definitions'],
      summary: 'One deployed version: its text, format and document',
      request: { params: z.object({ name: NameParam, version: VersionParam }) },
      responses: { 200: json(DefinitionSourceSchema, 'The version'), ...errors },
    }),
    async (c) => {
      const { name, version } = c.req.valid('param');
      const visible = await visibleDefinitionName(store, name, apiKeyOf(c)?.namespace);
      const stored = visible === undefined ? undefined : await store.getDefinition(visible, version);
      if (stored === undefined) throw notFound(name, version);
      return c.json({ ...versionJson(stored), source: stored.source, document: JSON.parse(stored.document) as unknown }, 200);
    },
  );
}
