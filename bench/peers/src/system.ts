/**
 * What every system in the peer benchmark provides. A system runs in a child process of its own for
 * one round (see run.ts), on a database made for that round, and is asked for the workloads it
 * supports. Each workload method does the work and resolves when every result is in; the harness
 * does the timing, the CPU accounting and the PostgreSQL counters around it.
 */

/** The workloads, as in docs/benchmarks.md. */
export type WorkloadId = 'W1' | 'W1seq' | 'W2' | 'W3' | 'TEN';

export interface SystemContext {
  /** A database made for this system and round (dropped afterwards): postgres://…/<database>. */
  pgUrl: string;
  /** A folder of its own for files (a SQLite file, a server's data folder), removed afterwards. */
  workDir: string;
  /** Progress on stderr. */
  log(message: string): void;
}

export interface SystemInstance {
  /** Child processes the system started (a server), whose CPU counts with the system's. */
  readonly pids: readonly number[];
  /** 200 × 10: start `workflows` workflows of `steps` sequential steps at once, await every result. */
  w1?(workflows: number, steps: number): Promise<void>;
  /** The same workflows one after another: start, await the result, next. */
  w1seq?(workflows: number, steps: number): Promise<void>;
  /** One workflow that fans out `width` parallel steps and joins them. */
  w2?(width: number): Promise<void>;
  /** Start one one-step workflow and await its result (called once per sample; the harness times it). */
  w3?(): Promise<void>;
  /**
   * One workflow of 10 sequential steps, awaited (for commits and WAL per workflow). TEN calls it
   * on instances of their own (started, called 1 or 21 times, closed), after the other workloads.
   */
  ten?(): Promise<void>;
  /**
   * Stops the system: its servers, and every connection it opened to the round's database (TEN reads
   * PostgreSQL's counters only once no session to that database is left). `start` may be called
   * again afterwards in the same process.
   */
  close(): Promise<void>;
}

export interface PeerSystem {
  /** Short id used on the command line and in tables: 'baton-strict', 'dbos', 'restate'… */
  id: string;
  /** What is measured, with the version and the durability setting: 'DBOS 5.3.0, durable default'. */
  label: string;
  /** 'durable' rows compare with Baton strict; 'batched' is labelled as such; 'queue' is for reference. */
  kind: 'durable' | 'batched' | 'queue';
  /**
   * Why a workload is left out, where one is (shown in the table instead of a figure). A workload
   * whose method the instance lacks is left out too, as 'not provided'.
   */
  notes?: Partial<Record<WorkloadId, string>>;
  start(context: SystemContext): Promise<SystemInstance>;
}
