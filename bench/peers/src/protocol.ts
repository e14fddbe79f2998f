/** What a child process reports to the runner: one line on stdout, prefixed, holding JSON. */
import type { WorkloadId } from './system.js';
import type { Figures } from './measure.js';

export const RESULT_PREFIX = 'PEER-RESULT ';

export interface WorkloadOutcome {
  id: WorkloadId;
  figures?: Figures;
  /** Why there is no figure: the system leaves the workload out (its note) or it failed. */
  skipped?: string;
  error?: string;
}

export interface ChildResult {
  system: string;
  round: number;
  database: string;
  /** Time to start the system (server start, registration, schema), ms. */
  startMs: number;
  workloads: WorkloadOutcome[];
  error?: string;
}
