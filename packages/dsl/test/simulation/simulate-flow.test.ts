/**
 * simulate() on the flow of a definition: branches chosen by the input and by the scenario (the
 * switch cases named in the path), an approval approved or rejected taking different paths, a month's
 * wait finishing at once, a for loop's iterations, an endless loop stopped by maxTasks (and by
 * timeoutMs), and an invalid definition that runs nothing.
 */
import { describe, expect, it } from 'vitest';
import { definition, simulateInMemory, steps, task } from './simulation-support.js';

const routing = definition(`
do:
  - classify:
      switch:
        - large:
            when: '\${ .amount > 1000 }'
            then: review
        - small:
            then: approve
  - review:
      set: { amount: '\${ .amount }', route: review }
      then: end
  - approve:
      set: { amount: '\${ .amount }', route: auto }
`);

const credit = definition(`
do:
  - checkCredit:
      call: http
      with: { method: get, endpoint: 'https://credit.example.com/score' }
  - decide:
      switch:
        - poor:
            when: '\${ .score < 500 }'
            then: reject
        - good:
            when: '\${ .score >= 500 }'
            then: accept
  - accept:
      set: { decision: accepted }
      then: end
  - reject:
      set: { decision: rejected }
`);

const refund = definition(`
do:
  - ask:
      call: baton.approval
      with:
        signal: refund
        title: '\${ "Refund " + (.amount | tostring) }'
        form:
          type: object
          properties:
            approved: { type: boolean }
            note: { type: string }
          required: [ approved ]
  - decide:
      switch:
        - yes:
            when: '\${ .approved }'
            then: pay
        - no:
            then: refuse
  - pay:
      set: { paid: true }
      then: end
  - refuse:
      set: { paid: false }
`);

describe('simulate: the path a definition takes', () => {
  it('takes the branch the input chooses, naming the switch case', async () => {
    const large = await simulateInMemory(routing, { amount: 5000 });
    expect(large.status).toBe('completed');
    expect(large.output).toEqual({ amount: 5000, route: 'review' });
    expect(steps(large)).toEqual(['classify:completed>large->review', 'review:completed->end']);

    const small = await simulateInMemory(routing, { amount: 10 });
    expect(small.output).toEqual({ amount: 10, route: 'auto' });
    expect(steps(small)).toEqual(['classify:completed>small->approve', 'approve:completed']);
    expect(task(small, 'classify')).toMatchObject({ reference: '/do/0/classify', kind: 'switch', depth: 0 });
  });

  it('takes the branch the scenario chooses through a call answer', async () => {
    const poor = await simulateInMemory(credit, {}, { scenario: { tasks: { checkCredit: { output: { score: 320 } } } } });
    expect(poor.output).toEqual({ decision: 'rejected' });
    expect(steps(poor)).toEqual(['checkCredit:completed', 'decide:completed>poor->reject', 'reject:completed']);
    expect(task(poor, 'checkCredit')).toMatchObject({ answeredBy: 'scenario', output: { score: 320 } });

    // By JSON pointer, which wins over the name.
    const good = await simulateInMemory(
      credit,
      {},
      {
        scenario: { tasks: { checkCredit: { output: { score: 320 } }, '/do/0/checkCredit': { output: { score: 810 } } } },
      },
    );
    expect(good.output).toEqual({ decision: 'accepted' });
    expect(steps(good)).toEqual(['checkCredit:completed', 'decide:completed>good->accept', 'accept:completed->end']);
  });

  it('a switch with no matching case and no default names none', async () => {
    const result = await simulateInMemory(
      definition(`
do:
  - decide:
      switch:
        - red:
            when: '\${ .colour == "red" }'
            then: end
  - after:
      set: { reached: true }
`),
      { colour: 'blue' },
    );
    expect(steps(result)).toEqual(['decide:completed>none', 'after:completed']);
  });

  it('an approval approved and one rejected take different paths; an answer that does not fit the form faults', async () => {
    const approved = await simulateInMemory(refund, { amount: 40 }, { scenario: { approvals: { ask: { approved: true, note: 'fine' } } } });
    expect(approved.status).toBe('completed');
    expect(approved.output).toEqual({ paid: true });
    expect(steps(approved)).toEqual(['ask:completed', 'decide:completed>yes->pay', 'pay:completed->end']);
    expect(task(approved, 'ask')).toMatchObject({ kind: 'baton.call', answeredBy: 'scenario', output: { approved: true, note: 'fine' } });

    // By signal name this time.
    const rejected = await simulateInMemory(refund, { amount: 40 }, { scenario: { approvals: { refund: { approved: false } } } });
    expect(rejected.output).toEqual({ paid: false });
    expect(steps(rejected)).toEqual(['ask:completed', 'decide:completed>no->refuse', 'refuse:completed']);

    // No answer given: a sample of the form (a boolean samples as false).
    const sampled = await simulateInMemory(refund, { amount: 40 });
    expect(task(sampled, 'ask')).toMatchObject({ answeredBy: 'schema', output: { approved: false } });
    expect(sampled.output).toEqual({ paid: false });

    const wrong = await simulateInMemory(refund, { amount: 40 }, { scenario: { approvals: { '*': { approved: 'yes' } } } });
    expect(wrong.status).toBe('faulted');
    expect(wrong.error).toMatchObject({ status: 400, instance: '/do/0/ask' });
    expect(wrong.error?.type).toMatch(/\/validation$/);
    expect(wrong.error?.detail).toContain("The answer to 'Refund 40' does not fit its form");
    expect(steps(wrong)).toEqual(['ask:faulted']);
  });

  it('a wait of thirty days finishes at once', async () => {
    const result = await simulateInMemory(
      definition(`
do:
  - cool:
      wait: P30D
  - remind:
      set: { reminded: true, order: '\${ .order }' }
`),
      { order: 'A-1' },
    );
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ reminded: true, order: 'A-1' });
    expect(task(result, 'cool')).toMatchObject({ kind: 'wait', answeredBy: 'default', output: { order: 'A-1' } });
    expect(result.durationMs).toBeLessThan(15_000);
  });

  it("shows a for loop's iterations, qualified, one level deeper", async () => {
    const result = await simulateInMemory(
      definition(`
do:
  - sum:
      for: { each: item, in: '\${ .items }' }
      do:
        - add:
            set: { total: '\${ .total + $item }' }
`),
      { items: [1, 2, 3], total: 0 },
    );
    expect(result.output).toEqual({ total: 6 });
    expect(steps(result)).toEqual(['sum:completed', 'add#1:completed', 'add#2:completed', 'add#3:completed']);
    expect(result.path.map((t) => t.depth)).toEqual([0, 1, 1, 1]);
    expect(task(result, 'add', '#2')).toMatchObject({ reference: '/do/0/sum/do/0/add', output: { total: 3 } });
  });

  it('marks a task whose if does not hold as skipped', async () => {
    const result = await simulateInMemory(
      definition(`
do:
  - maybe:
      if: '\${ .vip }'
      set: { discount: 10 }
  - always:
      set: { done: true }
`),
      { vip: false },
    );
    expect(steps(result)).toEqual(['maybe:skipped', 'always:completed']);
  });

  it('stops an endless then loop at maxTasks, saying which bound', async () => {
    const loop = definition(`
do:
  - ping:
      set: { at: ping }
      then: pong
  - pong:
      set: { at: pong }
      then: ping
`);
    const result = await simulateInMemory(loop, {}, { maxTasks: 40 });
    expect(result.status).toBe('stopped');
    expect(result.error?.title).toBe('Task limit reached');
    expect(result.error?.detail).toContain('maxTasks');
    expect(result.path).toHaveLength(40);
    expect(steps(result).slice(0, 3)).toEqual(['ping:completed->pong', 'pong:completed->ping', 'ping:completed->pong']);

    const timed = await simulateInMemory(loop, {}, { maxTasks: 1_000_000_000, timeoutMs: 300 });
    expect(timed.status).toBe('stopped');
    expect(timed.error?.detail).toContain('timeoutMs');
  });

  it('an invalid definition is invalid, with its issues, and nothing runs', async () => {
    const result = await simulateInMemory(
      definition(`
do:
  - first:
      set: { a: 1 }
      then: nowhere
`),
      {},
    );
    expect(result.status).toBe('invalid');
    expect(result.path).toEqual([]);
    expect(result.issues?.length).toBeGreaterThan(0);
    expect(result.issues?.map((i) => i.message).join(' ')).toContain('nowhere');
  });

  it('a wrong scenario or bound is refused before anything runs', async () => {
    await expect(simulateInMemory(routing, {}, { scenario: { tasks: { x: { nothing: 1 } } } as never })).rejects.toMatchObject({
      code: 'BATON_INVALID_ARGUMENT',
    });
    await expect(simulateInMemory(routing, {}, { maxTasks: 0 })).rejects.toMatchObject({ code: 'BATON_INVALID_ARGUMENT' });
  });
});
