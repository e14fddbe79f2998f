/** Catalog workflows of people operations: accounts and access, equipment, benefits, recruiting, travel, security. */
import type { CatalogWorkflowEntry } from '@baton/dsl';
import { count, date, email, flag, list, object, oneOf, result, text, workflow } from './schema-helpers.js';

export const PEOPLE_WORKFLOWS: readonly CatalogWorkflowEntry[] = [
  workflow(
    'it.create-directory-account',
    "Creates a person's account in the company directory (SSO, email, chat) and adds them to their department's groups.",
    object({ name: text(), email, department: text() }),
    result({ username: text(), groups: list(text()) }),
  ),
  workflow(
    'it.order-laptop',
    'Orders a laptop from the IT stock for delivery before a start date.',
    object({ email, startDate: date, model: oneOf('standard', 'engineering') }, ['model']),
    result({ orderId: text(), deliveryDate: date }),
  ),
  workflow(
    'it.revoke-access',
    "Disables a person's directory account and revokes every SaaS session and API token.",
    object({ email }),
    result({ revokedSystems: list(text()) }),
  ),
  workflow(
    'hr.enrol-benefits',
    'Enrols an employee in the health and pension plans from their start date.',
    object({ email, startDate: date }),
    result({ planId: text() }),
  ),
  workflow(
    'facilities.arrange-equipment-return',
    "Arranges a courier pickup of a leaver's laptop, badge and other equipment.",
    object({ email, lastDay: date }),
    result({ pickupId: text(), pickupDate: date }),
  ),
  workflow(
    'security.review-account-activity',
    "Opens a security review of an account's activity (downloads, shares, logins) over the last N days.",
    object({ email, days: { type: 'integer', minimum: 1, maximum: 365 } }),
    result({ caseId: text() }),
  ),
  workflow(
    'recruiting.parse-cv',
    'Extracts skills, experience and education from a CV document.',
    object({ cvUrl: text() }),
    result({ skills: list(text()), yearsExperience: count }),
  ),
  workflow(
    'recruiting.score-candidate',
    "Scores a candidate 0-100 against a role's requirements.",
    object({ roleId: text(), skills: list(text()), yearsExperience: count }),
    result({ score: { type: 'integer', minimum: 0, maximum: 100 }, summary: text() }),
  ),
  workflow(
    'recruiting.schedule-phone-screen',
    "Sends a candidate a booking link for a phone screen in the recruiter's calendar.",
    object({ candidateEmail: email, roleId: text() }),
    result({ bookingUrl: text() }),
  ),
  workflow(
    'travel.book-trip',
    "Books flights and a hotel through the company's travel agency.",
    object({ employeeEmail: email, destination: text(), departureDate: date, returnDate: date }),
    result({ bookingRef: text(), totalCost: { type: 'number' } }),
  ),
  workflow(
    'calendar.add-event',
    "Adds an event to a person's calendar.",
    object({ email, title: text(), start: date, end: date }),
    result({ eventId: text() }),
  ),
  workflow(
    'iam.grant-access',
    'Grants a person an access level on a business system.',
    object({ email, system: text(), level: oneOf('read', 'admin') }),
    result({ grantId: text() }),
  ),
  workflow(
    'iam.schedule-revocation',
    'Schedules the automatic removal of an access grant after a number of days.',
    object({ grantId: text(), afterDays: { type: 'integer', minimum: 1 } }),
    result({ revokeOn: date, scheduled: flag }),
  ),
];
