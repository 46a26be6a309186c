// Cases, retention and destruction end to end through the api, on a real station (SQLite, vault,
// keys) with recordings ingested from fixture files, and time moved with a ManualClock.
import { copyFileSync, mkdtempSync, readFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStation, ADMIN_PASSWORD, type TestStation } from '../support/testStation.ts';
import { ingestFixtures } from '../support/caseFixtures.ts';
import { station as cli } from '../support/cli.ts';
import type { ApiClient } from '../../electron/api/server.ts';
import { queryLedger } from '../../electron/core/ledger/query.ts';
import { certificateSignatureValid } from '../../electron/core/cases/certificate.ts';
import { parseVerifierKey } from '../../electron/core/ledger/checkpoint.ts';

let t: TestStation;
let custodian: ApiClient; // custodian + approver: proposes, so may not approve its own batch
let clerk: ApiClient;
let approver: ApiClient;
let auditor: ApiClient;
let ids: string[];
let caseId: string;

const YEAR_MS = 365 * 86_400_000;
const ledger = (action: string) => queryLedger(t.station.db, { action, limit: 10_000, order: 'asc' }).entries;

async function drain(gen: AsyncGenerator<Buffer>): Promise<number> {
  let n = 0;
  for await (const chunk of gen) n += chunk.length;
  return n;
}

/** Moves time; sessions idle past their limit end, so everyone signs in again, as they would. */
async function advance(ms: number): Promise<void> {
  t.clock.advance(ms);
  t.admin = await t.login('admin', ADMIN_PASSWORD);
  custodian = await t.login('cus', 'cus-password-1');
  clerk = await t.login('clerk', 'clerk-password-1');
  approver = await t.login('head', 'head-password-1');
  auditor = await t.login('aud', 'aud-password-1');
}

beforeAll(async () => {
  t = await createTestStation(); // clock: Monday 2026-01-05 10:00 Beijing
  custodian = await t.addUser('cus', ['custodian', 'approver'], 'cus-password-1');
  clerk = await t.addUser('clerk', ['clerk'], 'clerk-password-1');
  approver = await t.addUser('head', ['approver'], 'head-password-1');
  auditor = await t.addUser('aud', ['auditor'], 'aud-password-1');
  await custodian.invoke('officer.add', { badge: '010203', name: '张警官' });
  await custodian.invoke('officer.add', { badge: '040506', name: '李警官' });
  ids = await ingestFixtures(custodian, [
    { local: '2026-01-05T08:00:00', officer: '010203' }, // 0: evidence
    { local: '2026-01-02T09:00:00', officer: '010203' }, // 1: evidence, handed over late
    { local: '2026-01-05T07:00:00', officer: '040506', serial: '7654321' }, // 2: no case
    { local: '2026-01-05T07:30:00', officer: '040506', serial: '7654321' }, // 3: no case
    { local: '2026-01-05T07:40:00', officer: '040506', serial: '7654321', fill: 99 }, // 4: no case
  ]);
  // Ingest works on two files at once, so which of two identical files is "the original" is only
  // fixed when the copy arrives later, as a vendor re-sync does.
  ids.push(...(await ingestFixtures(custodian, [{ local: '2026-01-05T07:40:00', officer: '040506', serial: '7654321', fill: 99, nameSuffix: '_COPY' }]))); // 5: same bytes as 4
}, 60_000);

afterAll(() => t?.cleanup());

describe('cases', () => {
  it('creates a case with party and officers; bad input changes nothing', async () => {
    const before = t.station.ledger.size;
    await expect(
      clerk.invoke('case.create', { caseNumber: 'X', title: 't', enforcementType: 'penalty', party: { kind: 'person', name: '王某' }, officers: [{ badge: '999999' }] }),
    ).rejects.toMatchObject({ code: 'case.officer_unknown', kind: 'input' });
    await expect(clerk.invoke('case.create', { caseNumber: 'X', title: 't', enforcementType: 'bogus' as never, party: { kind: 'person', name: '王某' } })).rejects.toMatchObject({
      code: 'api.invalid_input',
    });
    await expect(auditor.invoke('case.create', { caseNumber: 'X', title: 't', enforcementType: 'penalty', party: { kind: 'person', name: '王某' } })).rejects.toMatchObject({ code: 'auth.forbidden' });
    expect(t.station.ledger.size).toBe(before + 1); // only the auth.forbidden attempt
    const c = await clerk.invoke('case.create', {
      caseNumber: '中市监罚〔2026〕1号',
      title: '无照经营',
      enforcementType: 'penalty',
      party: { kind: 'organisation', name: '某某商贸有限公司', idNumber: '91141100MA0XXXXX0X' },
      officers: [{ badge: '010203' }, { badge: '040506' }],
      fileRetention: { years: 10 },
    });
    caseId = c.id;
    expect(c).toMatchObject({ id: 'CASE-000001', state: 'open', officers: [{ badge: '010203', role: 'lead', name: '张警官' }, { badge: '040506', role: 'assist' }] });
    await expect(clerk.invoke('case.create', { caseNumber: '中市监罚〔2026〕1号', title: 'x', enforcementType: 'penalty', party: { kind: 'person', name: 'y' } })).rejects.toMatchObject({
      code: 'case.number_taken',
    });
    expect(ledger('case.created')).toHaveLength(1);
  });

  it('links recordings as evidence with a note; the catalogue gets case and party; unlink keeps history', async () => {
    await expect(clerk.invoke('case.link', { id: caseId, recordingIds: [ids[0]!], note: ' ' })).rejects.toMatchObject({ code: 'api.invalid_input' });
    const r = await clerk.invoke('case.link', { id: '中市监罚〔2026〕1号', recordingIds: [ids[0]!, ids[1]!, ids[2]!], note: '取证人员：张警官 010203；取证时间：2026-01-05；取证地点：某某商贸门店' });
    expect(r.links).toHaveLength(3);
    const rec = await auditor.invoke('recording.get', { id: ids[0]! });
    expect(rec.recording).toMatchObject({ caseId, party: '某某商贸有限公司' });
    expect(rec.history.map((e) => e.action)).toEqual(expect.arrayContaining(['case.recording_linked', 'recording.case_assigned']));
    await expect(clerk.invoke('case.link', { id: caseId, recordingIds: [ids[0]!], note: '再次关联' })).rejects.toMatchObject({ code: 'case.already_linked' });

    const u = await clerk.invoke('case.unlink', { id: caseId, recordingId: ids[2]!, reason: '与本案无关，误关联' });
    expect(u.link).toMatchObject({ recordingId: ids[2], unlinkedBy: 'clerk', unlinkReason: '与本案无关，误关联' });
    expect((await auditor.invoke('recording.get', { id: ids[2]! })).recording).toMatchObject({ caseId: null, party: null });

    const view = await auditor.invoke('case.show', { id: caseId });
    expect(view.evidence.map((e) => e.recording.id)).toEqual([ids[1], ids[0]]); // by recording time
    expect(view.unlinked.map((l) => l.recordingId)).toEqual([ids[2]]);
    expect(view.evidence[0]!.retention.protections).toEqual([{ kind: 'case_open', ref: caseId }]);
  });

  it('corrections are ledgered field by field; the case history gathers links too', async () => {
    const c = await clerk.invoke('case.update', { id: caseId, title: '无照经营（更正）' });
    expect(c.title).toBe('无照经营（更正）');
    const history = await auditor.invoke('case.history', { id: caseId });
    expect(history.map((e) => e.action)).toEqual(['case.created', 'case.recording_linked', 'case.recording_linked', 'case.recording_linked', 'case.recording_unlinked', 'case.updated']);
    expect(history.at(-1)!.details).toEqual({ changes: { title: { from: '无照经营', to: '无照经营（更正）' } } });
  });

  it('a whole-case request covers the linked recordings and shows in the case view', async () => {
    const req = await clerk.invoke('case.request', { id: caseId, kind: 'view', purpose: '复核证据' });
    expect(req).toMatchObject({ caseId, items: [ids[1], ids[0]] });
    const view = await auditor.invoke('case.show', { id: caseId });
    expect(view.requests.map((q) => q.id)).toContain(req.id);
    const dash = await auditor.invoke('dashboard.summary', {});
    expect(dash.requestsWaiting.map((q) => q.id)).toEqual([req.id]);
    expect(dash.lateHandoversUnexplained).toEqual([ids[1]]);
    expect(dash.counts).toMatchObject({ casesOpen: 1, requestsWaiting: 1, lateHandoversUnexplained: 1, destructionsDue: 0 });
    const { html } = await auditor.invoke('case.summary', { id: caseId });
    expect(html).toContain('中市监罚〔2026〕1号');
    expect(html).toContain('某某商贸有限公司');
    expect(html).toContain('@media print');
    expect(html).toContain('取证地点：某某商贸门店');
  });
});

describe('retention and destruction', () => {
  it('each recording shows its retention-until date and why', async () => {
    const [s2] = await auditor.invoke('retention.status', { recordingIds: [ids[2]!] });
    expect(s2).toMatchObject({ untilDate: '2029-01-05', due: false, decidedBy: { basis: { kind: 'default', period: { years: 3 } } } });
    // No rule chosen yet: nothing is cited rather than another agency's rule (issue 14 item 1).
    expect(s2!.decidedBy.basis).toMatchObject({ citations: [] });
    await t.admin.invoke('rules.set', { rule: { kind: 'shipped', id: '000' } });
    const [cited] = await auditor.invoke('retention.status', { recordingIds: [ids[2]!] });
    expect(cited!.decidedBy.basis).toMatchObject({ citations: [{ text: '《山西省林业和草原局行政执法全过程记录实施办法》第十二条', article: '第十二条' }] });
    // The agency follows 004_5e30f22f36db076d.txt 第十九条 instead: 2 years, cited by its title.
    await t.admin.invoke('rules.set', { rule: { kind: 'shipped', id: '004' } });
    await t.admin.invoke('retention.setSettings', { retentionDefault: { years: 2 } });
    const [again] = await auditor.invoke('retention.status', { recordingIds: [ids[2]!] });
    expect(again).toMatchObject({ untilDate: '2028-01-05', decidedBy: { basis: { kind: 'default', citations: [{ text: '《中阳县市场监督管理局行政执法全过程记录实施办法》第十九条', article: '第十九条' }] } } });
    expect(ledger('setting.changed').at(-1)).toMatchObject({ actor: 'admin', subject: 'setting:retention.default' });
  });

  it('nothing is due before its date; after it, evidence in an open case still is not', async () => {
    expect(await auditor.invoke('retention.due', {})).toEqual([]);
    await advance(2 * YEAR_MS + 2 * 86_400_000); // 2028-01-07 10:00 Beijing
    const due = (await auditor.invoke('retention.due', {})).map((s) => s.recordingId);
    expect([...due].sort()).toEqual([ids[2]!, ids[3]!, ids[4]!, ids[5]!].sort());
    expect(due).not.toContain(ids[0]);
    await expect(custodian.invoke('destroy.propose', { recordingIds: [ids[0]!], reason: '到期集中销毁' })).rejects.toMatchObject({
      code: 'destruction.protected',
      params: { recordingId: ids[0], protection: 'case_open', stage: 'propose' },
    });
  });

  it('a hold placed after approval stops execution; the proposer cannot approve; nothing changes until all checks pass', async () => {
    const batch = await custodian.invoke('destroy.propose', { recordingIds: [ids[2]!, ids[3]!], reason: '2028年第一批到期音像资料集中销毁' });
    expect(batch).toMatchObject({ state: 'proposed', proposedBy: 'cus' });
    await expect(custodian.invoke('destroy.propose', { recordingIds: [ids[3]!], reason: '重复' })).rejects.toMatchObject({ code: 'destruction.already_proposed' });
    await expect(custodian.invoke('destroy.approve', { id: batch.id, password: 'cus-password-1' })).rejects.toMatchObject({ code: 'destruction.own_proposal' });
    await expect(approver.invoke('destroy.approve', { id: batch.id, password: 'wrong' })).rejects.toMatchObject({ kind: 'denied' });

    // A hold between proposal and approval: approval refused, and the refusal is ledgered.
    const hold = await clerk.invoke('retention.hold', { scope: 'recording', target: ids[3]!, reason: '当事人申请行政复议' });
    await expect(approver.invoke('destroy.approve', { id: batch.id, password: 'head-password-1' })).rejects.toMatchObject({
      code: 'destruction.protected',
      params: { recordingId: ids[3], protection: 'hold', stage: 'approve' },
    });
    expect(ledger('destruction.refused').map((e) => e.details.code)).toEqual(['destruction.own_proposal', 'destruction.protected']);
    await expect(clerk.invoke('retention.release', { holdId: hold.id, reason: '复议结束', password: 'clerk-password-1' })).rejects.toMatchObject({ code: 'auth.forbidden' });
    await approver.invoke('retention.release', { holdId: hold.id, reason: '复议结束，维持原决定', password: 'head-password-1' });
    const approved = await approver.invoke('destroy.approve', { id: batch.id, password: 'head-password-1', note: '同意' });
    expect(approved).toMatchObject({ state: 'approved', decidedBy: 'head' });

    // A hold between approval and execution: execution refused, nothing destroyed.
    const hold2 = await clerk.invoke('retention.hold', { scope: 'recording', target: ids[2]!, reason: '诉讼保全' });
    await expect(custodian.invoke('destroy.execute', { id: batch.id })).rejects.toMatchObject({ code: 'destruction.protected', params: { stage: 'execute' } });
    expect(t.station.db.prepare('SELECT COUNT(*) AS n FROM destroyed_recordings').get()).toEqual({ n: 0 });
    expect(await drain(t.station.vault.read((await auditor.invoke('recording.get', { id: ids[2]! })).recording.objectId))).toBeGreaterThan(0);
    await approver.invoke('retention.release', { holdId: hold2.id, reason: '保全解除', password: 'head-password-1' });
  });

  it('executing crypto-shreds: the object cannot be decrypted even from a copy taken before; the tombstone, history and certificate remain', async () => {
    const [batch] = await auditor.invoke('destroy.list', { state: 'approved' });
    const objectId = (await auditor.invoke('recording.get', { id: ids[2]! })).recording.objectId;
    const objectPath = t.station.vault.objectPath(objectId);
    const copyDir = mkdtempSync(join(tmpdir(), 'shred-copy-'));
    const copy = join(copyDir, 'object.evo');
    copyFileSync(objectPath, copy);
    const wrapped = (t.station.db.prepare('SELECT wrapped_key FROM vault_objects WHERE id = ?').get(objectId) as { wrapped_key: Buffer }).wrapped_key;

    const progress: unknown[] = [];
    const off = custodian.on((event, payload) => event === 'destroy.progress' && progress.push(payload));
    const done = await custodian.invoke('destroy.execute', { id: batch!.id });
    off();
    expect(done.state).toBe('executed');
    expect(progress.length).toBeGreaterThan(0);

    expect(existsSync(objectPath)).toBe(false);
    await expect(drain(t.station.vault.read(objectId))).rejects.toMatchObject({ code: 'vault.object_shredded' });
    // Put the copy back where the vault looks: without its key it is noise.
    mkdirSync(dirname(objectPath), { recursive: true });
    copyFileSync(copy, objectPath);
    await expect(drain(t.station.vault.read(objectId))).rejects.toMatchObject({ code: 'vault.object_shredded' });
    rmSync(objectPath);
    // The wrapped key is gone from the database file and its WAL, not merely hidden.
    for (const f of [t.station.paths.database, `${t.station.paths.database}-wal`]) {
      if (existsSync(f)) expect(readFileSync(f).indexOf(wrapped)).toBe(-1);
    }
    rmSync(copyDir, { recursive: true, force: true });

    // Tombstone: the catalogue row and its history stay.
    const detail = await auditor.invoke('recording.get', { id: ids[2]! });
    expect(detail.recording.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(detail.history.map((e) => e.action)).toEqual(expect.arrayContaining(['recording.ingested', 'recording.destroyed']));
    const [status] = await auditor.invoke('retention.status', { recordingIds: [ids[2]!] });
    expect(status).toMatchObject({ destroyed: { batchId: batch!.id, by: 'cus' }, due: false });
    await expect(clerk.invoke('request.create', { kind: 'view', recordingIds: [ids[2]!], purpose: '调阅' })).rejects.toBeTruthy();

    // The signed certificate verifies with the station's key, and not once altered.
    const cert = await auditor.invoke('destroy.certificate', { id: batch!.id });
    expect(cert.valid).toBe(true);
    expect(cert.certificate.items.map((i) => [i.recordingId, i.objectShredded]).sort()).toEqual(
      [
        [ids[2], true],
        [ids[3], true],
      ].sort(),
    );
    const key = parseVerifierKey(cert.verifierKey);
    expect(certificateSignatureValid(cert.canonical, cert.signature, key.publicKey, key.keyName)).toBe(true);
    expect(certificateSignatureValid(cert.canonical.replace(ids[2]!, ids[4]!), cert.signature, key.publicKey, key.keyName)).toBe(false);
    expect(cert.html).toContain('销毁证明');
    expect(cert.html).toContain(cert.sha256);
    expect(ledger('vault.object_shredded')).toHaveLength(2);
  });

  it('a duplicate shares its object: destroying one copy keeps the object until the last copy goes', async () => {
    const dupOf = (await auditor.invoke('recording.get', { id: ids[5]! })).recording;
    expect(dupOf.duplicateOf).toBe(ids[4]);
    const b1 = await custodian.invoke('destroy.propose', { recordingIds: [ids[5]!], reason: '重复副本到期' });
    await approver.invoke('destroy.approve', { id: b1.id, password: 'head-password-1' });
    await custodian.invoke('destroy.execute', { id: b1.id });
    const c1 = await auditor.invoke('destroy.certificate', { id: b1.id });
    expect(c1.certificate.items[0]).toMatchObject({ recordingId: ids[5], objectShredded: false, sharedWith: [ids[4]] });
    expect(await drain(t.station.vault.read(dupOf.objectId))).toBeGreaterThan(0);

    const b2 = await custodian.invoke('destroy.propose', { allDue: true, reason: '到期集中销毁' });
    expect(b2.items.map((i) => i.recordingId)).toEqual([ids[4]]);
    await approver.invoke('destroy.approve', { id: b2.id, password: 'head-password-1' });
    await custodian.invoke('destroy.execute', { id: b2.id });
    await expect(drain(t.station.vault.read(dupOf.objectId))).rejects.toMatchObject({ code: 'vault.object_shredded' });
  });

  it("a linked recording's retention follows its case: kept while open and unarchived, then as long as the case file", async () => {
    const closed = await clerk.invoke('case.close', { id: caseId, note: '处罚决定已执行完毕' });
    expect(closed.state).toBe('closed');
    expect(closed.archive).toMatchObject({ rule: { workingDays: 20 }, overdue: false });
    const [unarchived] = await auditor.invoke('retention.status', { recordingIds: [ids[0]!] });
    expect(unarchived).toMatchObject({ until: null, protections: [{ kind: 'case_not_archived', ref: caseId }] });
    const dash = await auditor.invoke('dashboard.summary', {});
    expect(dash.casesToArchive.map((c) => c.id)).toEqual([caseId]);
    expect(dash.counts.casesToArchive).toBe(1);

    const archived = await clerk.invoke('case.archive', { id: caseId, note: '已立卷归档' });
    const archivedDate = archived.archivedAt!;
    const [s0] = await auditor.invoke('retention.status', { recordingIds: [ids[0]!] });
    // Archived in January 2028 (Beijing); the case file is kept 10 years: so is its evidence.
    expect(archivedDate.slice(0, 4)).toBe('2028');
    expect(s0).toMatchObject({ untilDate: '2038-01-07', decidedBy: { basis: { kind: 'case', caseId, caseState: 'archived', period: { years: 10 } } }, protections: [] });
    expect(s0!.candidates.map((c) => c.basis.kind)).toEqual(['default', 'case']);
    expect((await auditor.invoke('dashboard.summary', {})).counts.casesToArchive).toBe(0);
    await expect(custodian.invoke('destroy.propose', { recordingIds: [ids[0]!], reason: '到期' })).rejects.toMatchObject({ code: 'destruction.not_due' });
  });

  it('长期保存 only through an approved extend request', async () => {
    const x = await clerk.invoke('retention.requestExtension', { caseId, until: 'permanent', purpose: '重大案件，长期保存（003 第十七条）' });
    expect(x.request).toMatchObject({ kind: 'extend', state: 'requested', items: [ids[1], ids[0]] });
    await expect(clerk.invoke('retention.applyExtension', { requestId: x.request.id })).rejects.toMatchObject({ code: 'request.not_approved' });
    await approver.invoke('request.approve', { id: x.request.id, password: 'head-password-1' });
    expect((await auditor.invoke('dashboard.summary', {})).counts.extensionsToApply).toBe(1);
    const applied = await clerk.invoke('retention.applyExtension', { requestId: x.request.id });
    expect(applied.request.state).toBe('fulfilled');
    expect(applied.statuses.every((s) => s.permanent && s.decidedBy.basis.kind === 'extension')).toBe(true);
    await advance(20 * YEAR_MS);
    expect((await auditor.invoke('retention.due', {})).map((s) => s.recordingId)).not.toContain(ids[0]);
    await expect(custodian.invoke('destroy.propose', { recordingIds: [ids[0]!], reason: '到期' })).rejects.toMatchObject({ code: 'destruction.permanent' });
  });

  it('the ledger verifies with the real CLI after all of it', async () => {
    const r = cli(['ledger', 'verify'], { STATION_DATA: t.dir, STATION_USER: 'admin', STATION_PASSWORD: ADMIN_PASSWORD, STATION_LANG: 'en' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\d+/);
    expect(ledger('recording.destroyed')).toHaveLength(4);
  });
});
