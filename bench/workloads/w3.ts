/** W3: 500 one-step workflows started one after another, each awaited; latency from start call to result. */
import type { Durability } from '@baton/core';
import type { StoreFactory } from '../lib/stores.js';
import { withEngine } from '../lib/with-engine.js';
import { percentile, mean } from '../lib/stats.js';
import { cpuMs, now } from '../lib/timing.js';
import { BOTH_MODES, type Workload } from '../lib/workload.js';
import { single } from '../lib/workflows.js';

const WORKFLOWS = 500;

export const w3: Workload = {
  id: 'W3',
  title: `${WORKFLOWS} one-step workflows, one at a time`,
  modes: BOTH_MODES,
  warmUp: true,
  metrics: [
    { key: 'p50Ms', label: 'p50 start to result', unit: 'ms', digits: 3, target: { sqlite: { op: '<=', value: 0.5 }, postgres: { op: '<=', value: 1.5 } } },
    { key: 'p99Ms', label: 'p99 start to result', unit: 'ms', digits: 3, target: { sqlite: { op: '<=', value: 2 }, postgres: { op: '<=', value: 5 } } },
    { key: 'p99OverP50', label: 'p99 / p50', unit: '×', digits: 2, target: { op: '<=', value: 3 } },
    { key: 'meanMs', label: 'mean start to result', unit: 'ms', digits: 3 },
    { key: 'cpuUsPerWorkflow', label: 'CPU per workflow', unit: 'µs', digits: 1 },
    { key: 'commitsPerWorkflow', label: 'commits/workflow', unit: '', digits: 2 },
  ],
  floorRatios: [{ key: 'p50OverFloor', label: 'p50 / three-commit floor', metric: 'p50Ms', floor: 'threeCommitsMs' }],
  async measure(durability: Durability | undefined, stores: StoreFactory) {
    return withEngine(stores, { durability: durability ?? 'strict', concurrency: 16, workflows: [single] }, async (engine) => {
      const commits = engine.commits;
      const latencies: number[] = [];
      const cpu = cpuMs();
      for (let i = 0; i < WORKFLOWS; i++) {
        const start = now();
        const handle = await engine.client.start(single, i);
        const result = await handle.result();
        latencies.push(now() - start);
        if (result !== i + 1) throw new Error('W3: a workflow returned a wrong result');
      }
      const cpuUsed = cpuMs() - cpu;
      const p50Ms = percentile(latencies, 50);
      const p99Ms = percentile(latencies, 99);
      return {
        p50Ms,
        p99Ms,
        p99OverP50: p99Ms / p50Ms,
        meanMs: mean(latencies),
        cpuUsPerWorkflow: (cpuUsed * 1000) / WORKFLOWS,
        commitsPerWorkflow: (engine.commits - commits) / WORKFLOWS,
      };
    });
  },
};
