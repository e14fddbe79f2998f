/** How `baton replay` shows its verdicts: one line per run (two when a source line is known), a summary, progress. */
import type { ReplayEnd } from '@baton/core';
import type { ReplayVerdict } from './replay-check.js';

export interface ReplaySummary {
  checked: number;
  ok: number;
  diverged: number;
  missing: number;
  invalid: number;
  seconds: number;
  runsPerSecond: number;
}

const ENDED: Record<ReplayEnd, string> = {
  returned: 'returns as journaled',
  threw: 'throws as journaled',
  frontier: 'reaches the end of its journal',
};

export function verdictLines(v: ReplayVerdict): string[] {
  if (v.verdict === 'invalid') return [`invalid   ${v.file}: ${v.message}`];
  const what = `${v.runId}  ${v.workflow}@${v.version}  ${v.status}`;
  switch (v.verdict) {
    case 'ok':
      return [`ok        ${what}: ${ENDED[v.ended]} after ${v.positions} position${v.positions === 1 ? '' : 's'}`];
    case 'missing':
      return [`missing   ${what}: ${v.message}`];
    case 'diverged': {
      const d = v.divergence;
      const lines = [`diverged  ${what}: at position ${d.seq} the journal holds ${d.journaled}, the code asks for ${d.requested} (${d.code})`];
      if (d.source !== undefined) lines.push(`          at ${d.source}`);
      return lines;
    }
  }
}

export class SummaryCounter {
  readonly #started = performance.now();
  readonly counts = { checked: 0, ok: 0, diverged: 0, missing: 0, invalid: 0 };

  add(verdicts: readonly ReplayVerdict[]): void {
    for (const v of verdicts) {
      this.counts.checked++;
      this.counts[v.verdict]++;
    }
  }

  get failing(): number {
    return this.counts.diverged + this.counts.missing + this.counts.invalid;
  }

  summary(): ReplaySummary {
    const seconds = (performance.now() - this.#started) / 1000;
    return { ...this.counts, seconds: round(seconds, 3), runsPerSecond: seconds === 0 ? 0 : Math.round(this.counts.checked / seconds) };
  }
}

export function summaryLine(s: ReplaySummary): string {
  const parts = [`${s.ok} ok`, `${s.diverged} diverged`, `${s.missing} missing`];
  if (s.invalid > 0) parts.push(`${s.invalid} invalid`);
  return `checked ${s.checked} run${s.checked === 1 ? '' : 's'} in ${s.seconds.toFixed(2)}s (${s.runsPerSecond} runs/s): ${parts.join(', ')}`;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
