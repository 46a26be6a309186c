import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { StationError, isStationError, type ErrorParams } from '../errors.ts';
import type { WritableDB } from '../db/database.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Vault } from '../vault/vault.ts';
import type { User, Users } from './users.ts';
import type { Role } from './roles.ts';
import type { Requests, RecordingRef } from './requests.ts';

export type PlaybackSession = { token: string; recordingId: string; viewer: string; requestId: string | null; reason: string; startedAt: string; mimeType: string; size: number };

type SessionRow = { token: string; recording_id: string; viewer: string; request_id: string | null; reason: string; started_at: string; ended_at: string | null };

const MIME: Record<string, string> = {
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  wav: 'audio/wav',
  amr: 'audio/amr',
};

export function mimeTypeFor(name: string): string {
  return MIME[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
}

export type RangeResponse = {
  status: 200 | 206 | 403 | 416 | 500;
  headers: Record<string, string>;
  body: AsyncIterable<Buffer> | null;
  /** Why nothing is served (403, 500); the front end translates it for the viewer. */
  error?: { code: string; params: ErrorParams };
};

/**
 * A playback token is a capability to decrypted footage: it lives two hours at most, however long
 * the approval runs; watching longer opens a new viewing (and a new ledger entry).
 */
export const PLAYBACK_TOKEN_MS = 2 * 60 * 60 * 1000;

/** Roles that may view with an approval (the api's playback.open access); a spot-check needs auditor. */
export const VIEWER_ROLES: readonly Role[] = ['clerk', 'custodian', 'approver', 'auditor'];

/** Parses a single `bytes=` range (the only form media elements send). */
export function parseRange(header: string | null | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/**
 * In-app playback: a token per viewing, started and ended in the ledger with the viewer and the
 * approval (or the auditor's spot-check reason, 001 第十九条). Bytes are decrypted range by range
 * straight from the vault — nothing is ever written to disk in the clear.
 */
export class Playback {
  private readonly deps: { db: WritableDB; ledger: Ledger; clock: Clock; vault: Vault; requests: Requests; users: Users; write: <T>(fn: () => T) => T };
  /** Sessions whose damaged object is already in the ledger: a player retrying a range must not flood it. */
  private readonly damageReported = new Set<string>();
  /** Why a session stopped being served (revoked, damaged), for the player to say (playback.status). */
  private readonly stopped = new Map<string, { code: string; params: ErrorParams }>();
  constructor(deps: Playback['deps']) {
    this.deps = deps;
  }

  open(actor: User, input: { recordingId: string; requestId?: string | null; reason?: string | null }): PlaybackSession {
    const { requests } = this.deps;
    const recording: RecordingRef = requests.recording(input.recordingId);
    let purpose: string;
    let approvers: string[] = [];
    let requestId: string | null = null;
    if (input.requestId) {
      const req = requests.requireApproval(actor, input.requestId, 'view', [recording.id]);
      purpose = req.purpose;
      approvers = req.decisions.filter((d) => d.decision === 'approved').map((d) => d.approver);
      requestId = req.id;
    } else if (actor.roles.includes('auditor')) {
      purpose = (input.reason ?? '').trim();
      if (purpose.length < 2) throw new StationError('input', 'playback.reason_required', {});
    } else {
      this.deps.write(() =>
        this.deps.ledger.append({ actor: actor.username, action: 'view.refused', subject: `recording:${recording.id}`, details: { code: 'playback.approval_required' } }),
      );
      throw new StationError('denied', 'playback.approval_required', { recordingId: recording.id });
    }
    const token = randomBytes(24).toString('base64url');
    return this.deps.write(() => {
      const entry = this.deps.ledger.append({
        actor: actor.username,
        action: requestId ? 'view.started' : 'view.spot_check',
        subject: `recording:${recording.id}`,
        details: { requestId, purpose, approvers, sha256: recording.sha256 },
      });
      this.deps.db
        .prepare('INSERT INTO playback_sessions (token, recording_id, viewer, request_id, reason, started_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(token, recording.id, actor.username, requestId, purpose, entry.time);
      return { token, recordingId: recording.id, viewer: actor.username, requestId, reason: purpose, startedAt: entry.time, mimeType: mimeTypeFor(recording.originalName), size: recording.size };
    });
  }

  close(actor: User, token: string, watchedSeconds?: number): void {
    const row = this.deps.db.prepare('SELECT * FROM playback_sessions WHERE token = ?').get(token) as SessionRow | undefined;
    if (!row) throw new StationError('denied', 'playback.session_closed', {});
    if (row.viewer.toLowerCase() !== actor.username.toLowerCase()) throw new StationError('denied', 'playback.not_yours', {});
    // Already ended by the station (its grounds lapsed, view.revoked): nothing is left to close.
    if (row.ended_at) return;
    this.deps.write(() => {
      const now = this.deps.clock.now();
      this.deps.db.prepare('UPDATE playback_sessions SET ended_at = ? WHERE token = ?').run(now.toISOString(), token);
      this.deps.ledger.append({
        actor: actor.username,
        action: 'view.ended',
        subject: `recording:${row.recording_id}`,
        details: { requestId: row.request_id, startedAt: row.started_at, openSeconds: Math.round((now.getTime() - new Date(row.started_at).getTime()) / 1000), watchedSeconds: watchedSeconds ?? null },
      });
    });
  }

  /**
   * Why this session may no longer be served, checked on every range request: a token is not a
   * licence to outlive what granted it (000_f52585dae22cddca.txt 第三十七条, 002_79771f0fef6d4575.txt
   * 第二十四条). Null while the viewing is still allowed.
   */
  private refusal(row: SessionRow): { code: string; params: ErrorParams } | null {
    const now = this.deps.clock.now().getTime();
    if (now >= new Date(row.started_at).getTime() + PLAYBACK_TOKEN_MS) return { code: 'playback.token_expired', params: { hours: PLAYBACK_TOKEN_MS / 3_600_000 } };
    let viewer: User;
    try {
      // As the ledger backs the viewer: a role written into the users row with sqlite3 plays nothing.
      viewer = this.deps.users.backed(row.viewer, 'command');
    } catch (e) {
      if (isStationError(e) && e.code !== 'user.not_found') return { code: e.code, params: e.params };
      return { code: 'playback.viewer_disabled', params: { viewer: row.viewer } };
    }
    if (viewer.disabled) return { code: 'playback.viewer_disabled', params: { viewer: row.viewer } };
    const mayView = row.request_id ? viewer.roles.some((r) => VIEWER_ROLES.includes(r)) : viewer.roles.includes('auditor');
    if (!mayView) return { code: 'playback.viewer_role_removed', params: { viewer: row.viewer } };
    if (row.request_id) {
      const req = this.deps.requests.get(row.request_id);
      const expired = req.expiresAt !== null && new Date(req.expiresAt).getTime() <= now;
      if (req.state !== 'approved' || expired) return { code: 'playback.approval_ended', params: { requestId: req.id, state: expired ? 'expired' : req.state } };
    }
    try {
      this.deps.requests.recording(row.recording_id);
    } catch (e) {
      return isStationError(e) ? { code: e.code, params: e.params } : { code: 'recording.not_found', params: { recordingId: row.recording_id } };
    }
    return null;
  }

  /**
   * Whether the viewer's open session is still served, and if not why: the player asks when its
   * media element fails, since a media element never shows an error response's text.
   */
  status(actor: User, token: string): { ok: true } | { ok: false; error: { code: string; params: ErrorParams } } {
    const row = this.deps.db.prepare('SELECT * FROM playback_sessions WHERE token = ?').get(token) as SessionRow | undefined;
    if (!row) return { ok: false, error: { code: 'playback.session_closed', params: {} } };
    if (row.viewer.toLowerCase() !== actor.username.toLowerCase()) throw new StationError('denied', 'playback.not_yours', {});
    const known = this.stopped.get(token);
    if (known) return { ok: false, error: known };
    if (row.ended_at) return { ok: false, error: { code: 'playback.session_closed', params: {} } };
    const why = this.refusal(row);
    if (why) {
      this.revoke(row, why);
      return { ok: false, error: why };
    }
    return { ok: true };
  }

  /** Ends a viewing that lost its grounds, once, in the ledger; later requests find it closed. */
  private revoke(row: SessionRow, why: { code: string; params: ErrorParams }): void {
    this.stopped.set(row.token, why);
    this.deps.write(() => {
      const ended = this.deps.db.prepare('UPDATE playback_sessions SET ended_at = ? WHERE token = ? AND ended_at IS NULL').run(this.deps.clock.now().toISOString(), row.token);
      if (ended.changes !== 1) return;
      this.deps.ledger.append({
        actor: 'system',
        action: 'view.revoked',
        subject: `recording:${row.recording_id}`,
        details: { viewer: row.viewer, requestId: row.request_id, startedAt: row.started_at, code: why.code, params: why.params },
      });
    });
  }

  /** A damaged vault object found while serving it: in the ledger with the recording it holds. */
  private reportDamage(row: SessionRow, recording: RecordingRef, e: unknown, range: { start: number; end: number }, when: 'before_headers' | 'mid_stream'): void {
    this.stopped.set(row.token, { code: 'playback.object_damaged', params: { recording: recording.originalName, recordingId: recording.id } });
    if (this.damageReported.has(row.token)) return;
    this.damageReported.add(row.token);
    this.deps.write(() =>
      this.deps.ledger.append({
        actor: 'system',
        action: 'vault.object_damaged',
        subject: `recording:${recording.id}`,
        details: {
          recordingId: recording.id,
          recording: recording.originalName,
          objectId: recording.objectId,
          sha256: recording.sha256,
          viewer: row.viewer,
          found: when,
          range,
          code: isStationError(e) ? e.code : 'vault.object_corrupt',
          params: isStationError(e) ? e.params : {},
        },
      }),
    );
  }

  /**
   * Serves one HTTP-style range request for an open session (custom protocol in Electron, HTTP in
   * e2e). Every request re-checks the viewing's grounds (refusal: 403, nothing served), and the
   * first chunk of the range is decrypted and authenticated before any header goes out, so a
   * damaged object is an error status naming the recording, not a 200 that breaks off.
   */
  async serve(token: string, rangeHeader: string | null | undefined): Promise<RangeResponse> {
    const row = this.deps.db.prepare('SELECT * FROM playback_sessions WHERE token = ?').get(token) as SessionRow | undefined;
    if (!row || row.ended_at) {
      const error = (row && this.stopped.get(row.token)) ?? { code: 'playback.session_closed', params: {} };
      return { status: 403, headers: { 'Cache-Control': 'no-store' }, body: null, error };
    }
    const why = this.refusal(row);
    if (why) {
      this.revoke(row, why);
      return { status: 403, headers: { 'Cache-Control': 'no-store' }, body: null, error: why };
    }
    const recording = this.deps.requests.recording(row.recording_id);
    const size = recording.size;
    const base = {
      'Content-Type': mimeTypeFor(recording.originalName),
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'no-store',
    };
    const range = parseRange(rangeHeader, size);
    if (range === 'unsatisfiable') return { status: 416, headers: { ...base, 'Content-Range': `bytes */${size}` }, body: null };
    if (size === 0) return { status: 200, headers: { ...base, 'Content-Length': '0' }, body: null };
    const { start, end } = range ?? { start: 0, end: size - 1 };
    const it = this.deps.vault.read(recording.objectId, { start, end })[Symbol.asyncIterator]();
    let first: IteratorResult<Buffer>;
    try {
      first = await it.next();
    } catch (e) {
      const damaged = isStationError(e) ? e.kind === 'verify' : (e as NodeJS.ErrnoException).code === 'ENOENT';
      if (damaged) this.reportDamage(row, recording, e, { start, end }, 'before_headers');
      const error = damaged
        ? { code: 'playback.object_damaged', params: { recording: recording.originalName, recordingId: recording.id } }
        : isStationError(e)
          ? { code: e.code, params: e.params }
          : { code: 'playback.read_failed', params: { recording: recording.originalName, detail: e instanceof Error ? e.message : String(e) } };
      return { status: 500, headers: { 'Cache-Control': 'no-store' }, body: null, error };
    }
    const body = this.rest(row, recording, { start, end }, first, it);
    if (!range) return { status: 200, headers: { ...base, 'Content-Length': String(size) }, body };
    return { status: 206, headers: { ...base, 'Content-Length': String(end - start + 1), 'Content-Range': `bytes ${start}-${end}/${size}` }, body };
  }

  /** The already-authenticated first chunk, then the rest; damage found later is ledgered and breaks the stream. */
  private async *rest(row: SessionRow, recording: RecordingRef, range: { start: number; end: number }, first: IteratorResult<Buffer>, it: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
    try {
      if (first.done) return;
      yield first.value;
      for (;;) {
        const next = await it.next();
        if (next.done) return;
        yield next.value;
      }
    } catch (e) {
      this.reportDamage(row, recording, e, range, 'mid_stream');
      throw e;
    } finally {
      await it.return?.(undefined);
    }
  }
}
