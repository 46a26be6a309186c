import { useCallback, useEffect, useState } from 'react';
import { invoke } from '../api.ts';
import type { Recording } from '../recordings/labels.tsx';

const LIMIT = 100;

/**
 * What the Dock screen shows about one session's recordings: the officers they name and the ones
 * flagged late or interrupted (which need the custodian's explanation). Reloaded when a file of
 * the session is flagged (`version`), every few seconds while it runs, and on demand.
 */
export function useSessionRecordings(sessionId: number, version: number, running: boolean) {
  const [flagged, setFlagged] = useState<Recording[] | null>(null);
  const [officers, setOfficers] = useState<{ badge: string; name: string | null }[]>([]);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      const [late, interrupted, some] = await Promise.all([
        invoke('recording.list', { sessionId, late: true, limit: LIMIT, order: 'asc' }),
        invoke('recording.list', { sessionId, interruption: true, limit: LIMIT, order: 'asc' }),
        invoke('recording.list', { sessionId, limit: LIMIT, order: 'asc' }),
      ]);
      const byId = new Map<string, Recording>();
      for (const r of [...late.items, ...interrupted.items]) byId.set(r.id, r);
      setFlagged([...byId.values()].sort((a, b) => a.number - b.number));
      const seen = new Map<string, string | null>();
      for (const r of some.items) if (r.officerBadge && !seen.has(r.officerBadge)) seen.set(r.officerBadge, r.officerName);
      setOfficers([...seen].map(([badge, name]) => ({ badge, name })));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [sessionId]);

  useEffect(() => {
    const timer = setTimeout(() => void load(), version === 0 ? 0 : 400);
    return () => clearTimeout(timer);
  }, [load, version, running]);

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void load(), 3000);
    return () => clearInterval(timer);
  }, [load, running]);

  return { flagged, officers, error, reload: load };
}
