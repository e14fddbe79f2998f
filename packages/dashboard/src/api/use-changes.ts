/**
 * Live updates: the API's change stream (fetch-based Server-Sent Events, reconnecting from the last
 * change seen) for as long as the view is shown.
 */
import { useEffect, useRef } from 'react';
import type { ApiChange } from '@baton/server/client';
import { useSession } from './session';

export interface ChangeFilter {
  runId?: string;
  workflow?: string;
}

/** Calls `onChange` for each change (and `onReset` when the server pruned some); stops on unmount. */
export function useChanges(filter: ChangeFilter, onChange: (change: ApiChange) => void, onReset?: () => void): void {
  const { client } = useSession();
  const handlers = useRef({ onChange, onReset });
  handlers.current = { onChange, onReset };
  const { runId, workflow } = filter;
  useEffect(() => {
    const abort = new AbortController();
    void (async () => {
      try {
        for await (const change of client.changes({
          ...(runId === undefined ? {} : { runId }),
          ...(workflow === undefined ? {} : { workflow }),
          signal: abort.signal,
          onReset: () => handlers.current.onReset?.(),
        })) {
          handlers.current.onChange(change);
        }
      } catch {
        // Stopped, or refused: a revoked key's 401 has ended the session (see session.tsx); else the view keeps what it has.
      }
    })();
    return () => abort.abort();
  }, [client, runId, workflow]);
}

/** `fn` run once, `ms` after the first of a burst of calls: many changes, one reload. */
export function useDebounced(fn: () => void, ms: number): () => void {
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return useRef(() => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      fnRef.current();
    }, ms);
  }).current;
}
