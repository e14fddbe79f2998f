/**
 * Lease recovery: an engine that starts takes over at once the runs of an engine process of its own
 * host that is gone (its leases expire at once instead of after their full length), and leaves alone
 * the runs of live engines and of other hosts. Lease owners are forged with a real dead pid (a child
 * process that has exited); the leases are 10 minutes long, so nothing depends on timing.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Engine, ManualClock, defineWorkflow, formatEngineId, parseEngineId, silentLogger, type EngineIdentity, type Store } from '@baton/core';
import { waitFor, withStore, type StoreFactory } from '../../harness.js';

const LEASE_MS = 10 * 60_000;
const REF = [{ name: 'recoverable', version: '1', current: true }];
const INPUT = '{"$baton":"undefined"}';

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  if (child.pid === undefined) throw new Error('the probe process did not start');
  return child.pid;
}

/** The start time Linux shows for a process (field 22 of /proc/<pid>/stat), if it shows one. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** This process's identity as the engine id format records it. */
function localIdentity(store: Store): EngineIdentity {
  const identity = parseEngineId(new Engine({ store, logger: silentLogger }).id);
  if (identity === undefined) throw new Error('the default engine id does not parse');
  return identity;
}

export function leaseRecoverySuite(factory: StoreFactory): void {
  describe('lease recovery of dead local engines', () => {
    it('expires only the given owner’s unexpired leases, in one step, so the runs can be claimed at once', async () => {
      await withStore(factory, async (store) => {
        const clock = new ManualClock();
        for (const id of ['held-a', 'held-b', 'other'])
          await store.createRun({ id, workflow: 'recoverable', version: '1', input: INPUT, queue: 'default', priority: 0 }, clock.now());
        const claimedA = await store.claimRuns({ owner: 'owner-a', now: clock.now(), leaseMs: LEASE_MS, limit: 2, workflows: REF });
        const claimedB = await store.claimRuns({ owner: 'owner-b', now: clock.now(), leaseMs: LEASE_MS, limit: 1, workflows: REF });
        expect(claimedA).toHaveLength(2);
        expect(claimedB).toHaveLength(1);
        expect((await store.leaseOwners(clock.now())).sort()).toEqual(['owner-a', 'owner-b']);
        expect(await store.expireLeases('nobody', clock.now())).toEqual([]);

        const freed = await store.expireLeases('owner-a', clock.now());
        expect(freed.sort()).toEqual(claimedA.map((c) => c.run.id).sort());
        expect(await store.leaseOwners(clock.now())).toEqual(['owner-b']);
        expect(await store.expireLeases('owner-a', clock.now()), 'nothing left to expire').toEqual([]);

        // Due at once: another engine claims them without waiting out the lease; owner-b's run stays held.
        const taken = await store.claimRuns({ owner: 'owner-c', now: clock.now(), leaseMs: LEASE_MS, limit: 10, workflows: REF });
        expect(taken.map((c) => c.run.id).sort()).toEqual(freed.sort());
        expect(taken.every((c) => c.run.claims === 2)).toBe(true);
        // The old holder is fenced off by the new lease.
        const renewed = await store.renewLeases(
          'owner-a',
          claimedA.map((c) => ({ runId: c.run.id, token: c.leaseToken })),
          clock.now(),
          LEASE_MS,
        );
        expect(renewed.every((s) => !s.held)).toBe(true);
        // A run claimed since by another engine is not the old owner's to expire any more.
        expect(await store.expireLeases('owner-a', clock.now())).toEqual([]);
        expect((await store.getRun(claimedB[0]!.run.id))?.leaseOwner).toBe('owner-b');
      });
    });

    it('takes over at once the runs of a dead engine process of this host, but not those of live engines or other hosts', async () => {
      await withStore(factory, async (store) => {
        const steps: string[] = [];
        const wf = defineWorkflow({ name: 'recoverable' }, async (ctx) => ctx.step('work', () => (steps.push('work'), 'done')));
        const now = Date.now();
        const here = localIdentity(store);
        const dead = formatEngineId({ ...here, pid: await deadPid(), processStart: undefined, suffix: 'dead01' });
        const live = new Engine({ store, logger: silentLogger }).id; // this process: alive
        const elsewhere = formatEngineId({ ...here, host: `${here.host}x`, pid: await deadPid(), suffix: 'away01' });
        // Another machine with this host name (or this one before a reboot): its boot id differs.
        const otherBoot = formatEngineId({
          ...here,
          boot: here.boot === '0'.repeat(32) ? '1'.repeat(32) : '0'.repeat(32),
          pid: await deadPid(),
          suffix: 'boot01',
        });
        // A live process whose pid an engine id names with another start time: the pid was reused.
        const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });
        const sleeperStart = processStart(sleeper.pid!);
        const reused = formatEngineId({
          ...here,
          pid: sleeper.pid!,
          processStart: sleeperStart === undefined ? undefined : String(Number(sleeperStart) + 1),
          suffix: 'reuse1',
        });
        const running = formatEngineId({ ...here, pid: sleeper.pid!, processStart: sleeperStart, suffix: 'alive1' });
        const owners: Record<string, string> = {
          'of-dead': dead,
          'of-live': live,
          'of-running': running,
          'of-elsewhere': elsewhere,
          'of-other-boot': otherBoot,
          'custom-id': `worker-${await deadPid()}`,
        };
        // Where processes show no start time (not Linux), a live pid always counts as alive.
        if (sleeperStart !== undefined) owners['of-reused'] = reused;
        for (const [id, owner] of Object.entries(owners)) {
          await store.createRun({ id, workflow: 'recoverable', version: '1', input: INPUT, queue: 'default', priority: 0 }, now);
          expect(await store.claimRuns({ owner, now, leaseMs: LEASE_MS, limit: 1, workflows: REF }), `claim of ${id}`).toHaveLength(1);
        }

        const engine = new Engine({ store, workflows: [wf], logger: silentLogger, leaseMs: LEASE_MS, pollIntervalMs: 20 });
        await engine.start();
        try {
          // The lease has ten minutes to go: finishing at all shows it was taken over, not waited out.
          const recovered = sleeperStart === undefined ? ['of-dead'] : ['of-dead', 'of-reused'];
          for (const id of recovered) {
            await waitFor(async () => (await store.getRun(id))?.status === 'completed', {
              timeoutMs: 30_000,
              message: `the dead engine’s run ${id} to complete`,
            });
          }
          expect(steps).toEqual(recovered.map(() => 'work'));
          for (const id of ['of-live', 'of-running', 'of-elsewhere', 'of-other-boot', 'custom-id']) {
            const run = await store.getRun(id);
            expect(run?.status, id).toBe('running');
            expect(run?.claims, id).toBe(1);
            expect(run?.leaseOwner, id).toBe(owners[id]);
          }
        } finally {
          sleeper.kill('SIGKILL');
          await engine.stop();
        }
      });
    }, 60_000);
  });
}
