// Desktop notifications (issue 14 item 17): the main-process watcher against a real station, with
// the windows' real api clients; only Electron's Notification is behind DesktopNotifier (there is no
// Electron binary on the build machines), recorded here as it would be shown.
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStation, type TestStation } from '../support/testStation.ts';
import { ingestFixtures } from '../support/caseFixtures.ts';
import { DesktopNotices, type DesktopNotifier } from '../../electron/main/desktopNotices.ts';
import { createTranslator } from '../../electron/main/i18n.ts';
import { queryLedger } from '../../electron/core/ledger/query.ts';

let t: TestStation;
afterEach(() => t?.cleanup());

function recorder(): DesktopNotifier & { shown: { title: string; body: string }[] } {
  const shown: { title: string; body: string }[] = [];
  return { shown, show: (n) => void shown.push({ title: n.title, body: n.body }) };
}

describe('desktop notices', () => {
  it('tell each signed-in window its own news once, in the station language, without keeping idle sessions alive', async () => {
    t = await createTestStation();
    const custodian = await t.addUser('custodian1', ['custodian'], 'custodian-pass');
    const clerk = await t.addUser('clerk1', ['clerk'], 'clerk-pass');
    const approver = await t.addUser('head', ['approver'], 'head-pass');
    const nobody = t.server.connect();
    const [recording] = await ingestFixtures(custodian, [{ local: '2026-01-05T08:00:00' }]);
    const notifier = recorder();
    const notices = new DesktopNotices({ clients: () => [clerk, approver, nobody], notifier, t: await createTranslator('zh-CN') });
    const refusalsBefore = queryLedger(t.station.db, { action: 'auth.forbidden', limit: 100 }).entries.length;

    expect(await notices.poll()).toBe(0);
    const req = await clerk.invoke('request.create', { kind: 'copy', recordingIds: [recording!], purpose: '复制附卷' });
    const idleSince = approver.currentSession()!.lastSeen;
    expect(await notices.poll()).toBe(1);
    expect(notifier.shown).toEqual([{ title: '有申请等待您审批', body: '1 件申请等待您审批（调阅 0，复制 1，刻录 0，延长保存 0）。' }]);
    expect(approver.currentSession()!.lastSeen).toBe(idleSince);
    // Told once: the same news is not repeated.
    expect(await notices.poll()).toBe(0);

    await approver.invoke('request.approve', { id: req.id, password: 'head-pass' });
    expect(await notices.poll()).toBe(1);
    expect(notifier.shown.at(-1)).toEqual({ title: '您的申请有了决定', body: `申请 ${req.id}：已批准。` });
    // The window nobody signed in at asked nothing that would be refused and ledgered.
    expect(queryLedger(t.station.db, { action: 'auth.forbidden', limit: 100 }).entries).toHaveLength(refusalsBefore);

    const english = recorder();
    const inEnglish = new DesktopNotices({ clients: () => [clerk], notifier: english, t: await createTranslator('en') });
    expect(await inEnglish.poll()).toBe(1);
    expect(english.shown).toEqual([{ title: 'Your request was decided', body: `Request ${req.id}: approved.` }]);
    // Nothing in a notice names a file, a party or a purpose.
    for (const n of [...notifier.shown, ...english.shown]) expect(`${n.title} ${n.body}`).not.toMatch(/复制附卷|\.MP4/);
  });
});
