/** Operations scenarios: the IT service desk, incidents, a nightly data pipeline and release notes. */
import { APPROVAL, type PlannerScenario } from '../scenario-types.js';

const ticket = { ticketId: 'IT-30412', reporterEmail: 'sam.ito@example.com', description: 'VPN drops every few minutes for the whole Madrid office' };
const alert = { alertId: 'ALRT-9917', service: 'checkout-api', summary: 'Error rate above 20% for 5 minutes' };
const load = (rejected: number) => ({ output: { loaded: 10_000 - rejected, rejected, rejectedRatio: rejected / 10_000 } });
const release = { repository: 'acme/payments-sdk', tag: 'v4.0.0', previousTag: 'v3.9.2' };
const pullRequests = (labels: string[]) => ({
  output: {
    pullRequests: [
      { number: 812, title: 'Add idempotency keys to transfers', labels: ['feature'] },
      { number: 815, title: 'Fix rounding of JPY amounts', labels: ['fix'] },
      { number: 820, title: 'Remove the v1 charges endpoint', labels },
    ],
  },
});

export const OPERATIONS_SCENARIOS: readonly PlannerScenario[] = [
  {
    name: 'it-ticket-escalation',
    domain: 'operations',
    paragraph:
      "When an IT ticket is opened, it comes with its id, the reporter's email, a description and a priority from 1 to 4. Priority 1 tickets page the on-call engineer right away; all others go to the service desk queue. Four hours later, check the ticket again: if it is still not resolved, escalate it to the team lead.",
    calls: ['itsm.page-on-call', 'itsm.assign-queue', 'itsm.get-ticket-status', 'itsm.escalate-ticket'],
    approvals: 0,
    branches: [
      {
        what: 'paging for priority 1',
        cases: [
          { label: 'a priority 1 ticket', input: { ...ticket, priority: 1 }, reaches: ['itsm.page-on-call'], avoids: ['itsm.assign-queue'] },
          { label: 'a priority 3 ticket', input: { ...ticket, priority: 3 }, reaches: ['itsm.assign-queue'], avoids: ['itsm.page-on-call'] },
        ],
      },
      {
        what: 'escalation when still unresolved after four hours',
        cases: [
          {
            label: 'still open',
            input: { ...ticket, priority: 3 },
            answers: { 'itsm.get-ticket-status': { output: { status: 'open', updatedAt: '2026-12-07T09:00:00Z' } } },
            reaches: ['itsm.escalate-ticket'],
          },
          {
            label: 'resolved',
            input: { ...ticket, priority: 3 },
            answers: { 'itsm.get-ticket-status': { output: { status: 'resolved', updatedAt: '2026-12-07T08:10:00Z' } } },
            avoids: ['itsm.escalate-ticket'],
          },
        ],
      },
    ],
  },
  {
    name: 'incident-response',
    domain: 'operations',
    paragraph:
      'When monitoring raises an alert, open an incident for the service and page the on-call engineer. For sev1 incidents also post an update on the public status page; lower severities stay internal. When the engineer has fixed it, they confirm the resolution in the inbox. Then read the incident timeline and have the model draft a postmortem from it. The alert gives its id, the service, the severity (sev1, sev2 or sev3) and a summary.',
    calls: ['incidents.open-incident', 'itsm.page-on-call', 'incidents.get-timeline'],
    approvals: 1,
    branches: [
      {
        what: 'a status page update for sev1',
        cases: [
          { label: 'a sev1 alert', input: { ...alert, severity: 'sev1' }, reaches: ['incidents.open-incident', 'statuspage.post-update', APPROVAL] },
          { label: 'a sev3 alert', input: { ...alert, severity: 'sev3' }, reaches: ['incidents.open-incident', APPROVAL], avoids: ['statuspage.post-update'] },
        ],
      },
    ],
  },
  {
    name: 'nightly-orders-etl',
    domain: 'operations',
    paragraph:
      "Every night, extract the day's orders from the shop database, transform them into the warehouse format and load them into the orders table of the warehouse. The extraction sometimes fails because the source database is busy, so retry it up to 3 times. If more than 1% of the rows are rejected by the load, alert the data team in the #data-alerts chat channel; either way record the run in the data catalog. The run is given the date to process.",
    calls: ['etl.extract-orders', 'etl.transform-orders', 'etl.load-warehouse', 'etl.record-run'],
    approvals: 0,
    branches: [
      {
        what: 'an alert when more than 1% of rows are rejected',
        cases: [
          {
            label: '5% rejected',
            input: { date: '2026-12-06' },
            answers: { 'etl.load-warehouse': load(500) },
            reaches: ['chat.post-message', 'etl.record-run'],
          },
          {
            label: 'nothing rejected',
            input: { date: '2026-12-06' },
            answers: { 'etl.load-warehouse': load(0) },
            avoids: ['chat.post-message'],
            reaches: ['etl.record-run'],
          },
        ],
      },
      {
        what: 'retrying a busy source',
        cases: [
          {
            label: 'the source is busy once',
            input: { date: '2026-12-06' },
            answers: {
              'etl.extract-orders': [
                { error: { status: 503, title: 'Source busy', detail: 'too many connections' } },
                { output: { file: 's3://staging/orders-2026-12-06.csv', rows: 10_000 } },
              ],
              'etl.load-warehouse': load(0),
            },
            reaches: ['etl.load-warehouse', 'etl.record-run'],
          },
          {
            label: 'the source stays busy',
            input: { date: '2026-12-06' },
            answers: { 'etl.extract-orders': { error: { status: 503, title: 'Source busy', detail: 'too many connections' } } },
            avoids: ['etl.load-warehouse'],
            mayFault: true,
          },
        ],
      },
    ],
  },
  {
    name: 'release-notes',
    domain: 'operations',
    paragraph:
      'When a release is tagged, list the pull requests merged since the previous tag and have the model draft release notes grouped into features, fixes and breaking changes. The product manager reviews and approves the draft before it is published to the changelog. If any pull request is labelled "breaking", also email the developers mailing list about the release. We are given the repository, the new tag and the previous tag.',
    calls: ['git.list-merged-pull-requests', 'docs.publish-changelog', 'mailing.send-to-list'],
    approvals: 1,
    branches: [
      {
        what: 'the developers list hears of breaking changes',
        cases: [
          {
            label: 'a release with a breaking pull request',
            input: release,
            answers: { 'git.list-merged-pull-requests': pullRequests(['breaking']) },
            reaches: [APPROVAL, 'docs.publish-changelog', 'mailing.send-to-list'],
          },
          {
            label: 'a release without one',
            input: release,
            answers: { 'git.list-merged-pull-requests': pullRequests(['chore']) },
            reaches: [APPROVAL, 'docs.publish-changelog'],
            avoids: ['mailing.send-to-list'],
          },
        ],
      },
    ],
  },
];
