import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { invoke, type Input, type LedgerEntry } from '../api.ts';

export const PAGE_SIZE = 100;

export type LedgerFilters = Omit<Input<'ledger.list'>, 'offset' | 'limit' | 'order'>;

// total: entries matching the filters; size: the whole ledger, as of the latest page fetched.
type State = { total: number | null; size: number | null; sessionsHidden: number; pages: ReadonlyMap<number, LedgerEntry[]>; error: unknown };

/**
 * Pages of ledger.list fetched on demand as rows scroll into view: a station's ledger grows to
 * millions of entries, so neither the list nor the data is ever materialized in full.
 */
export function useLedgerPages(filters: LedgerFilters, reloadToken: number) {
  const key = JSON.stringify(filters);
  const query = useMemo(() => JSON.parse(key) as LedgerFilters, [key]);
  const [state, setState] = useState<State>({ total: null, size: null, sessionsHidden: 0, pages: new Map(), error: null });
  // A generation per query: answers to an older query (filters changed meanwhile) are dropped.
  const generation = useRef(0);
  const requested = useRef(new Set<number>());

  const load = useCallback(
    async (page: number) => {
      if (requested.current.has(page)) return;
      requested.current.add(page);
      const gen = generation.current;
      try {
        const res = await invoke('ledger.list', { ...query, offset: page * PAGE_SIZE, limit: PAGE_SIZE, order: 'desc' });
        if (gen !== generation.current) return;
        setState((s) => {
          const pages = new Map(s.pages);
          pages.set(page, res.entries);
          return { total: res.total, size: res.size, sessionsHidden: res.sessionsHidden, pages, error: null };
        });
      } catch (e) {
        if (gen !== generation.current) return;
        requested.current.delete(page);
        setState((s) => ({ ...s, error: e }));
      }
    },
    [query],
  );

  useEffect(() => {
    generation.current++;
    requested.current = new Set();
    setState({ total: null, size: null, sessionsHidden: 0, pages: new Map(), error: null });
    void load(0);
  }, [load, reloadToken]);

  const ensure = useCallback(
    (first: number, last: number) => {
      if (state.error) return; // no retry storm: the user retries from the error banner
      for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) void load(p);
    },
    [load, state.error],
  );

  const entryAt = useCallback(
    (index: number): LedgerEntry | undefined => state.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE],
    [state.pages],
  );

  return { total: state.total, size: state.size, sessionsHidden: state.sessionsHidden, error: state.error, loading: state.total === null && !state.error, entryAt, ensure };
}
