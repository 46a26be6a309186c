import { useEffect, useRef } from 'react';
import { invoke } from '../api.ts';
import type { Recording } from '../recordings/labels.tsx';
import { useLoaded } from '../components/useLoaded.ts';

const LIMIT = 100;

/**
 * What the Dock screen shows about one session's recordings: the officers they name and the ones
 * flagged late or interrupted (which need the custodian's explanation). Reloaded when a file of
 * the session is flagged (`version`), every few seconds while it runs, and on demand.
 */
export function useSessionRecordings(sessionId: number, version: number, running: boolean) {
  const { value, error, reload } = useLoaded(async () => {
    const [late, interrupted, some] = await Promise.all([
      invoke('recording.list', { sessionId, late: true, limit: LIMIT, order: 'asc' }),
      invoke('recording.list', { sessionId, interruption: true, limit: LIMIT, order: 'asc' }),
      invoke('recording.list', { sessionId, limit: LIMIT, order: 'asc' }),
    ]);
    const byId = new Map<string, Recording>();
    for (const r of [...late.items, ...interrupted.items]) byId.set(r.id, r);
    const seen = new Map<string, string | null>();
    for (const r of some.items) if (r.officerBadge && !seen.has(r.officerBadge)) seen.set(r.officerBadge, r.officerName);
    return { flagged: [...byId.values()].sort((a, b) => a.number - b.number), officers: [...seen].map(([badge, name]) => ({ badge, name })) };
  }, [sessionId]);

  // useLoaded reads the session when it is first shown; after that, a flagged file (a burst of them: wait a moment)
  // or the session starting or ending reads it again.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const timer = setTimeout(() => void reload(), version === 0 ? 0 : 400);
    return () => clearTimeout(timer);
  }, [reload, version, running]);

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void reload(), 3000);
    return () => clearInterval(timer);
  }, [reload, running]);

  return { flagged: value?.flagged ?? null, officers: value?.officers ?? [], error, reload };
}
