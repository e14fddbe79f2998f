/** Catalog workflows of engineering operations: IT service desk, incidents, data pipelines, releases. */
import type { CatalogWorkflowEntry } from '@baton/dsl';
import { count, date, list, object, oneOf, result, text, workflow } from './schema-helpers.js';

export const OPERATIONS_WORKFLOWS: readonly CatalogWorkflowEntry[] = [
  workflow(
    'itsm.page-on-call',
    'Pages the on-call engineer of the service desk rota for a ticket or an incident.',
    object({ reference: text('Ticket or incident id'), summary: text() }),
    result({ pageId: text(), engineer: text() }),
  ),
  workflow(
    'itsm.assign-queue',
    'Puts a ticket in a service desk queue (service-desk, network, workplace).',
    object({ ticketId: text(), queue: oneOf('service-desk', 'network', 'workplace') }),
    result({ assignee: text() }),
  ),
  workflow(
    'itsm.get-ticket-status',
    "Reads a ticket's current status.",
    object({ ticketId: text() }),
    result({ status: oneOf('open', 'in-progress', 'resolved'), updatedAt: text() }),
  ),
  workflow(
    'itsm.escalate-ticket',
    'Escalates a ticket to the team lead of its queue.',
    object({ ticketId: text(), reason: text() }),
    result({ escalationId: text() }),
  ),
  workflow(
    'incidents.open-incident',
    'Opens an incident record with its own chat channel.',
    object({ service: text(), severity: oneOf('sev1', 'sev2', 'sev3'), summary: text() }),
    result({ incidentId: text(), channel: text() }),
  ),
  workflow(
    'incidents.get-timeline',
    "Reads an incident's timeline: alerts, chat messages and actions, in order.",
    object({ incidentId: text() }),
    result({ events: list(object({ at: text(), text: text() }, [], false)) }),
  ),
  workflow(
    'statuspage.post-update',
    'Posts an update on the public status page.',
    object({ incidentId: text(), status: oneOf('investigating', 'identified', 'monitoring', 'resolved'), message: text() }),
    result({ updateId: text() }),
  ),
  workflow(
    'etl.extract-orders',
    "Extracts one day's orders from the shop database into a staging file. Fails with 503 while the source is busy.",
    object({ date }),
    result({ file: text(), rows: count }),
  ),
  workflow(
    'etl.transform-orders',
    'Transforms a staging file of orders into the warehouse format.',
    object({ file: text() }),
    result({ file: text(), rows: count }),
  ),
  workflow(
    'etl.load-warehouse',
    'Loads a transformed file into a warehouse table; rows that break a constraint are rejected.',
    object({ file: text(), table: text() }),
    result({ loaded: count, rejected: count, rejectedRatio: { type: 'number', minimum: 0, maximum: 1 } }),
  ),
  workflow(
    'etl.record-run',
    'Records a pipeline run in the data catalog.',
    object({ date, status: oneOf('succeeded', 'degraded', 'failed'), rows: count }),
    result({ runId: text() }),
  ),
  workflow(
    'git.list-merged-pull-requests',
    'Lists the pull requests merged between two tags of a repository, with their labels.',
    object({ repository: text(), fromTag: text(), toTag: text() }),
    result({ pullRequests: list(object({ number: count, title: text(), labels: list(text()) }, [], false)) }),
  ),
  workflow(
    'docs.publish-changelog',
    "Publishes release notes to the product's public changelog.",
    object({ repository: text(), tag: text(), notes: text('Markdown') }),
    result({ url: text() }),
  ),
];
