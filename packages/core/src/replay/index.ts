export { replayRun, type ReplayInput, type ReplayOptions } from './replay-run.js';
export type { ReplayDivergence, ReplayEnd, ReplayResult } from './replay-result.js';
export { workflowSource } from './replay-source.js';
