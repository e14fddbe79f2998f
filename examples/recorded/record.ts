/**
 * Records the journals of the example scenarios into examples/recorded/*.json:
 *   npx tsx examples/recorded/record.ts
 * Record anew only for a new workflow version; keep the old files so old runs stay covered.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, ManualClock, defaultPayloadCodec, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import type { Recording } from './recording.js';
import { scenarios } from './scenarios.js';

const BATON_VERSION = '0.1.0';
export const RUN_ID = 'recorded-run';

for (const scenario of scenarios) {
  const store = new SqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'baton-record-')), 'baton.db') });
  const workflow = scenario.workflow();
  const engine = new Engine({ store, workflows: [workflow], clock: new ManualClock(), logger: silentLogger, pollIntervalMs: 10 });
  await engine.start();
  const run = await engine.client.start(workflow, scenario.input, { id: RUN_ID });
  for (const signal of scenario.signals) {
    for (;;) {
      const info = await engine.client.get(run.id);
      if (info?.status === 'waiting') break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await engine.client.signal(run.id, signal.name, signal.data);
  }
  await run.result({ timeoutMs: 10_000 });
  const record = (await store.getRun(run.id))!;
  const journal = (await store.getJournal(run.id)).map(({ runId: _runId, ...entry }) => entry);
  const recording: Recording = {
    scenario: scenario.name,
    workflow: record.workflow,
    version: record.version,
    recordedWith: BATON_VERSION,
    input: record.input,
    journal,
    signals: scenario.signals.map((s) => ({ name: s.name, payload: defaultPayloadCodec.encode(s.data) })),
    output: record.output!,
  };
  const file = new URL(`./${scenario.name}.v${record.version}.json`, import.meta.url);
  writeFileSync(file, `${JSON.stringify(recording, null, 2)}\n`);
  console.log(`recorded ${scenario.name}: ${journal.length} journal entries -> ${file.pathname}`);
  await engine.stop();
  await store.close();
}
