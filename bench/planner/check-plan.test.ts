/**
 * The benchmark's checks judge definitions rightly: hand-written definitions of two scenarios, one
 * right and some wrong in the ways a model gets them wrong, run through the same checks (validation
 * with the catalog, calls, approvals, and the branch cases by simulation on `:memory:` SQLite).
 */
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '@baton/sqlite';
import { BENCH_CATALOG } from './catalog/bench-catalog.js';
import { checkPlan } from './check-plan.js';
import type { CheckOutcome, PlannerScenario } from './scenario-types.js';
import { PLANNER_SCENARIOS } from './scenarios/index.js';

const context = { catalog: BENCH_CATALOG, store: () => new SqliteStore({ path: ':memory:' }) };

function scenario(name: string): PlannerScenario {
  const found = PLANNER_SCENARIOS.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no scenario ${name}`);
  return found;
}

const failed = (outcomes: readonly CheckOutcome[]): string[] => outcomes.filter((o) => !o.passed).map((o) => o.check);

/** The invoice approval as a careful author writes it; `approval` replaces the approval task. */
function invoiceDefinition(approval = APPROVE_TASK): string {
  return `document: { dsl: '1.0.0', namespace: finance, name: invoice-approval, version: '0.1.0' }
do:
  - match:
      call: baton.workflow
      with:
        name: finance.match-purchase-order
        input: { invoiceNumber: '\${ .invoiceNumber }', supplier: '\${ .supplier }', amount: '\${ .amount }' }
      output:
        as: '\${ $input }'
  - route:
      switch:
        - large: { when: .amount > 10000, then: review }
        - small: { then: pay }
  - review:
      do:
${approval}
        - decide:
            switch:
              - approved: { when: .approved, then: continue }
              - declined: { then: end }
      output:
        as: '\${ $input }'
  - pay:
      call: baton.workflow
      with:
        name: finance.schedule-payment
        input: { invoiceNumber: '\${ .invoiceNumber }', supplier: '\${ .supplier }', amount: '\${ .amount }', currency: '\${ .currency }' }
  - record:
      call: baton.workflow
      with:
        name: finance.post-ledger-entry
        input: { reference: '\${ $workflow.input.invoiceNumber }', amount: '\${ $workflow.input.amount }', currency: '\${ $workflow.input.currency }', account: '2100' }
`;
}

const APPROVE_TASK = `        - approve:
            call: baton.approval
            with:
              title: '\${ "Approve invoice " + .invoiceNumber }'
              form: { type: object, properties: { approved: { type: boolean }, comment: { type: string } }, required: [approved] }`;

describe('the planner benchmark checks', () => {
  it('pass a definition that does what the paragraph asks', async () => {
    const outcomes = await checkPlan(scenario('invoice-approval'), invoiceDefinition(), context);
    expect(failed(outcomes)).toEqual([]);
    expect(outcomes.map((o) => o.check)).toContain("branch: the finance manager's approval above 10,000 EUR / an invoice of 800 EUR");
  });

  it('fail the approval count and the branch when the approval is missing', async () => {
    const noApproval = `        - approve:
            set: { approved: true }`;
    const outcomes = await checkPlan(scenario('invoice-approval'), invoiceDefinition(noApproval), context);
    expect(failed(outcomes)).toEqual(['approvals = 1', "branch: the finance manager's approval above 10,000 EUR / an invoice of 25,000 EUR"]);
    expect(outcomes.find((o) => o.check.endsWith('25,000 EUR'))?.detail).toBe('never reached approval');
  });

  it('fail a call to a workflow the catalog does not have, and every check after it', async () => {
    const outcomes = await checkPlan(scenario('invoice-approval'), invoiceDefinition().replace('finance.schedule-payment', 'finance.pay-invoice'), context);
    expect(outcomes[0]).toMatchObject({ check: 'valid', passed: false });
    expect(failed(outcomes)).toHaveLength(outcomes.length);
  });

  it('fail the branch when the threshold is the wrong way round', async () => {
    const outcomes = await checkPlan(scenario('invoice-approval'), invoiceDefinition().replace('.amount > 10000', '.amount < 10000'), context);
    expect(failed(outcomes)).toEqual([
      "branch: the finance manager's approval above 10,000 EUR / an invoice of 25,000 EUR",
      "branch: the finance manager's approval above 10,000 EUR / an invoice of 800 EUR",
    ]);
  });

  it('answer an approval by the form the model wrote, turned down included', async () => {
    // The expense claim: a form whose decision is an enum, and a manager who turns the claim down.
    const definition = `document: { dsl: '1.0.0', namespace: finance, name: expense-claim, version: '0.1.0' }
do:
  - route:
      switch:
        - small: { when: .amount <= 500, then: reimburse }
        - large: { then: askManager }
  - askManager:
      call: baton.approval
      with:
        title: Expense claim
        form:
          type: object
          properties: { decision: { type: string, enum: [approve, reject] }, reason: { type: string } }
          required: [decision, reason]
      output:
        as: '\${ $input + { decision: .decision } }'
  - check:
      switch:
        - rejected: { when: .decision == "reject", then: tell }
        - approved: { then: reimburse }
  - reimburse:
      call: baton.workflow
      with:
        name: payroll.add-reimbursement
        input: { employeeEmail: '\${ .employeeEmail }', amount: '\${ .amount }', currency: '\${ .currency }', reference: '\${ .purpose }' }
      output:
        as: '\${ $input }'
  - tell:
      call: baton.workflow
      with:
        name: comms.send-email
        input: { to: '\${ .employeeEmail }', subject: Your expense claim, body: '\${ "Decision: " + (.decision // "approved") }' }
`;
    const outcomes = await checkPlan(scenario('expense-claim'), definition, context);
    expect(failed(outcomes)).toEqual([]);
  });
});
