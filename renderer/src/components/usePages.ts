import { useCallback, useEffect, useRef, useState } from 'react';

export const PAGE_SIZE = 100;

/** One page as the station answers it: its rows, how many match in all, and whatever else the list reports. */
export type Page<R, M> = { rows: R[]; total: number; meta: M };

type State<R, M> = { total: number | null; meta: M | null; pages: ReadonlyMap<number, R[]>; error: unknown };

/**
 * Pages of a `*.list` call fetched on demand as rows scroll into view: the ledger grows to millions of entries and
 * the catalogue to hundreds of thousands of recordings, so neither the rows nor the data are ever all loaded.
 * `queryKey` names the query (the filters, as JSON); a new key or `reloadToken` starts again from the first page.
 */
export function usePages<R, M>(fetchPage: (offset: number, limit: number) => Promise<Page<R, M>>, queryKey: string, reloadToken: number) {
  const [state, setState] = useState<State<R, M>>({ total: null, meta: null, pages: new Map(), error: null });
  // The closure of the latest render; `queryKey` says when what it asks for changed.
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  // A generation per query: answers to an older query (filters changed meanwhile) are dropped.
  const generation = useRef(0);
  const requested = useRef(new Set<number>());

  const load = useCallback(
    async (page: number) => {
      if (requested.current.has(page)) return;
      requested.current.add(page);
      const gen = generation.current;
      try {
        const res = await fetchRef.current(page * PAGE_SIZE, PAGE_SIZE);
        if (gen !== generation.current) return;
        setState((s) => {
          const pages = new Map(s.pages);
          pages.set(page, res.rows);
          return { total: res.total, meta: res.meta, pages, error: null };
        });
      } catch (e) {
        if (gen !== generation.current) return;
        requested.current.delete(page);
        setState((s) => ({ ...s, error: e }));
      }
    },
    // A new query is a new loader (and a new generation below); the fetch itself is read from the ref.
    [queryKey],
  );

  useEffect(() => {
    generation.current++;
    requested.current = new Set();
    setState({ total: null, meta: null, pages: new Map(), error: null });
    void load(0);
  }, [load, reloadToken]);

  const ensure = useCallback(
    (first: number, last: number) => {
      if (state.error) return; // no retry storm: the user retries from the error banner
      for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) void load(p);
    },
    [load, state.error],
  );

  const rowAt = useCallback((index: number): R | undefined => state.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE], [state.pages]);

  return { total: state.total, meta: state.meta, error: state.error, loading: state.total === null && !state.error, rowAt, ensure };
}
