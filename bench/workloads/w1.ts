/**
 * W1: 200 workflows of 10 sequential trivial steps, all started at once; throughput until all complete.
 * W1tagged: the same with two tags on every run, for what the indexes on tags cost the writes.
 */
import type { Durability } from '@baton/core';
import type { StoreFactory } from '../lib/stores.js';
import { withEngine } from '../lib/with-engine.js';
import { cpuMs, now } from '../lib/timing.js';
import { BOTH_MODES, type Workload } from '../lib/workload.js';
import { chain } from '../lib/workflows.js';

const WORKFLOWS = 200;
const STEPS = 10;

function chainWorkload(id: string, title: string, tags: string[] | undefined): Workload {
  return {
    id,
    title,
    modes: BOTH_MODES,
    warmUp: true,
    metrics: [
      { key: 'workflowsPerSec', label: 'workflows/s', unit: '/s', digits: 0 },
      { key: 'stepsPerSec', label: 'steps/s', unit: '/s', digits: 0, target: { sqlite: { op: '>=', value: 20_000 }, postgres: { op: '>=', value: 5_000 } } },
      { key: 'wallMs', label: 'wall', unit: 'ms', digits: 1 },
      { key: 'cpuUsPerStep', label: 'CPU per step', unit: 'µs', digits: 1 },
      { key: 'commitsPerWorkflow', label: 'commits/workflow', unit: '', digits: 2, target: { postgres: { op: '<=', value: 6 } } },
    ],
    async measure(durability: Durability | undefined, stores: StoreFactory) {
      return withEngine(stores, { durability: durability ?? 'strict', concurrency: 256, workflows: [chain] }, async (engine) => {
        const commits = engine.commits;
        const cpu = cpuMs();
        const start = now();
        const handles = await Promise.all(
          Array.from({ length: WORKFLOWS }, () => engine.client.start(chain, { steps: STEPS }, tags === undefined ? {} : { tags })),
        );
        const results = await Promise.all(handles.map((h) => h.result()));
        const wallMs = now() - start;
        const cpuUsed = cpuMs() - cpu;
        if (results.some((r) => r !== STEPS)) throw new Error(`${id}: a workflow returned a wrong result`);
        return {
          workflowsPerSec: WORKFLOWS / (wallMs / 1000),
          stepsPerSec: (WORKFLOWS * STEPS) / (wallMs / 1000),
          wallMs,
          cpuUsPerStep: (cpuUsed * 1000) / (WORKFLOWS * STEPS),
          commitsPerWorkflow: (engine.commits - commits) / WORKFLOWS,
        };
      });
    },
  };
}

export const w1 = chainWorkload('W1', `${WORKFLOWS} workflows x ${STEPS} sequential steps, started at once`, undefined);
export const w1tagged = chainWorkload('W1tagged', `W1 with two tags on every run`, ['bench', 'tagged']);
