/** People scenarios: joining, leaving, hiring, travel and access to systems. */
import { APPROVAL, type PlannerScenario } from '../scenario-types.js';

const hire = { name: 'Amara Okafor', email: 'amara.okafor@example.com', startDate: '2027-01-11', department: 'Engineering' };
const leaver = { employeeEmail: 'tom.berg@example.com', lastDay: '2026-12-31' };
const application = { candidateEmail: 'j.nowak@example.net', roleId: 'ROLE-BE-17', cvUrl: 'https://files.example.com/cv/j-nowak.pdf' };
const trip = { employeeEmail: 'ines.moreau@example.com', destination: 'Lisbon', departureDate: '2027-02-03', returnDate: '2027-02-05' };
const access = { requesterEmail: 'k.lindqvist@example.com', system: 'billing-console', justification: 'Month-end invoicing support' };

export const PEOPLE_SCENARIOS: readonly PlannerScenario[] = [
  {
    name: 'employee-onboarding',
    domain: 'people',
    paragraph:
      'When HR confirms a new hire, create their accounts in the company directory, order their laptop and enrol them in the benefits plan. Contractors are not eligible for benefits, so skip the enrolment for them. Finally the hiring manager approves the first-week plan. Each new hire comes with their name, email, start date, department and whether they are an employee or a contractor.',
    calls: ['it.create-directory-account', 'it.order-laptop', 'hr.enrol-benefits'],
    approvals: 1,
    branches: [
      {
        what: 'no benefits enrolment for contractors',
        cases: [
          { label: 'an employee', input: { ...hire, employmentType: 'employee' }, reaches: ['it.create-directory-account', 'hr.enrol-benefits', APPROVAL] },
          {
            label: 'a contractor',
            input: { ...hire, employmentType: 'contractor' },
            reaches: ['it.create-directory-account', APPROVAL],
            avoids: ['hr.enrol-benefits'],
          },
        ],
      },
    ],
  },
  {
    name: 'employee-offboarding',
    domain: 'people',
    paragraph:
      "When an employee leaves, revoke their system access, arrange the return of their laptop and badge, and run their final payroll. If they were dismissed rather than resigning, also open a security review of their account activity over the last 90 days. HR must approve the final payroll before it runs. We get the employee's email, their last day and the reason for leaving.",
    calls: ['it.revoke-access', 'facilities.arrange-equipment-return', 'payroll.run-final-payroll', 'security.review-account-activity'],
    approvals: 1,
    branches: [
      {
        what: 'a security review for dismissals',
        cases: [
          {
            label: 'a dismissal',
            input: { ...leaver, reason: 'dismissal' },
            reaches: ['it.revoke-access', 'security.review-account-activity', 'payroll.run-final-payroll'],
          },
          {
            label: 'a resignation',
            input: { ...leaver, reason: 'resignation' },
            reaches: ['it.revoke-access', 'payroll.run-final-payroll'],
            avoids: ['security.review-account-activity'],
          },
        ],
      },
    ],
  },
  {
    name: 'applicant-screening',
    domain: 'people',
    paragraph:
      "For every job application, parse the candidate's CV and score it against the role's requirements. Candidates scoring 70 or more are invited to a phone screen, but the recruiter approves each invitation before it goes out. Everyone else receives a polite rejection email. An application has the candidate's email, the role id and a link to the CV.",
    calls: ['recruiting.parse-cv', 'recruiting.score-candidate', 'recruiting.schedule-phone-screen', 'comms.send-email'],
    approvals: 1,
    branches: [
      {
        what: 'a phone screen from a score of 70',
        cases: [
          {
            label: 'a candidate scoring 85',
            input: application,
            answers: { 'recruiting.score-candidate': { output: { score: 85, summary: 'Strong backend experience' } } },
            reaches: [APPROVAL, 'recruiting.schedule-phone-screen'],
          },
          {
            label: 'a candidate scoring 40',
            input: application,
            answers: { 'recruiting.score-candidate': { output: { score: 40, summary: 'No relevant experience' } } },
            avoids: [APPROVAL, 'recruiting.schedule-phone-screen'],
            reaches: ['comms.send-email'],
          },
        ],
      },
    ],
  },
  {
    name: 'travel-request',
    domain: 'people',
    paragraph:
      "Staff request business travel with their email, the destination, whether it is abroad, the dates and the estimated cost. Trips abroad or costing more than 2,000 EUR need the department head's approval; other trips are booked straight away. Book the flights and hotel through the travel agency, then put the trip in the employee's calendar.",
    calls: ['travel.book-trip', 'calendar.add-event'],
    approvals: 1,
    branches: [
      {
        what: "the department head's approval for costly trips",
        cases: [
          { label: 'a domestic trip of 3,000 EUR', input: { ...trip, abroad: false, estimatedCost: 3_000 }, reaches: [APPROVAL, 'travel.book-trip'] },
          {
            label: 'a domestic trip of 600 EUR',
            input: { ...trip, abroad: false, estimatedCost: 600 },
            avoids: [APPROVAL],
            reaches: ['travel.book-trip', 'calendar.add-event'],
          },
        ],
      },
      {
        what: "the department head's approval for trips abroad",
        cases: [
          { label: 'a trip abroad of 600 EUR', input: { ...trip, abroad: true, estimatedCost: 600 }, reaches: [APPROVAL, 'travel.book-trip'] },
          { label: 'a domestic trip of 600 EUR', input: { ...trip, abroad: false, estimatedCost: 600 }, avoids: [APPROVAL], reaches: ['travel.book-trip'] },
        ],
      },
    ],
  },
  {
    name: 'access-request',
    domain: 'people',
    paragraph:
      "Someone asks for access to a business system, saying which system, whether they need read or admin access, and why. Read access is granted once the system owner approves. Admin access needs the system owner's approval and then the security team's. Once approved, grant the access and schedule its automatic removal after 90 days.",
    calls: ['iam.grant-access', 'iam.schedule-revocation'],
    approvals: 2,
    branches: [
      {
        what: "the security team's approval for admin access",
        cases: [
          { label: 'admin access', input: { ...access, accessLevel: 'admin' }, approvalsReached: 2, reaches: ['iam.grant-access', 'iam.schedule-revocation'] },
          { label: 'read access', input: { ...access, accessLevel: 'read' }, approvalsReached: 1, reaches: ['iam.grant-access', 'iam.schedule-revocation'] },
        ],
      },
    ],
  },
];
