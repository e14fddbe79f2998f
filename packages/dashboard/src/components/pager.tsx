/** The line under a paged list: back to the first page (when not on it), what this page holds, the next page (when there is one). */
import type { ReactNode } from 'react';

export interface PagerProps {
  /** What this page holds: "3 runs on this page". */
  children: ReactNode;
  /** The label back to the first page ("← Newest"), and where it goes; undefined on the first page. */
  first: { label: string; go(): void } | undefined;
  /** The label of the next page ("Older →"), and where it goes; undefined on the last page. */
  next: { label: string; go(): void } | undefined;
}

export function Pager({ children, first, next }: PagerProps) {
  return (
    <div className="pager">
      {first === undefined ? null : (
        <button type="button" className="button" onClick={first.go}>
          {first.label}
        </button>
      )}
      <span className="pager-count">{children}</span>
      {next === undefined ? null : (
        <button type="button" className="button" onClick={next.go}>
          {next.label}
        </button>
      )}
    </div>
  );
}

/** The pager's links for a list shown newest first and paged by a `before` cursor: back to the newest, on to older ones. */
export function newestFirst(
  before: string | undefined,
  nextBefore: number | undefined,
  goTo: (before: number | undefined) => void,
): Omit<PagerProps, 'children'> {
  return {
    first: before === undefined ? undefined : { label: '← Newest', go: () => goTo(undefined) },
    next: nextBefore === undefined ? undefined : { label: 'Older →', go: () => goTo(nextBefore) },
  };
}
