// An approver's inbox and several decisions on one password entry (issue 14 item 16). Each decision
// is still the approver's own, re-checked, with its own decision row and ledger entry
// (004_5e30f22f36db076d.txt 第二十条: every 调阅/复制 approved by the head; README.md, Roles).
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStation, type TestStation } from '../support/testStation.ts';
import { ingestFixtures } from '../support/caseFixtures.ts';
import { station as cli } from '../support/cli.ts';
import { queryLedger } from '../../electron/core/ledger/query.ts';
import type { ApiClient } from '../../electron/api/server.ts';

let t: TestStation;
afterEach(() => t?.cleanup());

type People = { custodian: ApiClient; clerk: ApiClient; head: ApiClient; deputy: ApiClient };

async function setup(): Promise<{ people: People; recordings: string[] }> {
  t = await createTestStation();
  const people: People = {
    custodian: await t.addUser('custodian1', ['custodian'], 'custodian-pass'),
    clerk: await t.addUser('clerk1', ['clerk'], 'clerk-pass'),
    head: await t.addUser('head', ['approver'], 'head-pass'),
    deputy: await t.addUser('deputy', ['approver'], 'deputy-pass'),
  };
  const recordings = await ingestFixtures(people.custodian, [{ local: '2026-03-01T10:00:00' }, { local: '2026-03-01T10:20:00' }, { local: '2026-03-01T10:40:00' }]);
  return { people, recordings };
}

const ledger = (action: string) => queryLedger(t.station.db, { action, limit: 1000, order: 'asc' }).entries;

describe('batch decisions', () => {
  it('the inbox counts what waits for this approver; one password decides several, each its own ledger entry and decision', async () => {
    const { people, recordings } = await setup();
    const [a, b, c] = recordings as [string, string, string];
    const view = await people.clerk.invoke('request.create', { kind: 'view', recordingIds: [a], purpose: '核对现场执法经过' });
    const copy = await people.clerk.invoke('request.create', { kind: 'copy', recordingIds: [a, b], purpose: '复制附卷' });
    const burn = await people.clerk.invoke('request.create', { kind: 'burn', recordingIds: [c], purpose: '刻录移送法院' });
    const inbox = await people.head.invoke('request.inbox', {});
    expect(inbox.total).toBe(3);
    expect(inbox.byKind).toEqual({ view: 1, copy: 1, burn: 1, extend: 0 });
    expect(inbox.requests.map((r) => r.id).sort()).toEqual([view.id, copy.id, burn.id].sort());
    expect(inbox.oldestAt).toBe(view.createdAt);

    const failuresBefore = ledger('auth.login_failed').length;
    const result = await people.head.invoke('request.decideMany', {
      password: 'head-pass',
      decisions: [
        { id: view.id, decision: 'approved', reason: '' },
        { id: copy.id, decision: 'approved', reason: '同意复制' },
        { id: burn.id, decision: 'denied', reason: '已有刻录件，无需再刻' },
      ],
    });
    expect(result).toMatchObject({ decided: 3, refused: 0 });
    expect(result.outcomes.map((o) => [o.id, o.ok && o.request.state])).toEqual([
      [view.id, 'approved'],
      [copy.id, 'approved'],
      [burn.id, 'denied'],
    ]);
    const entries = [...ledger('request.approved'), ...ledger('request.denied')];
    expect(entries.map((e) => [e.subject, e.actor, e.action])).toEqual([
      [`request:${view.id}`, 'head', 'request.approved'],
      [`request:${copy.id}`, 'head', 'request.approved'],
      [`request:${burn.id}`, 'head', 'request.denied'],
    ]);
    expect(new Set(entries.map((e) => e.seq)).size).toBe(3);
    for (const id of [view.id, copy.id, burn.id]) {
      const shown = await people.head.invoke('request.show', { id });
      expect(shown.decisions).toHaveLength(1);
      expect(entries.map((e) => e.seq)).toContain(shown.decisions[0]!.ledgerSeq);
    }
    expect((await people.head.invoke('request.show', { id: burn.id })).denyReason).toBe('已有刻录件，无需再刻');
    expect(ledger('auth.login_failed')).toHaveLength(failuresBefore);
    expect((await people.head.invoke('request.inbox', {})).total).toBe(0);
  });

  it('stale, already decided and withdrawn requests are refused one by one with their reason; the rest are decided', async () => {
    const { people, recordings } = await setup();
    const [a, b, c] = recordings as [string, string, string];
    await people.custodian.invoke('recording.classify', { recordingId: c, classification: 'privacy', note: '旁人可辨认' });
    const fine = await people.clerk.invoke('request.create', { kind: 'view', recordingIds: [a], purpose: '核对现场执法经过' });
    const withdrawn = await people.clerk.invoke('request.create', { kind: 'view', recordingIds: [b], purpose: '核对执法过程' });
    const deniedMeanwhile = await people.clerk.invoke('request.create', { kind: 'copy', recordingIds: [b], purpose: '复制附卷' });
    const classified = await people.clerk.invoke('request.create', { kind: 'view', recordingIds: [c], purpose: '核对隐私画面' });
    expect(classified.requiredApprovals).toBe(2);
    // What the head sees in the inbox…
    const seen = await people.head.invoke('request.inbox', {});
    expect(seen.classified).toBe(1);
    const seenOf = (id: string) => ({ decisions: seen.requests.find((r) => r.id === id)!.decisions.length });
    // …and what happens before they decide.
    await people.clerk.invoke('request.withdraw', { id: withdrawn.id });
    await people.deputy.invoke('request.deny', { id: deniedMeanwhile.id, password: 'deputy-pass', reason: '用途不明' });
    await people.deputy.invoke('request.approve', { id: classified.id, password: 'deputy-pass' });

    const result = await people.head.invoke('request.decideMany', {
      password: 'head-pass',
      decisions: [fine, withdrawn, deniedMeanwhile, classified].map((r) => ({ id: r.id, decision: 'approved' as const, reason: '', seen: seenOf(r.id) })),
    });
    expect(result).toMatchObject({ decided: 1, refused: 3 });
    expect(result.outcomes.map((o) => (o.ok ? [o.id, o.request.state] : [o.id, o.error.code, o.error.params.state ?? null]))).toEqual([
      [fine.id, 'approved'],
      [withdrawn.id, 'request.not_pending', 'withdrawn'],
      [deniedMeanwhile.id, 'request.not_pending', 'denied'],
      [classified.id, 'request.changed_since_seen', null],
    ]);
    // Each refusal is ledgered on its own request; the classified one is still waiting for the head.
    expect(ledger('request.refused').map((e) => [e.subject, e.actor, e.details.code])).toEqual([
      [`request:${withdrawn.id}`, 'head', 'request.not_pending'],
      [`request:${deniedMeanwhile.id}`, 'head', 'request.not_pending'],
      [`request:${classified.id}`, 'head', 'request.changed_since_seen'],
    ]);
    expect((await people.head.invoke('request.show', { id: classified.id })).state).toBe('requested');
    const again = await people.head.invoke('request.inbox', {});
    expect(again.requests.map((r) => r.id)).toEqual([classified.id]);
    expect(again.secondApproval).toBe(1);

    // Looked at again, it is decided; decided twice, it is refused as already decided.
    const second = await people.head.invoke('request.decideMany', {
      password: 'head-pass',
      decisions: [{ id: classified.id, decision: 'approved', reason: '', seen: { decisions: again.requests[0]!.decisions.length } }],
    });
    expect(second.outcomes[0]).toMatchObject({ ok: true, request: { state: 'approved' } });
    const twice = await people.head.invoke('request.decideMany', { password: 'head-pass', decisions: [{ id: classified.id, decision: 'approved', reason: '' }] });
    expect(twice.outcomes[0]).toMatchObject({ ok: false, error: { code: 'request.not_pending' } });
    const another = await people.clerk.invoke('request.create', { kind: 'view', recordingIds: [a], purpose: '再次核对' });
    const mixed = await people.head.invoke('request.decideMany', { password: 'head-pass', decisions: [{ id: another.id, decision: 'approved', reason: '' }, { id: 'RQ-999999', decision: 'approved', reason: '' }] });
    expect(mixed.outcomes.map((o) => !o.ok && o.error.code)).toEqual([false, 'request.not_found']);
  });

  it('a wrong password, a denial without reason or a request named twice decides nothing', async () => {
    const { people, recordings } = await setup();
    const one = await people.clerk.invoke('request.create', { kind: 'view', recordingIds: [recordings[0]!], purpose: '核对现场执法经过' });
    const two = await people.clerk.invoke('request.create', { kind: 'copy', recordingIds: [recordings[1]!], purpose: '复制附卷' });
    const both = [one, two].map((r) => ({ id: r.id, decision: 'approved' as const, reason: '' }));
    await expect(people.head.invoke('request.decideMany', { password: 'wrong-password', decisions: both })).rejects.toMatchObject({ code: 'auth.bad_credentials' });
    await expect(
      people.head.invoke('request.decideMany', { password: 'head-pass', decisions: [both[0]!, { id: two.id, decision: 'denied', reason: ' ' }] }),
    ).rejects.toMatchObject({ code: 'request.reason_required', params: { requestId: two.id } });
    await expect(people.head.invoke('request.decideMany', { password: 'head-pass', decisions: [both[0]!, both[0]!] })).rejects.toMatchObject({ code: 'request.batch_duplicate' });
    await expect(people.clerk.invoke('request.decideMany', { password: 'clerk-pass', decisions: both })).rejects.toMatchObject({ code: 'auth.forbidden' });
    expect([...ledger('request.approved'), ...ledger('request.denied')]).toEqual([]);
    expect((await people.head.invoke('request.inbox', {})).total).toBe(2);
  });

  it('CLI: request inbox and request decide with one password, refusals translated, exit 1 when any is refused', async () => {
    const { people, recordings } = await setup();
    const view = await people.clerk.invoke('request.create', { kind: 'view', recordingIds: [recordings[0]!], purpose: '核对现场执法经过' });
    const copy = await people.clerk.invoke('request.create', { kind: 'copy', recordingIds: [recordings[1]!], purpose: '复制附卷' });
    const gone = await people.clerk.invoke('request.create', { kind: 'view', recordingIds: [recordings[2]!], purpose: '核对执法过程' });
    const head = { STATION_DATA: t.dir, STATION_USER: 'head', STATION_PASSWORD: 'head-pass' };
    t.station.close();
    const inbox = cli(['request', 'inbox'], head);
    expect(inbox.code).toBe(0);
    expect(inbox.stdout).toContain('等待您审批：3 件（调阅 2，复制 1，刻录 0');
    expect(inbox.stdout).toContain(copy.id);
    const withdrawn = cli(['request', 'withdraw', gone.id], { ...head, STATION_USER: 'clerk1', STATION_PASSWORD: 'clerk-pass' });
    expect(withdrawn.code).toBe(0);
    const none = cli(['request', 'decide', '--lang', 'en'], head);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Name at least one request with --approve or --deny');
    const decided = cli(['request', 'decide', '--approve', `${view.id},${gone.id}`, '--deny', copy.id, '--reason', '用途与案件无关', '--lang', 'en'], head);
    expect(decided.code).toBe(1);
    expect(decided.stdout).toContain(`Request ${gone.id} not decided:`);
    expect(decided.stdout).toContain('2 decided, 1 refused.');
    const json = cli(['request', 'inbox', '--json'], head);
    expect(JSON.parse(json.stdout)).toMatchObject({ total: 0 });
    await t.reopen();
    expect((await t.admin.invoke('request.show', { id: copy.id })).denyReason).toBe('用途与案件无关');
    expect((await t.admin.invoke('request.show', { id: view.id })).state).toBe('approved');
  });
});
