import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { StationError } from '../errors.ts';
import type { WritableDB } from '../db/database.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Vault } from '../vault/vault.ts';
import type { User } from './users.ts';
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
  status: 200 | 206 | 416;
  headers: Record<string, string>;
  body: AsyncIterable<Buffer> | null;
};

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
  private readonly deps: { db: WritableDB; ledger: Ledger; clock: Clock; vault: Vault; requests: Requests; write: <T>(fn: () => T) => T };
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

  private session(token: string): SessionRow {
    const row = this.deps.db.prepare('SELECT * FROM playback_sessions WHERE token = ?').get(token) as SessionRow | undefined;
    if (!row || row.ended_at) throw new StationError('denied', 'playback.session_closed', {});
    return row;
  }

  close(actor: User, token: string, watchedSeconds?: number): void {
    const row = this.session(token);
    if (row.viewer.toLowerCase() !== actor.username.toLowerCase()) throw new StationError('denied', 'playback.not_yours', {});
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

  /** Serves one HTTP-style range request for an open session (custom protocol in Electron, HTTP in e2e). */
  serve(token: string, rangeHeader: string | null | undefined): RangeResponse {
    let row: SessionRow;
    try {
      row = this.session(token);
    } catch {
      return { status: 416, headers: {}, body: null };
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
    const body = this.deps.vault.read(recording.objectId, { start, end });
    if (!range) return { status: 200, headers: { ...base, 'Content-Length': String(size) }, body };
    return { status: 206, headers: { ...base, 'Content-Length': String(end - start + 1), 'Content-Range': `bytes ${start}-${end}/${size}` }, body };
  }
}
