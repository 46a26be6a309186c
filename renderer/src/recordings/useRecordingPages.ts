import { invoke, type Input } from '../api.ts';
import { usePages } from '../components/usePages.ts';
import type { Recording } from './labels.tsx';

export type RecordingFilters = Omit<Input<'recording.list'>, 'offset' | 'limit' | 'order'>;

/** The catalogue, newest first, in pages as they scroll into view. */
export function useRecordingPages(filters: RecordingFilters, reloadToken: number) {
  // The filters as the query key holds them (JSON: no undefined fields), so the key and the request agree.
  const key = JSON.stringify(filters);
  const pages = usePages<Recording, null>(
    async (offset, limit) => {
      const res = await invoke('recording.list', { ...(JSON.parse(key) as RecordingFilters), offset, limit, order: 'desc' });
      return { rows: res.items, total: res.total, meta: null };
    },
    key,
    reloadToken,
  );
  return { total: pages.total, error: pages.error, loading: pages.loading, rowAt: pages.rowAt, ensure: pages.ensure };
}
