import { invoke, type Input, type LedgerEntry } from '../api.ts';
import { usePages } from '../components/usePages.ts';

export type LedgerFilters = Omit<Input<'ledger.list'>, 'offset' | 'limit' | 'order'>;

/** The ledger, newest first, in pages as they scroll into view; `size` is the whole ledger, as of the latest page. */
export function useLedgerPages(filters: LedgerFilters, reloadToken: number) {
  // The filters as the query key holds them (JSON: no undefined fields), so the key and the request agree.
  const key = JSON.stringify(filters);
  const pages = usePages<LedgerEntry, { size: number; sessionsHidden: number }>(
    async (offset, limit) => {
      const res = await invoke('ledger.list', { ...(JSON.parse(key) as LedgerFilters), offset, limit, order: 'desc' });
      return { rows: res.entries, total: res.total, meta: { size: res.size, sessionsHidden: res.sessionsHidden } };
    },
    key,
    reloadToken,
  );
  return { total: pages.total, size: pages.meta?.size ?? null, sessionsHidden: pages.meta?.sessionsHidden ?? 0, error: pages.error, loading: pages.loading, entryAt: pages.rowAt, ensure: pages.ensure };
}
