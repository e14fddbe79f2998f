/**
 * A store assembled from one module per concern. A backend writes each concern (runs, flow control,
 * schedules, events, access, cache, overview, inbox, catalog, definitions, replays, quotas) as a small class over its
 * schedules, events, access, cache, overview, inbox, catalog, definitions, replays, reviews) as a small class over its
 * connection, then extends this class and hands it the parts: the assembly forwards each Store
 * method to the part that owns it, so the backend's store class stays a short list of its parts.
 */
import type { RunStore } from './run-store.js';
import type { FlowControlStore } from './flow-control-store.js';
import type { ScheduleStore } from './schedule-store.js';
import type { EventStore } from './event-store.js';
import type { AccessStore } from './access-store.js';
import type { CacheStore } from './cache-store.js';
import type { InboxStore, OverviewStore } from './insight-store.js';
import type { WorkflowCatalog } from './workflow-catalog.js';
import type { DefinitionStore } from './definition-store.js';
import type { ReplayStore } from './replay-store.js';
import type { QuotaStore } from './quota-store.js';
import type { GovernanceStore } from './governance-store.js';
import type { AlertStore } from './alert-store.js';
import type { ReviewStore } from './review-store.js';
import type { Store, StoreCapabilities } from './store.js';

/** The concern modules a store is made of. */
export interface StoreParts {
  runs: RunStore;
  flowControl: FlowControlStore;
  schedules: ScheduleStore;
  events: EventStore;
  access: AccessStore;
  cache: CacheStore;
  overview: OverviewStore;
  inbox: InboxStore;
  catalog: WorkflowCatalog;
  definitions: DefinitionStore;
  replays: ReplayStore;
  quotas: QuotaStore;
  governance: GovernanceStore;
  alerts: AlertStore;
  reviews: ReviewStore;
}

/**
 * The base of a store made of parts. The subclass opens its connection, builds its parts and returns
 * them from `parts` (read on every call, so they may be built after `super()`), and implements the
 * lifecycle (`init`, `close`) and its capabilities.
 */
export abstract class AssembledStore implements Store {
  abstract readonly capabilities: StoreCapabilities;
  protected abstract readonly parts: StoreParts;
  abstract init(): Promise<void>;
  abstract close(): Promise<void>;

  // RunStore
  createRun(...args: Parameters<RunStore['createRun']>): ReturnType<RunStore['createRun']> {
    return this.parts.runs.createRun(...args);
  }
  getRun(...args: Parameters<RunStore['getRun']>): ReturnType<RunStore['getRun']> {
    return this.parts.runs.getRun(...args);
  }
  listRuns(...args: Parameters<RunStore['listRuns']>): ReturnType<RunStore['listRuns']> {
    return this.parts.runs.listRuns(...args);
  }
  getJournal(...args: Parameters<RunStore['getJournal']>): ReturnType<RunStore['getJournal']> {
    return this.parts.runs.getJournal(...args);
  }
  getSignals(...args: Parameters<RunStore['getSignals']>): ReturnType<RunStore['getSignals']> {
    return this.parts.runs.getSignals(...args);
  }
  claimRuns(...args: Parameters<RunStore['claimRuns']>): ReturnType<RunStore['claimRuns']> {
    return this.parts.runs.claimRuns(...args);
  }
  renewLeases(...args: Parameters<RunStore['renewLeases']>): ReturnType<RunStore['renewLeases']> {
    return this.parts.runs.renewLeases(...args);
  }
  leaseOwners(...args: Parameters<RunStore['leaseOwners']>): ReturnType<RunStore['leaseOwners']> {
    return this.parts.runs.leaseOwners(...args);
  }
  expireLeases(...args: Parameters<RunStore['expireLeases']>): ReturnType<RunStore['expireLeases']> {
    return this.parts.runs.expireLeases(...args);
  }
  commit(...args: Parameters<RunStore['commit']>): ReturnType<RunStore['commit']> {
    return this.parts.runs.commit(...args);
  }
  nextWakeAt(...args: Parameters<RunStore['nextWakeAt']>): ReturnType<RunStore['nextWakeAt']> {
    return this.parts.runs.nextWakeAt(...args);
  }
  sendSignal(...args: Parameters<RunStore['sendSignal']>): ReturnType<RunStore['sendSignal']> {
    return this.parts.runs.sendSignal(...args);
  }
  requestCancel(...args: Parameters<RunStore['requestCancel']>): ReturnType<RunStore['requestCancel']> {
    return this.parts.runs.requestCancel(...args);
  }
  moveRunVersion(...args: Parameters<RunStore['moveRunVersion']>): ReturnType<RunStore['moveRunVersion']> {
    return this.parts.runs.moveRunVersion(...args);
  }
  requeue(...args: Parameters<RunStore['requeue']>): ReturnType<RunStore['requeue']> {
    return this.parts.runs.requeue(...args);
  }
  subscribe(...args: Parameters<RunStore['subscribe']>): ReturnType<RunStore['subscribe']> {
    return this.parts.runs.subscribe(...args);
  }

  // FlowControlStore
  defineQueues(...args: Parameters<FlowControlStore['defineQueues']>): ReturnType<FlowControlStore['defineQueues']> {
    return this.parts.flowControl.defineQueues(...args);
  }
  listQueues(...args: Parameters<FlowControlStore['listQueues']>): ReturnType<FlowControlStore['listQueues']> {
    return this.parts.flowControl.listQueues(...args);
  }
  acquireRate(...args: Parameters<FlowControlStore['acquireRate']>): ReturnType<FlowControlStore['acquireRate']> {
    return this.parts.flowControl.acquireRate(...args);
  }

  // ScheduleStore
  saveSchedule(...args: Parameters<ScheduleStore['saveSchedule']>): ReturnType<ScheduleStore['saveSchedule']> {
    return this.parts.schedules.saveSchedule(...args);
  }
  getSchedule(...args: Parameters<ScheduleStore['getSchedule']>): ReturnType<ScheduleStore['getSchedule']> {
    return this.parts.schedules.getSchedule(...args);
  }
  listSchedules(...args: Parameters<ScheduleStore['listSchedules']>): ReturnType<ScheduleStore['listSchedules']> {
    return this.parts.schedules.listSchedules(...args);
  }
  deleteSchedule(...args: Parameters<ScheduleStore['deleteSchedule']>): ReturnType<ScheduleStore['deleteSchedule']> {
    return this.parts.schedules.deleteSchedule(...args);
  }
  pruneCodeSchedules(...args: Parameters<ScheduleStore['pruneCodeSchedules']>): ReturnType<ScheduleStore['pruneCodeSchedules']> {
    return this.parts.schedules.pruneCodeSchedules(...args);
  }
  setSchedulePaused(...args: Parameters<ScheduleStore['setSchedulePaused']>): ReturnType<ScheduleStore['setSchedulePaused']> {
    return this.parts.schedules.setSchedulePaused(...args);
  }
  nextScheduleAt(...args: Parameters<ScheduleStore['nextScheduleAt']>): ReturnType<ScheduleStore['nextScheduleAt']> {
    return this.parts.schedules.nextScheduleAt(...args);
  }
  dueSchedules(...args: Parameters<ScheduleStore['dueSchedules']>): ReturnType<ScheduleStore['dueSchedules']> {
    return this.parts.schedules.dueSchedules(...args);
  }
  fireSchedule(...args: Parameters<ScheduleStore['fireSchedule']>): ReturnType<ScheduleStore['fireSchedule']> {
    return this.parts.schedules.fireSchedule(...args);
  }

  // EventStore
  emitEvent(...args: Parameters<EventStore['emitEvent']>): ReturnType<EventStore['emitEvent']> {
    return this.parts.events.emitEvent(...args);
  }
  listEvents(...args: Parameters<EventStore['listEvents']>): ReturnType<EventStore['listEvents']> {
    return this.parts.events.listEvents(...args);
  }
  saveTriggers(...args: Parameters<EventStore['saveTriggers']>): ReturnType<EventStore['saveTriggers']> {
    return this.parts.events.saveTriggers(...args);
  }
  listTriggers(...args: Parameters<EventStore['listTriggers']>): ReturnType<EventStore['listTriggers']> {
    return this.parts.events.listTriggers(...args);
  }
  listStartedRuns(...args: Parameters<EventStore['listStartedRuns']>): ReturnType<EventStore['listStartedRuns']> {
    return this.parts.events.listStartedRuns(...args);
  }
  registerEventWait(...args: Parameters<EventStore['registerEventWait']>): ReturnType<EventStore['registerEventWait']> {
    return this.parts.events.registerEventWait(...args);
  }

  // AccessStore
  createApiKey(...args: Parameters<AccessStore['createApiKey']>): ReturnType<AccessStore['createApiKey']> {
    return this.parts.access.createApiKey(...args);
  }
  getApiKey(...args: Parameters<AccessStore['getApiKey']>): ReturnType<AccessStore['getApiKey']> {
    return this.parts.access.getApiKey(...args);
  }
  listApiKeys(...args: Parameters<AccessStore['listApiKeys']>): ReturnType<AccessStore['listApiKeys']> {
    return this.parts.access.listApiKeys(...args);
  }
  revokeApiKey(...args: Parameters<AccessStore['revokeApiKey']>): ReturnType<AccessStore['revokeApiKey']> {
    return this.parts.access.revokeApiKey(...args);
  }
  appendAudit(...args: Parameters<AccessStore['appendAudit']>): ReturnType<AccessStore['appendAudit']> {
    return this.parts.access.appendAudit(...args);
  }
  listAudit(...args: Parameters<AccessStore['listAudit']>): ReturnType<AccessStore['listAudit']> {
    return this.parts.access.listAudit(...args);
  }
  listChanges(...args: Parameters<AccessStore['listChanges']>): ReturnType<AccessStore['listChanges']> {
    return this.parts.access.listChanges(...args);
  }
  changeCursor(...args: Parameters<AccessStore['changeCursor']>): ReturnType<AccessStore['changeCursor']> {
    return this.parts.access.changeCursor(...args);
  }
  pruneChanges(...args: Parameters<AccessStore['pruneChanges']>): ReturnType<AccessStore['pruneChanges']> {
    return this.parts.access.pruneChanges(...args);
  }

  // CacheStore
  getCached(...args: Parameters<CacheStore['getCached']>): ReturnType<CacheStore['getCached']> {
    return this.parts.cache.getCached(...args);
  }
  putCached(...args: Parameters<CacheStore['putCached']>): ReturnType<CacheStore['putCached']> {
    return this.parts.cache.putCached(...args);
  }
  pruneCached(...args: Parameters<CacheStore['pruneCached']>): ReturnType<CacheStore['pruneCached']> {
    return this.parts.cache.pruneCached(...args);
  }

  // OverviewStore
  overview(...args: Parameters<OverviewStore['overview']>): ReturnType<OverviewStore['overview']> {
    return this.parts.overview.overview(...args);
  }
  stats(...args: Parameters<OverviewStore['stats']>): ReturnType<OverviewStore['stats']> {
    return this.parts.overview.stats(...args);
  }

  // InboxStore
  listInbox(...args: Parameters<InboxStore['listInbox']>): ReturnType<InboxStore['listInbox']> {
    return this.parts.inbox.listInbox(...args);
  }
  claimInboxRun(...args: Parameters<InboxStore['claimInboxRun']>): ReturnType<InboxStore['claimInboxRun']> {
    return this.parts.inbox.claimInboxRun(...args);
  }
  releaseInboxRun(...args: Parameters<InboxStore['releaseInboxRun']>): ReturnType<InboxStore['releaseInboxRun']> {
    return this.parts.inbox.releaseInboxRun(...args);
  }

  // WorkflowCatalog
  registerWorkflows(...args: Parameters<WorkflowCatalog['registerWorkflows']>): ReturnType<WorkflowCatalog['registerWorkflows']> {
    return this.parts.catalog.registerWorkflows(...args);
  }
  listWorkflowCatalog(...args: Parameters<WorkflowCatalog['listWorkflowCatalog']>): ReturnType<WorkflowCatalog['listWorkflowCatalog']> {
    return this.parts.catalog.listWorkflowCatalog(...args);
  }

  // DefinitionStore
  deployDefinition(...args: Parameters<DefinitionStore['deployDefinition']>): ReturnType<DefinitionStore['deployDefinition']> {
    return this.parts.definitions.deployDefinition(...args);
  }
  getDefinition(...args: Parameters<DefinitionStore['getDefinition']>): ReturnType<DefinitionStore['getDefinition']> {
    return this.parts.definitions.getDefinition(...args);
  }
  listDefinitions(...args: Parameters<DefinitionStore['listDefinitions']>): ReturnType<DefinitionStore['listDefinitions']> {
    return this.parts.definitions.listDefinitions(...args);
  }
  listDefinitionVersions(...args: Parameters<DefinitionStore['listDefinitionVersions']>): ReturnType<DefinitionStore['listDefinitionVersions']> {
    return this.parts.definitions.listDefinitionVersions(...args);
  }
  listDefinitionSummaries(...args: Parameters<DefinitionStore['listDefinitionSummaries']>): ReturnType<DefinitionStore['listDefinitionSummaries']> {
    return this.parts.definitions.listDefinitionSummaries(...args);
  }
  getDefinitionNamespace(...args: Parameters<DefinitionStore['getDefinitionNamespace']>): ReturnType<DefinitionStore['getDefinitionNamespace']> {
    return this.parts.definitions.getDefinitionNamespace(...args);
  }
  latestDefinitionSeq(...args: Parameters<DefinitionStore['latestDefinitionSeq']>): ReturnType<DefinitionStore['latestDefinitionSeq']> {
    return this.parts.definitions.latestDefinitionSeq(...args);
  }

  // ReplayStore
  recordReplays(...args: Parameters<ReplayStore['recordReplays']>): ReturnType<ReplayStore['recordReplays']> {
    return this.parts.replays.recordReplays(...args);
  }
  getReplayCheck(...args: Parameters<ReplayStore['getReplayCheck']>): ReturnType<ReplayStore['getReplayCheck']> {
    return this.parts.replays.getReplayCheck(...args);
  }
  listReplays(...args: Parameters<ReplayStore['listReplays']>): ReturnType<ReplayStore['listReplays']> {
    return this.parts.replays.listReplays(...args);
  }

  // QuotaStore
  setQuota(...args: Parameters<QuotaStore['setQuota']>): ReturnType<QuotaStore['setQuota']> {
    return this.parts.quotas.setQuota(...args);
  }
  getQuota(...args: Parameters<QuotaStore['getQuota']>): ReturnType<QuotaStore['getQuota']> {
    return this.parts.quotas.getQuota(...args);
  }
  listQuotas(...args: Parameters<QuotaStore['listQuotas']>): ReturnType<QuotaStore['listQuotas']> {
    return this.parts.quotas.listQuotas(...args);
  }
  deleteQuota(...args: Parameters<QuotaStore['deleteQuota']>): ReturnType<QuotaStore['deleteQuota']> {
    return this.parts.quotas.deleteQuota(...args);
  }
  createRunWithinQuota(...args: Parameters<QuotaStore['createRunWithinQuota']>): ReturnType<QuotaStore['createRunWithinQuota']> {
    return this.parts.quotas.createRunWithinQuota(...args);
  }
  modelSpendSince(...args: Parameters<QuotaStore['modelSpendSince']>): ReturnType<QuotaStore['modelSpendSince']> {
    return this.parts.quotas.modelSpendSince(...args);
  }

  // GovernanceStore
  costs(...args: Parameters<GovernanceStore['costs']>): ReturnType<GovernanceStore['costs']> {
    return this.parts.governance.costs(...args);
  }
  getAgentPolicy(...args: Parameters<GovernanceStore['getAgentPolicy']>): ReturnType<GovernanceStore['getAgentPolicy']> {
    return this.parts.governance.getAgentPolicy(...args);
  }
  listAgentPolicies(...args: Parameters<GovernanceStore['listAgentPolicies']>): ReturnType<GovernanceStore['listAgentPolicies']> {
    return this.parts.governance.listAgentPolicies(...args);
  }
  putAgentPolicy(...args: Parameters<GovernanceStore['putAgentPolicy']>): ReturnType<GovernanceStore['putAgentPolicy']> {
    return this.parts.governance.putAgentPolicy(...args);
  }
  deleteAgentPolicy(...args: Parameters<GovernanceStore['deleteAgentPolicy']>): ReturnType<GovernanceStore['deleteAgentPolicy']> {
    return this.parts.governance.deleteAgentPolicy(...args);
  }

  // AlertStore
  saveAlertRule(...args: Parameters<AlertStore['saveAlertRule']>): ReturnType<AlertStore['saveAlertRule']> {
    return this.parts.alerts.saveAlertRule(...args);
  }
  getAlertRule(...args: Parameters<AlertStore['getAlertRule']>): ReturnType<AlertStore['getAlertRule']> {
    return this.parts.alerts.getAlertRule(...args);
  }
  listAlertRules(...args: Parameters<AlertStore['listAlertRules']>): ReturnType<AlertStore['listAlertRules']> {
    return this.parts.alerts.listAlertRules(...args);
  }
  deleteAlertRule(...args: Parameters<AlertStore['deleteAlertRule']>): ReturnType<AlertStore['deleteAlertRule']> {
    return this.parts.alerts.deleteAlertRule(...args);
  }
  listAlertStates(...args: Parameters<AlertStore['listAlertStates']>): ReturnType<AlertStore['listAlertStates']> {
    return this.parts.alerts.listAlertStates(...args);
  }
  recordAlertTransition(...args: Parameters<AlertStore['recordAlertTransition']>): ReturnType<AlertStore['recordAlertTransition']> {
    return this.parts.alerts.recordAlertTransition(...args);
  }
  setAlertOutcomes(...args: Parameters<AlertStore['setAlertOutcomes']>): ReturnType<AlertStore['setAlertOutcomes']> {
    return this.parts.alerts.setAlertOutcomes(...args);
  }
  listAlertTransitions(...args: Parameters<AlertStore['listAlertTransitions']>): ReturnType<AlertStore['listAlertTransitions']> {
    return this.parts.alerts.listAlertTransitions(...args);
  }
  measureAlert(...args: Parameters<AlertStore['measureAlert']>): ReturnType<AlertStore['measureAlert']> {
    return this.parts.alerts.measureAlert(...args);
  }
  acquireLeadership(...args: Parameters<AlertStore['acquireLeadership']>): ReturnType<AlertStore['acquireLeadership']> {
    return this.parts.alerts.acquireLeadership(...args);
  }
  releaseLeadership(...args: Parameters<AlertStore['releaseLeadership']>): ReturnType<AlertStore['releaseLeadership']> {
    return this.parts.alerts.releaseLeadership(...args);
  }
  getLeader(...args: Parameters<AlertStore['getLeader']>): ReturnType<AlertStore['getLeader']> {
    return this.parts.alerts.getLeader(...args);
  }

  // ReviewStore
  resolveRun(...args: Parameters<ReviewStore['resolveRun']>): ReturnType<ReviewStore['resolveRun']> {
    return this.parts.reviews.resolveRun(...args);
  }
  getRunReview(...args: Parameters<ReviewStore['getRunReview']>): ReturnType<ReviewStore['getRunReview']> {
    return this.parts.reviews.getRunReview(...args);
  }
  setFailureWorkflow(...args: Parameters<ReviewStore['setFailureWorkflow']>): ReturnType<ReviewStore['setFailureWorkflow']> {
    return this.parts.reviews.setFailureWorkflow(...args);
  }
  getFailureWorkflow(...args: Parameters<ReviewStore['getFailureWorkflow']>): ReturnType<ReviewStore['getFailureWorkflow']> {
    return this.parts.reviews.getFailureWorkflow(...args);
  }
  listFailureWorkflows(...args: Parameters<ReviewStore['listFailureWorkflows']>): ReturnType<ReviewStore['listFailureWorkflows']> {
    return this.parts.reviews.listFailureWorkflows(...args);
  }
}
