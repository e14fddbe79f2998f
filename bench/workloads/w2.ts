/** W2: one workflow fans out 1,000 parallel steps and joins them; wall time from start to result. */
import type { Durability } from '@baton/core';
import type { StoreFactory } from '../lib/stores.js';
import { withEngine } from '../lib/with-engine.js';
import { cpuMs, now } from '../lib/timing.js';
import { BOTH_MODES, type Workload } from '../lib/workload.js';
import { fanOut } from '../lib/workflows.js';

const WIDTH = 1000;

export const w2: Workload = {
  id: 'W2',
  title: `one workflow, ${WIDTH.toLocaleString('en-US')} parallel steps joined`,
  modes: BOTH_MODES,
  warmUp: true,
  metrics: [
    { key: 'wallMs', label: 'start to result', unit: 'ms', digits: 1, target: { sqlite: { op: '<=', value: 100 }, postgres: { op: '<=', value: 250 } } },
    { key: 'cpuMs', label: 'CPU', unit: 'ms', digits: 1 },
    { key: 'cpuUsPerStep', label: 'CPU per step', unit: 'µs', digits: 1 },
    { key: 'commits', label: 'commits', unit: '', digits: 0 },
  ],
  async measure(durability: Durability | undefined, stores: StoreFactory) {
    return withEngine(stores, { durability: durability ?? 'strict', concurrency: 16, workflows: [fanOut] }, async (engine) => {
      const commits = engine.commits;
      const cpu = cpuMs();
      const start = now();
      const handle = await engine.client.start(fanOut, { width: WIDTH });
      const result = await handle.result();
      const wallMs = now() - start;
      const cpuUsed = cpuMs() - cpu;
      if (result !== (WIDTH * (WIDTH - 1)) / 2) throw new Error('W2: the workflow returned a wrong sum');
      return { wallMs, cpuMs: cpuUsed, cpuUsPerStep: (cpuUsed * 1000) / WIDTH, commits: engine.commits - commits };
    });
  },
};
