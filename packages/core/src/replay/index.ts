export { replayRun, type ReplayInput, type ReplayOptions } from './replay-run.js';
export type { ReplayDivergence, ReplayEnd, ReplayResult } from './replay-result.js';
export { workflowSource } from './replay-source.js';
export {
  REPLAY_FILE_FORMAT,
  parseReplayFile,
  replayFileOf,
  replayInputOf,
  type ReplayFile,
  type ReplayFileOptions,
  type ReplayFileRun,
} from './replay-file.js';
export { REDACTED } from './replay-redact.js';
