/** docs/testing.md, "A replay test in CI": runs exported from production replay on the code of this change. */
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { WorkflowRegistry, parseReplayFile, replayInputOf, replayRun } from '@baton/core';
import { scenarios } from '../recorded/scenarios.js';

// The code under test: what the workers would run once this change is deployed.
const registry = new WorkflowRegistry(scenarios.map((scenario) => scenario.workflow()));
// Runs exported with `baton replay --export examples/recorded --db "$BATON_DB" --redact`.
const dir = new URL('../recorded/', import.meta.url);
const files = readdirSync(dir).filter((name) => name.endsWith('.json'));

it.each(files)('%s replays on this code', async (name) => {
  const file = parseReplayFile(readFileSync(new URL(name, dir), 'utf8'), name);
  const workflow = registry.get(file.run.workflow, file.run.version);
  expect(workflow, `no code for ${file.run.workflow} version ${file.run.version}`).toBeDefined();
  const result = await replayRun(workflow!, replayInputOf(file));
  expect(result.ok ? 'replays' : `${result.divergence.message} (at ${result.divergence.source ?? 'an unknown line'})`).toBe('replays');
});
