// Who is told what (issue 14 item 17): the attention items behind the dashboard and the desktop
// notifications, per role, on a real station; keys change exactly when there is something new.
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStation, type TestStation } from '../support/testStation.ts';
import { ingestFixtures } from '../support/caseFixtures.ts';
import { newSince, type AttentionItem } from '../../electron/core/attention/attention.ts';

let t: TestStation;
afterEach(() => t?.cleanup());

const kinds = (items: AttentionItem[]) => items.map((i) => i.kind).sort();

describe('attention per user', () => {
  it('approvers hear of waiting requests, requesters of decisions, custodians of explanations owed; auditors of nothing', async () => {
    t = await createTestStation();
    const custodian = await t.addUser('custodian1', ['custodian'], 'custodian-pass');
    const clerk = await t.addUser('clerk1', ['clerk'], 'clerk-pass');
    const approver = await t.addUser('head', ['approver'], 'head-pass');
    const auditor = await t.addUser('auditor1', ['auditor'], 'auditor-pass');
    // The clock stands at 2026-01-05: both are handed over late and owe an explanation (000 第十一条).
    const [a, b] = await ingestFixtures(custodian, [{ local: '2026-01-01T09:00:00' }, { local: '2026-01-01T09:30:00' }]);

    const forCustodian = await custodian.invoke('attention.list', {});
    expect(forCustodian.find((i) => i.kind === 'explanations_owed')).toMatchObject({ count: 2, screen: 'recordings', key: 'explanations_owed:2' });
    expect(kinds(await clerk.invoke('attention.list', {}))).toEqual([]);
    expect(kinds(await approver.invoke('attention.list', {}))).toEqual([]);
    expect(kinds(await auditor.invoke('attention.list', {}))).toEqual([]);

    const req = await clerk.invoke('request.create', { kind: 'view', recordingIds: [a!], purpose: '核对现场执法经过' });
    const waiting = await approver.invoke('attention.list', {});
    expect(waiting).toEqual([expect.objectContaining({ kind: 'requests_awaiting', count: 1, subjects: [req.id], screen: 'requests' })]);
    expect(kinds(await clerk.invoke('attention.list', {}))).toEqual([]);
    // A second request is news again: the key changes with it.
    const second = await clerk.invoke('request.create', { kind: 'copy', recordingIds: [b!], purpose: '复制附卷' });
    const more = await approver.invoke('attention.list', {});
    expect(more[0]).toMatchObject({ count: 2, params: { view: 1, copy: 1 } });
    expect(newSince(more, new Set(waiting.map((i) => i.key)))).toHaveLength(1);

    await approver.invoke('request.decideMany', {
      password: 'head-pass',
      decisions: [
        { id: req.id, decision: 'approved', reason: '' },
        { id: second.id, decision: 'denied', reason: '用途不明' },
      ],
    });
    expect(kinds(await approver.invoke('attention.list', {}))).toEqual([]);
    const decided = await clerk.invoke('attention.list', {});
    expect(decided.map((i) => [i.kind, i.subjects, i.params.state, i.severity])).toEqual([
      ['request_decided', [req.id], 'approved', 'info'],
      ['request_decided', [second.id], 'denied', 'warning'],
    ]);
    // The custodian did not ask for anything: no decisions for them; one explanation written, one still owed.
    await custodian.invoke('recording.explain', { id: a!, kind: 'late_handover', text: '外出执法，次日返回' });
    const after = await custodian.invoke('attention.list', {});
    expect(after.map((i) => [i.kind, i.count])).toEqual([['explanations_owed', 1]]);
    expect(newSince(after, new Set(forCustodian.map((i) => i.key)))).toHaveLength(1);
    // A week on, decisions are no longer news.
    t.clock.advance(8 * 86_400_000);
    const clerkAgain = await t.login('clerk1', 'clerk-pass');
    expect(kinds(await clerkAgain.invoke('attention.list', {}))).toEqual([]);
  });

  it('from 1 November the administrator and the custodian are told next year is missing; recordings past retention are due', async () => {
    t = await createTestStation();
    const custodian = await t.addUser('custodian1', ['custodian'], 'custodian-pass');
    await t.addUser('clerk1', ['clerk'], 'clerk-pass');
    await ingestFixtures(custodian, [{ local: '2026-01-05T08:00:00' }]);
    expect(kinds(await t.admin.invoke('attention.list', {}))).toEqual([]);
    t.clock.set('2026-11-01T00:00:00Z');
    const admin = await t.login('admin', 'admin-password-1');
    expect(await admin.invoke('attention.list', {})).toEqual([expect.objectContaining({ kind: 'calendar_next_year', subjects: ['2027'], screen: 'settings' })]);
    const c = await t.login('custodian1', 'custodian-pass');
    expect(kinds(await c.invoke('attention.list', {}))).toEqual(['calendar_next_year']);
    const clerk = await t.login('clerk1', 'clerk-pass');
    expect(kinds(await clerk.invoke('attention.list', {}))).toEqual([]);
    // Years later the unlinked recording is past its retention (000 第十二条) and due for destruction.
    t.clock.set('2032-03-01T00:00:00Z');
    const later = await t.login('custodian1', 'custodian-pass');
    const due = (await later.invoke('attention.list', {})).find((i) => i.kind === 'destruction_due');
    expect(due).toMatchObject({ count: 1, screen: 'retention' });
  });
});
