/** Many runs written straight through the store's batch commit (for scale tests): created running, then ended. */
import type { JournalEntry, Store } from '@baton/core';
import type { RunTransition, WriteOp } from '@baton/core/store-kit';

/**
 * Writes `count` runs in batches of 1,000 spread over [from, to): each batch created running in one
 * commit, then (most) ended in a second one a few seconds later, one in ten with a model call in its
 * journal. Workflows 'wf-0' … 'wf-4', namespace 'default'.
 */
export async function writeBulkRuns(store: Store, count: number, from: number, to: number): Promise<void> {
  const batches = Math.ceil(count / 1000);
  for (let b = 0; b < batches; b++) {
    const at = from + Math.floor(((to - from) * b) / batches);
    const creates: WriteOp[] = [];
    const ends: WriteOp[] = [];
    for (let i = b * 1000; i < Math.min(count, (b + 1) * 1000); i++) {
      const id = `bulk-${i}`;
      const token = `t-${i}`;
      const journal: JournalEntry[] =
        i % 10 === 0
          ? [
              {
                runId: id,
                seq: 1,
                kind: 'step',
                name: 'llm',
                status: 'completed',
                output: JSON.stringify({
                  kind: 'baton.llm',
                  text: 'ok',
                  model: 'm',
                  usage: { inputTokens: 100, outputTokens: 10, totalTokens: 110 },
                  costUsd: 0.001,
                }),
                attempts: 1,
                startedAt: at,
                endedAt: at,
              },
            ]
          : [];
      creates.push({
        runId: id,
        leaseToken: token,
        create: { id, workflow: `wf-${i % 5}`, version: '1', input: '{}', queue: 'default', priority: 0, leaseOwner: 'bulk', leaseExpiresAt: to + 3_600_000 },
        journal,
      });
      const transition: RunTransition | undefined =
        i % 20 === 0 ? undefined : i % 7 === 0 ? { kind: 'fail', error: { name: 'Error', message: 'no' } } : { kind: 'complete', output: 'null' };
      if (transition !== undefined) ends.push({ runId: id, leaseToken: token, transition });
    }
    await store.commit(creates, at);
    await store.commit(ends, at + 1000 + (b % 10) * 500);
  }
}
