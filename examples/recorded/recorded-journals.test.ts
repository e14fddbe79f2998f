/**
 * Replays runs recorded from earlier versions (replay files, as `baton replay --export` writes them)
 * against today's code: first with the replay check (`replayRun`, what `baton replay --from` does),
 * then by resuming a real engine from every prefix of each journal (each prefix is the state a crash
 * can leave). The run must finish with the recorded output, keep the recorded entries, and take the
 * same path. A change that breaks runs in flight fails here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine, ManualClock, replayInputOf, replayRun, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { readRecordings, recordedSignals } from './recording.js';
import { scenarios } from './scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-recorded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const recordings = readRecordings();

describe('recorded journals replay on current code', () => {
  it('has recordings for every scenario', () => {
    // A recorded run's id is its scenario's name.
    expect(new Set(recordings.map((r) => r.run.id))).toEqual(new Set(scenarios.map((s) => s.name)));
  });

  for (const file of recordings) {
    const scenario = scenarios.find((s) => s.name === file.run.id)!;
    const recording = {
      scenario: file.run.id,
      workflow: file.run.workflow,
      version: file.run.version,
      input: file.run.input,
      journal: file.journal,
      output: file.run.output,
    };
    const signals = recordedSignals(file);

    it(`${recording.scenario} (v${recording.version}, recorded with ${file.bakedWith ?? 'an unknown version'}) passes the replay check`, async () => {
      const result = await replayRun(scenario.workflow(), replayInputOf(file));
      expect(result).toMatchObject({ ok: true, ended: 'returned', positions: file.journal.length });
    });

    // One workflow (and so one set of simulated outside systems) per scenario, shared by its replays:
    // like real systems, they keep what the crashed process did, keyed by idempotency key.
    const workflow = scenario.workflow();
    for (let prefix = 0; prefix <= recording.journal.length; prefix++) {
      it(`${recording.scenario} (v${recording.version}) resumes after ${prefix} of ${recording.journal.length} entries`, async () => {
        const store = new SqliteStore({ path: join(dir, `${recording.scenario}-${prefix}.db`), synchronous: 'NORMAL' });
        await store.init();
        const clock = new ManualClock(recording.journal[0]?.startedAt ?? Date.UTC(2030, 0, 1));
        const runId = file.run.id; // the id it was recorded with: idempotency keys match
        // Forge the state a worker that crashed after `prefix` entries leaves behind.
        await store.createRun(
          { id: runId, workflow: recording.workflow, version: recording.version, input: recording.input, queue: 'default', priority: 0 },
          clock.now(),
        );
        const [claim] = await store.claimRuns({
          owner: 'crashed',
          now: clock.now(),
          leaseMs: 60_000,
          limit: 1,
          workflows: [{ name: recording.workflow, version: recording.version }],
        });
        const kept = recording.journal.slice(0, prefix).map((e) => ({ ...e, runId }));
        const [written] = await store.commit([{ runId, leaseToken: claim!.leaseToken, journal: kept, transition: { kind: 'release' } }], clock.now());
        expect(written).toEqual({ ok: true });
        const consumed = kept.filter((e) => e.kind === 'signal').length;

        const engine = new Engine({ store, workflows: [workflow], clock, logger: silentLogger, pollIntervalMs: 10 });
        await engine.start();
        try {
          for (const signal of signals.slice(consumed)) {
            await store.sendSignal(runId, signal.name, signal.payload, clock.now());
          }
          await engine.client.result(runId, { timeoutMs: 10_000 });
          const run = await store.getRun(runId);
          expect(run?.status).toBe('completed');
          expect(run?.output).toBe(recording.output);
          expect(recording.output).toBeDefined();
          const journal = await store.getJournal(runId);
          expect(journal.map((e) => `${e.seq}:${e.kind}:${e.name}:${e.status}`)).toEqual(
            recording.journal.map((e) => `${e.seq}:${e.kind}:${e.name}:${e.status}`),
          );
          for (const entry of kept) expect(journal.find((e) => e.seq === entry.seq)).toEqual(entry);
        } finally {
          await engine.stop();
          await store.close();
        }
      });
    }
  }
});
