import { useCallback, useEffect, useRef, useState } from 'react';
import { invoke } from '../api.ts';
import { onIngestEvent, type FileResult, type ProgressEvent, type SessionSummary } from './events.ts';

export type LiveSession = {
  summary: SessionSummary;
  progress: ProgressEvent | null;
  /** Files that were skipped, failed or aborted, as they happened (newest last, capped). */
  problems: FileResult[];
  /** Bumped when a file of this session was flagged (late, interruption): flagged lists reload. */
  flagVersion: number;
};

const RECENT = 12;
const MAX_PROBLEMS = 200;
const PROBLEM: ReadonlySet<string> = new Set(['failed', 'skipped', 'aborted']);

/**
 * Ingest sessions for the Dock screen: the most recent ones from `ingest.sessions`, kept live by
 * the `ingest.*` events every signed-in window receives (whoever started the ingest: this window,
 * the dock service or the CLI). `onFinished` hears of a session that ended while watched.
 */
export function useIngestSessions(onFinished?: (s: SessionSummary) => void) {
  const [sessions, setSessions] = useState<ReadonlyMap<number, LiveSession>>(new Map());
  const [error, setError] = useState<unknown>(null);
  const finished = useRef(onFinished);
  useEffect(() => {
    finished.current = onFinished;
  });
  // Last status seen per session, outside React state: an event handler must know at once
  // whether this event is the one that ended a session it watched running.
  const statuses = useRef(new Map<number, SessionSummary['status']>());

  const load = useCallback(async () => {
    try {
      const { items } = await invoke('ingest.sessions', { limit: RECENT });
      setError(null);
      setSessions((prev) => {
        const next = new Map(prev);
        for (const s of items) {
          next.set(s.id, { progress: null, problems: [], flagVersion: 0, ...prev.get(s.id), summary: s });
          if (!statuses.current.has(s.id)) statuses.current.set(s.id, s.status);
        }
        return next;
      });
    } catch (e) {
      setError(e);
    }
  }, []);

  useEffect(() => {
    void load();
    const patch = (id: number, fn: (s: LiveSession | undefined) => LiveSession | undefined) =>
      setSessions((prev) => {
        const cur = prev.get(id);
        const upd = fn(cur);
        if (!upd || upd === cur) return prev;
        const next = new Map(prev);
        next.set(id, upd);
        return next;
      });
    const offs = [
      onIngestEvent('ingest.session', (summary) => {
        const wasRunning = statuses.current.get(summary.id) === 'running';
        statuses.current.set(summary.id, summary.status);
        patch(summary.id, (cur) => ({ progress: null, problems: [], flagVersion: 0, ...cur, summary }));
        if (summary.status !== 'running' && wasRunning) finished.current?.(summary);
      }),
      onIngestEvent('ingest.progress', (progress) =>
        patch(progress.sessionId, (cur) => (cur ? { ...cur, progress } : cur)),
      ),
      onIngestEvent('ingest.file', (file) =>
        patch(file.sessionId, (cur) => {
          if (!cur) return cur;
          const problem = PROBLEM.has(file.outcome);
          const flagged = file.flags.includes('late') || file.flags.includes('interruption');
          if (!problem && !flagged) return cur;
          return {
            ...cur,
            problems: problem ? [...cur.problems, file].slice(-MAX_PROBLEMS) : cur.problems,
            flagVersion: flagged ? cur.flagVersion + 1 : cur.flagVersion,
          };
        }),
      ),
    ];
    return () => offs.forEach((off) => off());
  }, [load]);

  const ordered = [...sessions.values()].sort((a, b) => {
    const ra = a.summary.status === 'running' ? 1 : 0;
    const rb = b.summary.status === 'running' ? 1 : 0;
    return rb - ra || b.summary.id - a.summary.id;
  });
  return { sessions: ordered, byId: sessions, error, reload: load };
}
