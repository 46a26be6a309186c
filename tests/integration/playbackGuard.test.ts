// Playback over the real loopback HTTP media server of the e2e suite (the same servePlayback that
// Electron's station-media: handler calls). Defect 8 (issue 10): every range request re-checks the
// viewing's grounds — token life, the approval, the viewer — and refuses with 403 and a reason,
// serving nothing (000_f52585dae22cddca.txt 第三十七条, 002_79771f0fef6d4575.txt 第二十四条).
// Defect 15: a damaged object is an error naming the recording, in the ledger, not a 200 that breaks.
import { openSync, readSync, writeSync, closeSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { serveMedia } from '../e2e/harness.ts';
import { queryLedger } from '../../electron/core/ledger/query.ts';
import { burnFixture, type BurnFixture } from './burnSupport.ts';
import type { ApiClient } from '../../electron/api/server.ts';
import { ADMIN_PASSWORD } from '../support/testStation.ts';

let f: BurnFixture | null = null;
let media: Awaited<ReturnType<typeof serveMedia>> | null = null;
afterEach(async () => {
  await media?.close();
  media = null;
  f?.cleanup();
  f = null;
});

const DAY = 86_400_000;

async function viewApproval(fx: BurnFixture, viewer: ApiClient, recordingId: string): Promise<string> {
  const req = await viewer.invoke('request.create', { kind: 'view', recordingIds: [recordingId], purpose: '查看现场情况' });
  await fx.approver.invoke('request.approve', { id: req.id, password: 'head1-password' });
  return req.id;
}

async function get(url: string, range = 'bytes=0-99'): Promise<{ status: number; code: string | null; text: string; bytes: number }> {
  const res = await fetch(url, { headers: { Range: range } });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, code: res.headers.get('x-station-error'), text: body.toString('utf8'), bytes: body.length };
}

const ledger = (fx: BurnFixture, action: string) => queryLedger(fx.t.station.db, { action, limit: 100, order: 'asc' }).entries;

describe('playback re-checks its grounds on every range', () => {
  it('defect 8: a token does not outlive its approval, its viewer, the viewer\'s role or its own short life', async () => {
    f = await burnFixture({ files: [{ name: 'a.MP4', bytes: 300_000 }], ports: null });
    const fx = f;
    media = await serveMedia(() => fx.t.server);
    const rec = fx.recordings[0]!;
    const open = async (viewer: ApiClient) => (await viewer.invoke('playback.open', { recordingId: rec, requestId: await viewApproval(fx, viewer, rec) })).token;

    // Served while everything holds.
    const token = await open(fx.clerk);
    expect(await get(media.url(token))).toMatchObject({ status: 206, bytes: 100, code: null });

    // 400 days later (issue 10: "HTTP 206 plaintext 400 days later"): refused, nothing served.
    fx.t.clock.advance(400 * DAY);
    const late = await get(media.url(token));
    expect(late).toMatchObject({ status: 403, code: 'playback.token_expired' });
    expect(late.text).toContain('播放链接已过期');
    expect(ledger(fx, 'view.revoked')).toEqual([expect.objectContaining({ actor: 'system', details: expect.objectContaining({ viewer: 'clerk1', code: 'playback.token_expired' }) })]);
    // Once revoked, the session is closed for good, and keeps saying why (once in the ledger).
    expect(await get(media.url(token))).toMatchObject({ status: 403, code: 'playback.token_expired' });
    expect(ledger(fx, 'view.revoked')).toHaveLength(1);

    // Sign everyone in again after the jump (their api sessions expired too).
    const relogin = async () => {
      fx.clerk = await fx.t.login('clerk1', 'clerk1-password');
      fx.approver = await fx.t.login('head1', 'head1-password');
      fx.custodian = await fx.t.login('custodian1', 'custodian1-password');
      fx.t.admin = await fx.t.login('admin', ADMIN_PASSWORD);
    };
    await relogin();

    // Within the token's life, the approval withdrawn.
    const withdrawn = await fx.clerk.invoke('request.create', { kind: 'view', recordingIds: [rec], purpose: '查看现场情况' });
    await fx.approver.invoke('request.approve', { id: withdrawn.id, password: 'head1-password' });
    const t2 = (await fx.clerk.invoke('playback.open', { recordingId: rec, requestId: withdrawn.id })).token;
    expect((await get(media.url(t2))).status).toBe(206);
    await fx.clerk.invoke('request.withdraw', { id: withdrawn.id });
    expect(await get(media.url(t2))).toMatchObject({ status: 403, code: 'playback.approval_ended', bytes: expect.any(Number) });
    // What the player asks when its media element fails (it never sees an error response's text).
    expect(await fx.clerk.invoke('playback.status', { token: t2 })).toEqual({ ok: false, error: { code: 'playback.approval_ended', params: { requestId: withdrawn.id, state: 'withdrawn' } } });
    // Closing a session the station already ended is no error.
    expect(await fx.clerk.invoke('playback.close', { token: t2, watchedSeconds: 1 })).toEqual({ ok: true });

    // The approval's own expiry inside the token's life.
    const days = fx.t.station.settings.get('requests.approvalDays');
    const nearlyDue = await viewApproval(fx, fx.clerk, rec);
    fx.t.clock.advance(days * DAY - 30 * 60_000);
    await relogin();
    const t3 = (await fx.clerk.invoke('playback.open', { recordingId: rec, requestId: nearlyDue })).token;
    expect((await get(media.url(t3))).status).toBe(206);
    fx.t.clock.advance(31 * 60_000);
    expect(await get(media.url(t3))).toMatchObject({ status: 403, code: 'playback.approval_ended' });
    await relogin();

    // The viewer disabled mid-viewing.
    const t4 = await open(fx.clerk);
    expect((await get(media.url(t4))).status).toBe(206);
    await fx.t.admin.invoke('user.disable', { username: 'clerk1', reason: '调离' });
    const disabled = await get(media.url(t4));
    expect(disabled).toMatchObject({ status: 403, code: 'playback.viewer_disabled' });
    expect(disabled.text).toContain('clerk1');
    expect(disabled.text).not.toContain('ftyp');

    // The viewer's role taken away mid-viewing.
    const t5 = await open(fx.custodian);
    expect((await get(media.url(t5))).status).toBe(206);
    await fx.t.admin.invoke('user.setRoles', { username: 'custodian1', roles: ['admin'] });
    expect(await get(media.url(t5))).toMatchObject({ status: 403, code: 'playback.viewer_role_removed' });

    expect(ledger(fx, 'view.revoked').map((e) => e.details.code)).toEqual([
      'playback.token_expired',
      'playback.approval_ended',
      'playback.approval_ended',
      'playback.viewer_disabled',
      'playback.viewer_role_removed',
    ]);
  }, 120_000);

  it('defect 15: a damaged object answers an error naming the recording before any byte, breaks mid-stream, and reaches the ledger', async () => {
    f = await burnFixture({ files: [{ name: '执法记录_损坏.MP4', bytes: 3 << 20 }], ports: null });
    const fx = f;
    media = await serveMedia(() => fx.t.server);
    const rec = fx.recordings[0]!;
    const requestId = await viewApproval(fx, fx.clerk, rec);
    const token = (await fx.clerk.invoke('playback.open', { recordingId: rec, requestId })).token;
    const objectId = (fx.t.station.db.prepare('SELECT object_id FROM recordings WHERE id = ?').get(rec) as { object_id: string }).object_id;
    const path = fx.t.station.vault.objectPath(objectId);
    // One byte of ciphertext in the third 1 MiB chunk.
    const at = Math.floor(statSync(path).size * 0.8);
    const fd = openSync(path, 'r+');
    try {
      const b = Buffer.alloc(1);
      readSync(fd, b, 0, 1, at);
      b[0]! ^= 0x55;
      writeSync(fd, b, 0, 1, at);
    } finally {
      closeSync(fd);
    }

    // A range inside the damaged chunk: an error status before any header of a 206, naming the recording.
    const inside = await get(media.url(token), `bytes=${(3 << 20) - 200_000}-${(3 << 20) - 100_000}`);
    expect(inside.status).toBe(500);
    expect(inside.code).toBe('playback.object_damaged');
    expect(inside.text).toContain('执法记录_损坏.MP4');
    const damaged = ledger(fx, 'vault.object_damaged');
    expect(damaged).toEqual([
      expect.objectContaining({ subject: `recording:${rec}`, details: expect.objectContaining({ recordingId: rec, recording: '执法记录_损坏.MP4', objectId, viewer: 'clerk1', found: 'before_headers' }) }),
    ]);

    // The whole file from the start: the good first chunk goes out, then the connection breaks
    // instead of ending short as if complete — and the ledger knows (new session, new report).
    const t2 = (await fx.clerk.invoke('playback.open', { recordingId: rec, requestId })).token;
    const res = await fetch(media.url(t2));
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow();
    const all = ledger(fx, 'vault.object_damaged');
    expect(all).toHaveLength(2);
    expect(all[1]!.details).toMatchObject({ recording: '执法记录_损坏.MP4', found: 'mid_stream' });
  }, 120_000);
});
