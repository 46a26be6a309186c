import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStation, type TestStation } from '../support/testStation.ts';
import { ingestFixtures } from '../support/caseFixtures.ts';
import { station as cli } from '../support/cli.ts';
import { queryLedger } from '../../electron/core/ledger/query.ts';
import type { ApiClient } from '../../electron/api/server.ts';

let t: TestStation;
const outputs: string[] = [];
afterEach(() => {
  t?.cleanup();
  for (const d of outputs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temp output folder removed after the test, also when it fails. */
function outDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  outputs.push(d);
  return d;
}

type People = { custodian: ApiClient; clerk: ApiClient; head: ApiClient; deputy: ApiClient; auditor: ApiClient };

async function setup(): Promise<{ people: People; recordings: string[] }> {
  t = await createTestStation();
  const people: People = {
    custodian: await t.addUser('custodian1', ['custodian'], 'custodian-pass'),
    clerk: await t.addUser('clerk1', ['clerk'], 'clerk-pass'),
    head: await t.addUser('head', ['approver'], 'head-pass'),
    deputy: await t.addUser('deputy', ['approver', 'clerk'], 'deputy-pass'),
    auditor: await t.addUser('auditor1', ['auditor'], 'auditor-pass'),
  };
  const recordings = await ingestFixtures(people.custodian, [{ local: '2025-03-01T10:00:00' }, { local: '2025-03-01T10:20:00' }]);
  return { people, recordings };
}

const ledger = (action: string) => queryLedger(t.station.db, { action, limit: 1000, order: 'asc' }).entries;

async function collect(stream: AsyncIterable<Buffer> | null): Promise<Buffer> {
  const parts: Buffer[] = [];
  if (stream) for await (const p of stream) parts.push(p);
  return Buffer.concat(parts);
}

describe('access requests and approvals', () => {
  it('nobody approves their own request; the attempt is ledgered', async () => {
    const { people, recordings } = await setup();
    const req = await people.deputy.invoke('request.create', { kind: 'view', recordingIds: [recordings[0]!], purpose: '复核案件证据' });
    await expect(people.deputy.invoke('request.approve', { id: req.id, password: 'deputy-pass' })).rejects.toMatchObject({ code: 'request.own_request', kind: 'denied' });
    expect(ledger('request.refused')).toEqual([expect.objectContaining({ actor: 'deputy', subject: `request:${req.id}`, details: expect.objectContaining({ code: 'request.own_request' }) })]);
    expect((await people.head.invoke('request.show', { id: req.id })).state).toBe('requested');
  });

  it('the approver re-enters their password for each decision', async () => {
    const { people, recordings } = await setup();
    const req = await people.clerk.invoke('request.create', { kind: 'view', recordingIds: [recordings[0]!], purpose: '复核案件证据' });
    await expect(people.head.invoke('request.approve', { id: req.id, password: 'wrong-password' })).rejects.toMatchObject({ code: 'auth.bad_credentials' });
    expect((await people.head.invoke('request.show', { id: req.id })).state).toBe('requested');
    expect(ledger('auth.login_failed').at(-1)).toMatchObject({ subject: 'user:head', details: expect.objectContaining({ purpose: 'confirm' }) });
  });

  it('a clerk cannot view or export without an approval; each refusal is ledgered', async () => {
    const { people, recordings } = await setup();
    await expect(people.clerk.invoke('playback.open', { recordingId: recordings[0]! })).rejects.toMatchObject({ code: 'playback.approval_required' });
    const copy = await people.clerk.invoke('request.create', { kind: 'copy', recordingIds: [recordings[0]!], purpose: '移送法院' });
    const out = outDir('export-');
    await expect(people.clerk.invoke('export.run', { requestId: copy.id, to: out })).rejects.toMatchObject({ code: 'request.not_approved' });
    expect(ledger('view.refused')).toHaveLength(1);
    expect(ledger('request.refused').map((e) => e.details.code)).toEqual(['request.not_approved']);
  });

  it('view with approval: playback streams ranges, start and stop are ledgered with viewer and approver', async () => {
    const { people, recordings } = await setup();
    const req = await people.clerk.invoke('request.create', { kind: 'view', recordingIds: [recordings[0]!], purpose: '查看现场情况' });
    const approved = await people.head.invoke('request.approve', { id: req.id, password: 'head-pass' });
    expect(approved.state).toBe('approved');
    const session = await people.clerk.invoke('playback.open', { recordingId: recordings[0]!, requestId: req.id });
    const full = await t.station.playback.serve(session.token, null);
    expect(full.status).toBe(200);
    const whole = await collect(full.body);
    expect(whole.length).toBe(session.size);
    const part = await t.station.playback.serve(session.token, 'bytes=100-199');
    expect(part.status).toBe(206);
    expect(part.headers['Content-Range']).toBe(`bytes 100-199/${session.size}`);
    expect((await collect(part.body)).equals(whole.subarray(100, 200))).toBe(true);
    expect((await t.station.playback.serve(session.token, `bytes=${session.size}-`)).status).toBe(416);
    await people.clerk.invoke('playback.close', { token: session.token, watchedSeconds: 3 });
    expect(await t.station.playback.serve(session.token, null)).toMatchObject({ status: 403, body: null, error: { code: 'playback.session_closed' } });
    expect(ledger('view.started')).toEqual([expect.objectContaining({ actor: 'clerk1', details: expect.objectContaining({ requestId: req.id, approvers: ['head'], purpose: '查看现场情况' }) })]);
    expect(ledger('view.ended')).toHaveLength(1);
    // Another user cannot ride on the clerk's approval.
    await expect(people.deputy.invoke('playback.open', { recordingId: recordings[0]!, requestId: req.id })).rejects.toMatchObject({ code: 'request.not_yours' });
  });

  it('an expired approval is refused and ledgered', async () => {
    const { people, recordings } = await setup();
    const req = await people.clerk.invoke('request.create', { kind: 'view', recordingIds: [recordings[0]!], purpose: '查看现场情况' });
    await people.head.invoke('request.approve', { id: req.id, password: 'head-pass' });
    t.clock.advance(8 * 86_400_000);
    // Sessions idle out over a week: log in again, as a real user would.
    const clerk = await t.login('clerk1', 'clerk-pass');
    await expect(clerk.invoke('playback.open', { recordingId: recordings[0]!, requestId: req.id })).rejects.toMatchObject({ code: 'request.expired' });
    expect(ledger('request.expired')).toEqual([expect.objectContaining({ actor: 'system', subject: `request:${req.id}` })]);
    expect(ledger('request.refused').map((e) => e.details.code)).toContain('request.expired');
  });

  it('a classified recording needs two different approvers', async () => {
    const { people, recordings } = await setup();
    await people.custodian.invoke('recording.classify', { recordingId: recordings[1]!, classification: 'privacy', note: '未成年人' });
    const req = await people.clerk.invoke('request.create', { kind: 'view', recordingIds: [recordings[1]!], purpose: '核实身份' });
    expect(req.requiredApprovals).toBe(2);
    const first = await people.head.invoke('request.approve', { id: req.id, password: 'head-pass' });
    expect(first.state).toBe('requested');
    await expect(people.clerk.invoke('playback.open', { recordingId: recordings[1]!, requestId: req.id })).rejects.toMatchObject({ code: 'request.not_approved' });
    await expect(people.head.invoke('request.approve', { id: req.id, password: 'head-pass' })).rejects.toMatchObject({ code: 'request.already_decided' });
    const second = await people.deputy.invoke('request.approve', { id: req.id, password: 'deputy-pass' });
    expect(second.state).toBe('approved');
    expect(ledger('recording.classified')).toHaveLength(1);
    expect(ledger('request.approved').map((e) => [e.actor, e.details.complete])).toEqual([
      ['head', false],
      ['deputy', true],
    ]);
  });

  it('a denial needs a reason and closes the request', async () => {
    const { people, recordings } = await setup();
    const req = await people.clerk.invoke('request.create', { kind: 'copy', recordingIds: recordings, purpose: '私人留存' });
    const denied = await people.head.invoke('request.deny', { id: req.id, password: 'head-pass', reason: '事由不符合规定' });
    expect(denied).toMatchObject({ state: 'denied', denyReason: '事由不符合规定' });
    await expect(people.deputy.invoke('request.approve', { id: req.id, password: 'deputy-pass' })).rejects.toMatchObject({ code: 'request.not_pending' });
  });

  it('auditors spot-check without a request, with a reason, logged (001 第十九条)', async () => {
    const { people, recordings } = await setup();
    await expect(people.auditor.invoke('playback.open', { recordingId: recordings[0]! })).rejects.toMatchObject({ code: 'playback.reason_required' });
    const s = await people.auditor.invoke('playback.open', { recordingId: recordings[0]!, reason: '季度执法监督抽查' });
    expect(s.url).toContain(s.token);
    const register = await people.auditor.invoke('register.list', {});
    expect(register).toEqual([expect.objectContaining({ kind: 'spot_check', viewer: 'auditor1', purpose: '季度执法监督抽查', approvers: [] })]);
  });
});

describe('export of an approved copy', () => {
  it('passes sha256sum -c and station disc verify; used once; the register shows the copy; tampering is caught', async () => {
    const { people, recordings } = await setup();
    const req = await people.clerk.invoke('request.create', { kind: 'copy', recordingIds: recordings, purpose: '移送人民法院' });
    await people.head.invoke('request.approve', { id: req.id, password: 'head-pass' });
    const out = outDir('export-');
    const progress: unknown[] = [];
    people.clerk.on((event, p) => event === 'export.progress' && progress.push(p));
    const result = await people.clerk.invoke('export.run', { requestId: req.id, to: out });
    expect(result.files).toBe(2);
    expect(progress.length).toBeGreaterThan(0);

    const sums = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: result.path, encoding: 'utf8' });
    expect(sums.status, sums.stderr).toBe(0);
    const verify = cli(['disc', 'verify', result.path, '--json'], { STATION_DATA: join(out, 'no-station-here') });
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, files: 2 });
    const trusted = cli(['disc', 'verify', result.path, '--key', t.station.verifierKey()], { STATION_DATA: join(out, 'no-station-here') });
    expect(trusted.code).toBe(0);

    // Used once.
    await expect(people.clerk.invoke('export.run', { requestId: req.id, to: out })).rejects.toMatchObject({ code: 'request.already_used' });
    const register = await people.auditor.invoke('register.list', {});
    expect(register).toEqual([expect.objectContaining({ kind: 'copy', copier: 'clerk1', approvers: ['head'], purpose: '移送人民法院', requestId: req.id })]);
    expect(ledger('request.fulfilled')).toHaveLength(1);

    const manifest = JSON.parse(readFileSync(join(result.path, 'MANIFEST.json'), 'utf8'));
    const victim = manifest.files[0].path as string;
    const bytes = readFileSync(join(result.path, victim));
    bytes[bytes.length - 10]! ^= 0x01;
    writeFileSync(join(result.path, victim), bytes);
    const bad = cli(['disc', 'verify', result.path, '--lang', 'en'], { STATION_DATA: join(out, 'none') });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(victim);
    bytes[bytes.length - 10]! ^= 0x01;
    writeFileSync(join(result.path, victim), bytes);
    writeFileSync(join(result.path, 'MANIFEST.json'), readFileSync(join(result.path, 'MANIFEST.json'), 'utf8').replace('移送人民法院', '个人留存'));
    const badManifest = cli(['disc', 'verify', result.path, '--json'], { STATION_DATA: join(out, 'none') });
    expect(badManifest.code).toBe(1);
    expect(JSON.parse(badManifest.stdout)).toMatchObject({ ok: false, reason: 'manifest_signature' });
  });

  it('CLI: request create --json, approve, export', async () => {
    const { recordings } = await setup();
    const base = { STATION_DATA: t.dir, STATION_PASSPHRASE: 'correct horse battery staple' };
    t.station.close();
    const created = cli(['request', 'create', '--kind', 'copy', '--recordings', recordings.join(','), '--purpose', '移送', '--json'], { ...base, STATION_USER: 'clerk1', STATION_PASSWORD: 'clerk-pass' });
    expect(created.code, created.stderr).toBe(0);
    const { id } = JSON.parse(created.stdout) as { id: string };
    expect(id).toMatch(/^RQ-\d{6}$/);
    const own = cli(['request', 'approve', id], { ...base, STATION_USER: 'clerk1', STATION_PASSWORD: 'clerk-pass' });
    expect(own.code).toBe(1);
    const approve = cli(['request', 'approve', id], { ...base, STATION_USER: 'head', STATION_PASSWORD: 'head-pass' });
    expect(approve.code, approve.stderr).toBe(0);
    const out = outDir('export-cli-');
    const exp = cli(['export', id, '--to', out, '--json'], { ...base, STATION_USER: 'clerk1', STATION_PASSWORD: 'clerk-pass' });
    expect(exp.code, exp.stderr).toBe(0);
    const path = (JSON.parse(exp.stdout) as { path: string }).path;
    expect(cli(['disc', 'verify', path], { STATION_DATA: join(out, 'x') }).code).toBe(0);
    const list = JSON.parse(cli(['request', 'list', '--json'], { ...base, STATION_USER: 'head', STATION_PASSWORD: 'head-pass' }).stdout) as { id: string; state: string }[];
    expect(list.find((r) => r.id === id)?.state).toBe('fulfilled');
    t.station = (await import('../../electron/core/station.ts')).Station.open({ dataDir: t.dir });
  });
});
