/** Loading data for a view: the value, the error, and a reload that keeps showing the last value. */
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  value: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ value: T | undefined; error: unknown; loading: boolean }>({ value: undefined, error: undefined, loading: true });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current().then(
      (value) => mine === generation.current && setState({ value, error: undefined, loading: false }),
      (error: unknown) => mine === generation.current && setState((s) => ({ value: s.value, error, loading: false })),
    );
  }, []);

  useEffect(() => {
    // New inputs (the caller names what the load depends on): forget what the old ones showed.
    setState({ value: undefined, error: undefined, loading: true });
    run();
  }, deps);

  return { ...state, reload: run };
}
