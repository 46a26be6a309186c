import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { invoke, type Input } from '../api.ts';
import type { Recording } from './labels.tsx';

export const PAGE_SIZE = 100;

export type RecordingFilters = Omit<Input<'recording.list'>, 'offset' | 'limit' | 'order'>;

type State = { total: number | null; pages: ReadonlyMap<number, Recording[]>; error: unknown };

/**
 * Pages of recording.list fetched as rows scroll into view (as the ledger list does): a station
 * holds hundreds of thousands of recordings, so neither the rows nor the data are ever all loaded.
 */
export function useRecordingPages(filters: RecordingFilters, reloadToken: number) {
  const key = JSON.stringify(filters);
  const query = useMemo(() => JSON.parse(key) as RecordingFilters, [key]);
  const [state, setState] = useState<State>({ total: null, pages: new Map(), error: null });
  const generation = useRef(0);
  const requested = useRef(new Set<number>());

  const load = useCallback(
    async (page: number) => {
      if (requested.current.has(page)) return;
      requested.current.add(page);
      const gen = generation.current;
      try {
        const res = await invoke('recording.list', { ...query, offset: page * PAGE_SIZE, limit: PAGE_SIZE, order: 'desc' });
        if (gen !== generation.current) return;
        setState((s) => {
          const pages = new Map(s.pages);
          pages.set(page, res.items);
          return { total: res.total, pages, error: null };
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
    setState({ total: null, pages: new Map(), error: null });
    void load(0);
  }, [load, reloadToken]);

  const ensure = useCallback(
    (first: number, last: number) => {
      if (state.error) return;
      for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) void load(p);
    },
    [load, state.error],
  );

  const rowAt = useCallback((index: number): Recording | undefined => state.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE], [state.pages]);

  return { total: state.total, error: state.error, loading: state.total === null && !state.error, rowAt, ensure };
}
