/** Ranges of benchmark samples over rounds (medians and percentiles are Baton's own bench helpers). */
import { median } from '../../lib/stats.js';

export { median, percentile } from '../../lib/stats.js';

export interface Range {
  median: number;
  min: number;
  max: number;
  count: number;
}

export function range(values: readonly number[]): Range {
  if (values.length === 0) throw new Error('no samples');
  const s = [...values].sort((a, b) => a - b);
  return { median: median(s), min: s[0]!, max: s[s.length - 1]!, count: s.length };
}
