/** Marketing scenarios: publishing content and approving campaigns. */
import type { PlannerScenario } from '../scenario-types.js';

const post = {
  title: 'How we cut checkout latency by 40%',
  body: 'A look at the caching changes behind our faster checkout.',
  author: 'Priya Raman',
  publishDate: '2027-01-20',
};
const campaign = { campaignName: 'Spring upgrade offer', segment: 'smb-trial-ended', launchDate: '2027-03-01' };

export const MARKETING_SCENARIOS: readonly PlannerScenario[] = [
  {
    name: 'content-publishing',
    domain: 'marketing',
    paragraph:
      "A writer submits a blog post draft with a title, the text, the author, the date it should go out and whether it names a customer. The model checks it against our style guide and suggests fixes, then the editor approves it. If the post names a customer, the customer's marketing contact must approve it too. Approved posts are scheduled on the website for the requested date and shared on social media.",
    calls: ['cms.schedule-post', 'social.share-link'],
    approvals: 2,
    branches: [
      {
        what: "the customer's approval when a customer is named",
        cases: [
          {
            label: 'a post naming a customer',
            input: { ...post, namesCustomer: true },
            approvalsReached: 2,
            reaches: ['cms.schedule-post', 'social.share-link'],
          },
          {
            label: 'a post naming no customer',
            input: { ...post, namesCustomer: false },
            approvalsReached: 1,
            reaches: ['cms.schedule-post', 'social.share-link'],
          },
        ],
      },
      {
        what: 'a post the editor turns down is not published',
        cases: [
          { label: 'the editor approves', input: { ...post, namesCustomer: false }, reaches: ['cms.schedule-post'] },
          {
            label: 'the editor turns it down',
            input: { ...post, namesCustomer: false },
            approve: false,
            avoids: ['cms.schedule-post', 'social.share-link'],
            mayFault: true,
          },
        ],
      },
    ],
  },
  {
    name: 'campaign-approval',
    domain: 'marketing',
    paragraph:
      "Marketing plans a campaign with a name, a target segment, a budget, a launch date and the region it targets. Campaigns with a budget over 20,000 EUR need the CMO's approval; smaller ones only need the marketing manager's. Legal must also approve any campaign targeting the EU. Once approved, create the audience in the email platform and schedule the campaign.",
    calls: ['marketing.create-audience', 'marketing.schedule-campaign'],
    approvals: 3,
    branches: [
      {
        what: 'who approves depends on the budget and the region',
        cases: [
          {
            label: 'a 50,000 EUR campaign in the EU',
            input: { ...campaign, budget: 50_000, region: 'EU' },
            approvalsReached: 2,
            reaches: ['marketing.schedule-campaign'],
          },
          {
            label: 'a 5,000 EUR campaign in the US',
            input: { ...campaign, budget: 5_000, region: 'US' },
            approvalsReached: 1,
            reaches: ['marketing.schedule-campaign'],
          },
          {
            label: 'a 5,000 EUR campaign in the EU',
            input: { ...campaign, budget: 5_000, region: 'EU' },
            approvalsReached: 2,
            reaches: ['marketing.schedule-campaign'],
          },
        ],
      },
    ],
  },
];
