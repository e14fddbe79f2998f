/**
 * The recorded runs: replay files (`baton.replay/1`, see docs/replay.md) read back, and what a
 * recording tells beyond replay: the signals the run got, in order (from its journal's signal entries).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseReplayFile, type ReplayFile } from '@baton/core';

/** The Baton version the recordings were made with, and the clock time they were made at. */
export const BAKED_WITH = '0.1.0';
export const RECORDED_AT = Date.UTC(2030, 0, 1);

/** Every replay file in this folder, parsed (a malformed one throws, naming itself). */
export function readRecordings(): ReplayFile[] {
  return readdirSync(new URL('.', import.meta.url))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => parseReplayFile(readFileSync(new URL(f, import.meta.url), 'utf8'), `examples/recorded/${f}`));
}

/** The signals the run consumed, in order, with their payloads as stored. */
export function recordedSignals(file: ReplayFile): { name: string; payload: string }[] {
  return file.journal.filter((e) => e.kind === 'signal' && e.output !== undefined).map((e) => ({ name: e.name, payload: e.output! }));
}
