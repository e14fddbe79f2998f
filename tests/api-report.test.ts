/**
 * The checked-in API report (api/*.api.md) matches the public surface of the built packages, so that
 * every change to what a package exports is a visible decision (see docs/api-surface.md).
 */
import { describe, expect, it } from 'vitest';
import { API_DIR, apiReports, checkedInReports } from '../tools/api-report.js';

/** Where a checked-in report and the fresh one part, in a line a reader can act on. */
function difference(name: string, stored: string | undefined, fresh: string | undefined): string | undefined {
  if (stored === fresh) return undefined;
  if (stored === undefined) return `${API_DIR}/${name} is missing (a new entry point)`;
  if (fresh === undefined) return `${API_DIR}/${name} is stale (its entry point is gone)`;
  const before = stored.split('\n');
  const after = fresh.split('\n');
  const line = before.findIndex((text, i) => text !== after[i]);
  const at = line === -1 ? before.length : line;
  return `${API_DIR}/${name} differs from line ${at + 1}: checked in ${JSON.stringify(before[at] ?? '')}, built ${JSON.stringify(after[at] ?? '')}`;
}

describe('the API report', () => {
  it('matches the public surface of the built packages', { timeout: 120_000 }, () => {
    const fresh = apiReports();
    const stored = checkedInReports();
    const names = [...new Set([...fresh.keys(), ...stored.keys()])].sort();
    const differences = names.flatMap((name) => difference(name, stored.get(name), fresh.get(name)) ?? []);
    expect(differences, 'the public API changed: run `npm run api:report` and commit api/ if intended').toEqual([]);
  });
});
