/**
 * @baton/server/client: the typed HTTP API client alone, for browsers (the dashboard) as much as for
 * Node. Its module graph reaches only @baton/core/browser: no server code and no node: modules.
 */
export { ApiClient } from './api-client.js';
export { fromTypedJson, toTypedJson } from './typed-json.js';
export type {
  ApiClientOptions,
  ApiRun,
  ApiReplayResult,
  ApiReplayCheck,
  ApiRunReplay,
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
  ApiTriggers,
  ApiRecentEvent,
  ApiStartedRun,
  ApiMigration,
  ApiBlobPreview,
  ApiPlanRequest,
  ApiDraftGraph,
  ApiPlan,
  ApiDefinitionIssue,
  ApiScenario,
  ApiSimulationResult,
  ApiDefinitionGraph,
  ApiDefinitionSummary,
  ApiDefinitionVersion,
  ApiDefinitionSource,
  ApiCostReport,
  ApiCostQuery,
  ApiAgentPolicy,
  ApiAgentPolicyRecord,
  ApiRunReview,
} from './api-client.js';
export type { Role } from '@baton/core/browser';
