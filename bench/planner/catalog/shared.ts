/** Catalog workflows every part of the business uses: email and chat messages. */
import type { CatalogWorkflowEntry } from '@baton/dsl';
import { email, list, object, result, text, workflow } from './schema-helpers.js';

export const SHARED_WORKFLOWS: readonly CatalogWorkflowEntry[] = [
  workflow(
    'comms.send-email',
    'Sends one transactional email through the company mail service (from no-reply@, with the company footer).',
    object({ to: email, subject: text(), body: text('Plain text or Markdown'), cc: list(email) }, ['cc']),
    result({ messageId: text(), sentAt: text() }),
  ),
  workflow(
    'chat.post-message',
    'Posts a message to a team chat channel (for example #support-leads, #data-alerts, #leadership).',
    object({ channel: text('Channel name with its #'), text: text() }),
    result({ messageTs: text(), permalink: text() }),
  ),
];
