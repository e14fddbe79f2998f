/** Catalog workflows of marketing: the website, social media, campaigns and mailing lists. */
import type { CatalogWorkflowEntry } from '@baton/dsl';
import { count, date, list, object, result, text, workflow } from './schema-helpers.js';

export const MARKETING_WORKFLOWS: readonly CatalogWorkflowEntry[] = [
  workflow(
    'cms.schedule-post',
    'Schedules a blog post on the company website for a publication date.',
    object({ title: text(), body: text('Markdown'), author: text(), publishDate: date }),
    result({ postId: text(), url: text() }),
  ),
  workflow(
    'social.share-link',
    "Shares a link on the company's social media accounts.",
    object({ url: text(), text: text() }),
    result({ postIds: list(text()) }),
  ),
  workflow(
    'marketing.create-audience',
    'Creates an audience in the email platform from a customer segment.',
    object({ name: text(), segment: text() }),
    result({ audienceId: text(), size: count }),
  ),
  workflow(
    'marketing.schedule-campaign',
    'Schedules an email campaign to an audience on a launch date.',
    object({ audienceId: text(), campaignName: text(), launchDate: date }),
    result({ campaignId: text() }),
  ),
  workflow(
    'mailing.send-to-list',
    'Sends an email to a mailing list (customers, developers, partners).',
    object({ list: text('customers, developers or partners'), subject: text(), body: text() }),
    result({ sent: count }),
  ),
];
