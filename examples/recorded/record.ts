/**
 * Records the runs of the example scenarios as replay files (the format `baton replay --export`
 * writes) into examples/recorded/<scenario>.v<version>.json:
 *   npx tsx examples/recorded/record.ts
 * Each run's id is its scenario's name. Record anew only for a new workflow version; keep the old
 * files so old runs stay covered.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, ManualClock, replayFileOf, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { BAKED_WITH, RECORDED_AT } from './recording.js';
import { scenarios } from './scenarios.js';

for (const scenario of scenarios) {
  const store = new SqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'baton-record-')), 'baton.db') });
  const workflow = scenario.workflow();
  const engine = new Engine({ store, workflows: [workflow], clock: new ManualClock(RECORDED_AT), logger: silentLogger, pollIntervalMs: 10 });
  await engine.start();
  const run = await engine.client.start(workflow, scenario.input, { id: scenario.name });
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
  const journal = await store.getJournal(run.id);
  const file = replayFileOf({ run: record, journal }, { exportedAt: new Date(RECORDED_AT), bakedWith: BAKED_WITH });
  const path = new URL(`./${scenario.name}.v${record.version}.json`, import.meta.url);
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  console.log(`recorded ${scenario.name}: ${journal.length} journal entries -> ${path.pathname}`);
  await engine.stop();
  await store.close();
}
