/**
 * The agent card: each chosen workflow is a skill (id = the workflow's name), the card lists the
 * JSON-RPC endpoint for A2A v1.0 and v0.3, and its security schemes say an API key is needed (as
 * `X-API-Key` or as a bearer token). v0.3 clients read another shape of card; `legacyAgentCardJson`
 * makes it with the SDK's own translation.
 */
import { AgentCard, type AgentSkill, type SecurityScheme } from '@a2a-js/sdk';
import { LegacyRestTransportHandler } from '@a2a-js/sdk/compat/v0_3/server';
import { ServerCallContext, type A2ARequestHandler } from '@a2a-js/sdk/server';
import type { AnyWorkflow } from '@baton/core';

export interface AgentCardOptions {
  /** The agent's name on its card (default 'Baton'). */
  name?: string;
  /** What the agent does (default: a sentence naming its skills). */
  description?: string;
  /** The JSON-RPC endpoint's public URL (e.g. http://127.0.0.1:3000/a2a). */
  url: string;
  /** Example requests per workflow name, shown on its skill. */
  examples?: Record<string, string[]>;
  /** The agent's version on its card (default '0.1.0'). */
  version?: string;
}

const MODES = ['application/json', 'text/plain'];

export function workflowSkill(workflow: AnyWorkflow, examples: string[] = []): AgentSkill {
  return {
    id: workflow.name,
    name: workflow.name,
    description: workflow.options.description ?? `Runs the Baton workflow ${workflow.name} (version ${workflow.version}).`,
    tags: ['baton', 'workflow'],
    examples,
    inputModes: MODES,
    outputModes: MODES,
    securityRequirements: [],
  };
}

const apiKeyScheme: SecurityScheme = {
  scheme: { $case: 'apiKeySecurityScheme', value: { description: 'A Baton API key (baton keys create).', location: 'header', name: 'X-API-Key' } },
};
const bearerScheme: SecurityScheme = {
  scheme: { $case: 'httpAuthSecurityScheme', value: { description: 'A Baton API key as a bearer token.', scheme: 'bearer', bearerFormat: '' } },
};

export function buildAgentCard(workflows: readonly AnyWorkflow[], options: AgentCardOptions): AgentCard {
  const skills = workflows.map((w) => workflowSkill(w, options.examples?.[w.name]));
  return {
    name: options.name ?? 'Baton',
    description: options.description ?? `Durable Baton workflows as skills: ${skills.map((s) => s.id).join(', ') || 'none'}. Each task is a run.`,
    supportedInterfaces: [
      { url: options.url, protocolBinding: 'JSONRPC', protocolVersion: '1.0', tenant: '' },
      { url: options.url, protocolBinding: 'JSONRPC', protocolVersion: '0.3', tenant: '' },
    ],
    provider: undefined,
    version: options.version ?? '0.1.0',
    capabilities: { streaming: true, pushNotifications: false, extensions: [], extendedAgentCard: false },
    securitySchemes: { apiKey: apiKeyScheme, bearer: bearerScheme },
    securityRequirements: [{ schemes: { apiKey: { list: [] } } }, { schemes: { bearer: { list: [] } } }],
    defaultInputModes: MODES,
    defaultOutputModes: MODES,
    skills,
    signatures: [],
  };
}

/** The card as A2A v1.0 JSON (what a client asking with `A2A-Version: 1.0` reads). */
export function agentCardJson(card: AgentCard): unknown {
  return AgentCard.toJSON(card);
}

/** The card as A2A v0.3 JSON, with the v1.0 interfaces too (for clients that read both). */
export async function legacyAgentCardJson(card: AgentCard): Promise<unknown> {
  // The SDK translates a card for v0.3 inside its v0.3 transport: it is handed this card to translate.
  const translator = new LegacyRestTransportHandler({ getAuthenticatedExtendedAgentCard: () => Promise.resolve(card) } as unknown as A2ARequestHandler);
  const legacy = (await translator.getAuthenticatedExtendedAgentCard(new ServerCallContext())) as unknown as Record<string, unknown>;
  return { ...legacy, supportedInterfaces: (AgentCard.toJSON(card) as { supportedInterfaces?: unknown }).supportedInterfaces };
}
