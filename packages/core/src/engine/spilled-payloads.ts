/**
 * Reads back the spilled payloads of a claimed run (input, journal outputs, signals, children's
 * outputs) from the blob store before its execution starts, so replay decodes them as it decodes
 * any other payload: synchronously, from memory. Handles (BlobValue) are not read: they stay
 * references until a step streams them.
 */
import type { PayloadCodec } from '../payload/payload-codec.js';
import type { ChildRecord, JournalEntry, RunRecord, SignalRecord } from '../store/records.js';

export async function inlineSpilled(
  codec: PayloadCodec,
  run: RunRecord,
  journal: Iterable<JournalEntry>,
  signals: SignalRecord[],
  children: ChildRecord[],
): Promise<void> {
  if (codec.blobs === undefined) return;
  const reads: Promise<void>[] = [];
  const inline = (text: string | undefined, set: (text: string) => void): void => {
    if (text !== undefined && codec.isSpilled(text)) reads.push(codec.inline(text).then(set));
  };
  inline(run.input, (t) => (run.input = t));
  for (const entry of journal) inline(entry.output, (t) => (entry.output = t));
  for (const signal of signals) inline(signal.payload, (t) => (signal.payload = t));
  for (const child of children) inline(child.output, (t) => (child.output = t));
  await Promise.all(reads);
}
