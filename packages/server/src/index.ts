/** @baton/server: Baton's HTTP API. */
export { createApp } from './app.js';
export type { AppOptions } from './app.js';
export type { DashboardOptions } from './routes/dashboard.js';
export type { A2aOptions } from './routes/a2a.js';
export type { McpRouteOptions } from './routes/mcp.js';
export { ApiErrorCode, ERROR_STATUS, ErrorSchema, apiError, toApiError } from './errors.js';
export type { ApiError } from './errors.js';
export { startApiServer } from './listen.js';
export { REQUEST_ID_HEADER } from './request-id.js';
export { logUnexpectedErrors } from './error-handler.js';
export type { FailedRequest, UnexpectedErrorListener } from './error-handler.js';
export { ServerMetrics } from './metrics.js';
export type { MetricsOptions } from './metrics.js';
export type { ApiServer, ApiServerOptions } from './listen.js';
export { AuthErrorCode, requiredRole } from './auth.js';
export { defineWebhook, isWebhook, signWebhook } from './webhooks.js';
export type { WebhookDefinition, WebhookOptions } from './webhooks.js';
export { ApiClient } from './api-client.js';
export { keyNotFound } from './routes/keys.js';
export { fromTypedJson, toTypedJson } from './typed-json.js';
export { createJsonSchemaValidator } from './json-schema-validator.js';
export type {
  ApiClientOptions,
  ApiRun,
  ApiJournalEntry,
  ApiEvent,
  ApiSchedule,
  ApiAuditEntry,
  ApiChange,
  ApiScheduleOptions,
  ApiKeyInfo,
  AlertRuleInfo,
  AlertTransitionInfo,
  ApiIdentity,
  ApiOverview,
  ApiCostReport,
  ApiCostQuery,
  ApiAgentPolicy,
  ApiAgentPolicyRecord,
  ApiInboxEntry,
  ApiInboxClaim,
  ApiTriggers,
  ApiRecentEvent,
  ApiStartedRun,
  ApiMigration,
  ApiPlanRequest,
  ApiDraftGraph,
  ApiPlan,
  ApiDefinitionIssue,
  ApiScenario,
  ApiSimulationResult,
  ApiDeployedDefinition,
} from './api-client.js';
export { createNotifier } from './channels/notifier.js';
export type { NotifierOptions } from './channels/notifier.js';
export type { EmitEvent } from './channels/event-channel.js';
