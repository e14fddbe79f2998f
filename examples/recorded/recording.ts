/** The shape of a recorded journal, and how a recording is made from a finished run. */
import type { JournalEntry } from '@baton/core';

export interface Recording {
  scenario: string;
  workflow: string;
  version: string;
  /** Baton version the journal was recorded with. */
  recordedWith: string;
  /** The run's input, encoded as the store keeps it. */
  input: string;
  /** The journal, with `runId` left out. */
  journal: Omit<JournalEntry, 'runId'>[];
  /** Signals in the order they were sent. */
  signals: { name: string; payload: string }[];
  /** The run's output, encoded. */
  output: string;
}
