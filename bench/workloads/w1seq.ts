/** W1seq: the W1 workflows run one after another (start, await result, next); latency of a sequential step. */
import type { Durability } from '@baton/core';
import type { StoreFactory } from '../lib/stores.js';
import { withEngine } from '../lib/with-engine.js';
import { cpuMs, now } from '../lib/timing.js';
import { BOTH_MODES, type Workload } from '../lib/workload.js';
import { chain } from '../lib/workflows.js';

const WORKFLOWS = 200;
const STEPS = 10;

export const w1seq: Workload = {
  id: 'W1seq',
  title: `${WORKFLOWS} workflows x ${STEPS} sequential steps, one workflow at a time`,
  modes: BOTH_MODES,
  warmUp: true,
  metrics: [
    { key: 'msPerStep', label: 'mean per step', unit: 'ms', digits: 3, target: { sqlite: { op: '<=', value: 0.2 }, postgres: { op: '<=', value: 0.5 } } },
    { key: 'msPerWorkflow', label: 'mean per workflow', unit: 'ms', digits: 2 },
    { key: 'cpuUsPerStep', label: 'CPU per step', unit: 'µs', digits: 1 },
    { key: 'commitsPerWorkflow', label: 'commits/workflow', unit: '', digits: 2, target: { postgres: { op: '<=', value: 6 } } },
  ],
  floorRatios: [{ key: 'msPerStepOverFloor', label: 'per step / single-commit floor', metric: 'msPerStep', floor: 'singleCommitMs' }],
  async measure(durability: Durability | undefined, stores: StoreFactory) {
    return withEngine(stores, { durability: durability ?? 'strict', concurrency: 16, workflows: [chain] }, async (engine) => {
      const commits = engine.commits;
      const cpu = cpuMs();
      const start = now();
      for (let i = 0; i < WORKFLOWS; i++) {
        const handle = await engine.client.start(chain, { steps: STEPS });
        if ((await handle.result()) !== STEPS) throw new Error('W1seq: a workflow returned a wrong result');
      }
      const wallMs = now() - start;
      const cpuUsed = cpuMs() - cpu;
      return {
        msPerStep: wallMs / (WORKFLOWS * STEPS),
        msPerWorkflow: wallMs / WORKFLOWS,
        cpuUsPerStep: (cpuUsed * 1000) / (WORKFLOWS * STEPS),
        commitsPerWorkflow: (engine.commits - commits) / WORKFLOWS,
      };
    });
  },
};
