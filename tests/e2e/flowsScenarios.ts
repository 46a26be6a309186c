// Daily flows in the browser (issue 14, Must show): batch approval with one password entry, search
// by 案号, a notification on the dashboard, and next year's calendar entered by form — each in
// zh-CN and in English. A station of its own whose clock reads 7 December 2026 (so next year's
// holiday arrangement is owed, warned from 1 November), set up through the api.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openStationApi, type ApiClient, type ApiServer } from '../../electron/api/server.ts';
import { ingestFixtures } from '../support/caseFixtures.ts';
import { openAgencyWindow, screenshot, type StationPage } from './harness.ts';
import { tx, type Lang } from './locale.ts';
import { login } from './dockScenarios.ts';
import { ShiftedClock, openDialog } from './casesScenarios.ts';
import { USER_DATA, addReadyUser, assertClean, assertNoChinese, assertNoRawKeys, dialog, switchLanguage, type Ctx, type Scenario } from './steps.ts';

const AGENCY = { code: 'ZY-SJ-0002', name: '中阳县市场监督管理局' };
const PASSPHRASE = 'Flows-Room-South-2026!';
const ADMIN = { username: 'admin', displayName: '蒋涛', password: 'admin-password-4' };
const CLERK = { username: 'clerk4', displayName: '韩雪', password: 'clerk-password-4' };
const APPROVER = { username: 'approver4', displayName: '曹阳', password: 'approver-password-4' };
const CUSTODIAN = { username: 'custodian4', displayName: '彭丽', password: 'custodian-password-4' };
const CASE_NUMBER = '中阳市监罚〔2026〕118号';
const LINK_NOTE = '现场检查货架及冷柜，取证地点：城关镇东街12号';
const EXPLANATION = '异地执法扣押现场，次日返回单位';
const PURPOSES = ['核对现场执法经过', '复制附卷移送法制审核', '刻录光盘移送法院', '再次核对执法过程', '复制给当事人'];
const DENY_REASON = '与案件无关';
const CALENDAR_REASON = '国务院办公厅通知已发布';
const NOTICE = { number: '国办发明电〔2026〕9号', date: '2026-11-06' };
USER_DATA.unshift(
  ...[AGENCY.name, ADMIN.displayName, CLERK.displayName, APPROVER.displayName, CUSTODIAN.displayName, CASE_NUMBER, LINK_NOTE, EXPLANATION, ...PURPOSES, DENY_REASON, CALENDAR_REASON, NOTICE.number, '某超市销售过期食品案', '某某超市有限公司'].sort(
    (a, b) => b.length - a.length,
  ),
);

// An arrangement for 2027 made up for the test, shaped like a real notice; not the State Council's.
const YEAR_2027: Record<string, [string, string, string]> = {
  newYear: ['2027-01-01', '2027-01-03', ''],
  springFestival: ['2027-02-05', '2027-02-13', '2027-02-14, 2027-02-20'],
  qingming: ['2027-04-03', '2027-04-05', ''],
  labourDay: ['2027-05-01', '2027-05-05', '2027-04-25'],
  dragonBoat: ['2027-06-12', '2027-06-14', ''],
  midAutumn: ['2027-09-15', '2027-09-17', ''],
  nationalDay: ['2027-10-01', '2027-10-07', '2027-09-26, 2027-10-09'],
};

const world: { server: ApiServer | null; recordings: string[]; clerk: ApiClient | null } = { server: null, recordings: [], clerk: null };

function server(): ApiServer {
  assert.ok(world.server, 'the flows station was opened by the first flows scenario');
  return world.server;
}

async function apiOn(user: { username: string; password: string }): Promise<ApiClient> {
  const client = server().connect();
  await client.invoke('auth.login', { username: user.username, password: user.password });
  return client;
}

async function open(ctx: Ctx, user: { username: string; password: string }, language?: Lang): Promise<StationPage> {
  const sp = await openAgencyWindow(ctx.browser, server(), ctx.url, language);
  await login(sp.page, user);
  return sp;
}

async function requestsOf(clerk: ApiClient, kinds: ('view' | 'copy' | 'burn')[], purposes: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, kind] of kinds.entries()) ids.push((await clerk.invoke('request.create', { kind, recordingIds: [world.recordings[i % world.recordings.length]!], purpose: purposes[i]! })).id);
  return ids;
}

async function selectRequests(page: Page, ids: string[]): Promise<void> {
  for (const id of ids) await page.getByTestId(`request-row-${id}`).locator('input[type="checkbox"]').check();
}

async function attention(page: Page, kind: string, key?: string): Promise<string> {
  await page.getByTestId('nav-dashboard').click();
  await page.getByTestId('dashboard-refresh').click();
  const item = page.locator(`[data-testid="attention-${kind}"]${key ? `[data-key="${key}"]` : ''}`);
  await item.waitFor();
  return item.innerText();
}

export const flowsScenarios: Scenario[] = [
  {
    name: 'flows: an approver sees the inbox with counts and approves three requests with one password; one withdrawn meanwhile is refused alone',
    async run(ctx) {
      const dir = join(ctx.scratch, 'flows-station');
      mkdirSync(dir, { recursive: true });
      world.server = openStationApi({ dataDir: dir, clock: new ShiftedClock('2026-12-07T01:00:00Z') });
      await server().connect().invoke('station.init', { agencyCode: AGENCY.code, agencyName: AGENCY.name, passphrase: PASSPHRASE, admin: ADMIN });
      const admin = await apiOn(ADMIN);
      await addReadyUser(server(), admin, CLERK, ['clerk']);
      await addReadyUser(server(), admin, APPROVER, ['approver']);
      await addReadyUser(server(), admin, CUSTODIAN, ['custodian']);
      const custodian = await apiOn(CUSTODIAN);
      // The first two are handed over late (a written explanation is owed, 000 第十一条).
      world.recordings = await ingestFixtures(custodian, [
        { local: '2026-12-01T09:00:00', officer: '010203' },
        { local: '2026-12-01T09:30:00', officer: '010203' },
        { local: '2026-12-07T08:00:00', officer: '040506' },
      ]);
      world.clerk = await apiOn(CLERK);
      const [view, copy, burn] = await requestsOf(world.clerk, ['view', 'copy', 'burn'], PURPOSES);

      const approver = await open(ctx, APPROVER);
      const { page } = approver;
      await page.getByTestId('nav-requests').click();
      const counts = page.locator('[data-testid="inbox-counts"][data-total="3"]');
      await counts.waitFor();
      for (const k of ['view', 'copy', 'burn']) assert.equal(await page.getByTestId(`inbox-count-${k}`).getAttribute('data-count'), '1');
      await selectRequests(page, [view!, copy!, burn!]);
      // The clerk withdraws one while the approver is deciding.
      await world.clerk.invoke('request.withdraw', { id: burn! });
      await page.getByTestId('batch-approve').click();
      const d = await openDialog(page, 'batch-decision-password');
      for (const id of [view, copy, burn]) await d.getByTestId(`batch-item-${id}`).waitFor();
      await page.getByTestId('batch-decision-password').fill(APPROVER.password);
      await screenshot(page, 'zh-CN-batch-decision');
      await d.getByTestId('batch-decision-submit').click();
      const result = page.getByTestId('batch-decision-result');
      await result.waitFor();
      assert.deepEqual([await result.getAttribute('data-decided'), await result.getAttribute('data-refused')], ['2', '1']);
      const refused = page.locator(`[data-testid="batch-outcome-${burn}"][data-ok="false"]`);
      // Its reason in words, the state too (已撤回, not "withdrawn").
      const refusedText = await refused.innerText();
      assert.ok(refusedText.includes(burn!) && refusedText.includes(`“${tx('zh-CN', 'ui:requests.states.withdrawn')}”`) && !refusedText.includes('withdrawn'), refusedText);
      await assertNoRawKeys(page, 'batch decision result');
      await screenshot(page, 'zh-CN-batch-decision-result');
      await page.getByTestId('batch-decision-close').click();
      await page.locator('[data-testid="inbox-counts"]').waitFor({ state: 'detached' }).catch(() => undefined);

      // Each decision is its own ledger entry by the approver.
      const approvals = (await admin.invoke('ledger.list', { action: 'request.approved', limit: 10 })).entries;
      assert.deepEqual(approvals.map((e) => [e.subject, e.actor]).sort(), [`request:${copy}`, `request:${view}`].map((s) => [s, APPROVER.username]).sort());
      const refusal = (await admin.invoke('ledger.list', { action: 'request.refused', limit: 10 })).entries;
      assert.deepEqual(refusal.map((e) => e.subject), [`request:${burn}`]);

      // In English: two more, denied together with one reason.
      await switchLanguage(page, 'en');
      const more = await requestsOf(world.clerk, ['view', 'copy'], PURPOSES.slice(3));
      await page.getByTestId('requests-refresh').click();
      await page.locator('[data-testid="inbox-counts"][data-total="2"]').waitFor();
      await selectRequests(page, more);
      await page.getByTestId('batch-deny').click();
      const e = await openDialog(page, 'batch-decision-password');
      await page.getByTestId('batch-decision-text').fill(DENY_REASON);
      await page.getByTestId('batch-decision-password').fill(APPROVER.password);
      await assertNoChinese(page, 'batch decision dialog');
      await screenshot(page, 'en-batch-decision');
      await e.getByTestId('batch-decision-submit').click();
      await page.locator('[data-testid="batch-decision-result"][data-decided="2"][data-refused="0"]').waitFor();
      await assertNoChinese(page, 'batch decision result');
      await page.getByTestId('batch-decision-close').click();
      for (const id of more) assert.equal((await admin.invoke('request.show', { id })).denyReason, DENY_REASON);
      assertClean(approver, 'batch approval');
      await approver.close();
    },
  },
  {
    name: 'flows: a custodian finds recordings by 案号 typed another way, and by words of an explanation, in both languages',
    async run(ctx) {
      const [late, other, linked] = world.recordings as [string, string, string];
      const c = await world.clerk!.invoke('case.create', { caseNumber: CASE_NUMBER, title: '某超市销售过期食品案', enforcementType: 'penalty', party: { kind: 'organisation', name: '某某超市有限公司' } });
      await world.clerk!.invoke('case.link', { id: c.id, recordingIds: [other, linked], note: LINK_NOTE });
      const custodian = await open(ctx, CUSTODIAN);
      const { page } = custodian;
      await page.getByTestId('nav-recordings').click();
      await page.locator('[data-testid="recording-row"]').first().waitFor();
      await page.getByTestId('recordings-filter-case-number').fill('2026-118');
      const rows = async () => (await page.locator('[data-testid="recording-row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).sort();
      await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('[data-testid="recording-row"]').length === 2);
      assert.deepEqual(await rows(), [other, linked].sort());
      await assertNoRawKeys(page, 'recordings search');
      await screenshot(page, 'zh-CN-search-case-number');

      await custodian.page.getByTestId('recordings-filter-case-number').fill('');
      await (await apiOn(CUSTODIAN)).invoke('recording.explain', { id: late, kind: 'late_handover', text: EXPLANATION });
      await switchLanguage(page, 'en');
      await page.getByTestId('recordings-filter-text').fill('次日返回');
      await page.locator(`[data-testid="recording-row"][data-id="${late}"]`).waitFor();
      await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('[data-testid="recording-row"]').length === 1);
      await page.getByTestId('recordings-filter-text').fill('');
      await page.getByTestId('recordings-filter-case-number').fill(CASE_NUMBER);
      await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('[data-testid="recording-row"]').length === 2);
      await page.waitForTimeout(300);
      await assertNoChinese(page, 'recordings search');
      await screenshot(page, 'en-search-case-number');
      assertClean(custodian, 'search');
      await custodian.close();
    },
  },
  {
    name: 'flows: the dashboard tells the approver of a new request and the clerk of the decision (a notification), in both languages',
    async run(ctx) {
      const approver = await open(ctx, APPROVER);
      const clerk = await open(ctx, CLERK, 'en');
      const [id] = await requestsOf(world.clerk!, ['copy'], ['复制附卷移送法制审核']);
      const text = await attention(approver.page, 'requests_awaiting');
      assert.ok(text.includes(tx('zh-CN', 'ui:attention.requests_awaiting.title', { view: 0, copy: 1, burn: 0, extend: 0 })), text);
      await screenshot(approver.page, 'zh-CN-notification-approver');
      await approver.page.getByTestId('attention-open-requests_awaiting').click();
      await approver.page.getByTestId(`request-row-${id}`).waitFor();
      await (await apiOn(APPROVER)).invoke('request.approve', { id: id!, password: APPROVER.password });

      const decided = await attention(clerk.page, 'request_decided', `request_decided:${id}:approved`);
      assert.ok(decided.includes(tx('en', 'ui:attention.request_decided.title', { requestId: id!, state: tx('en', 'ui:attention.states.approved') })), decided);
      await assertNoChinese(clerk.page, 'dashboard with a notification');
      await screenshot(clerk.page, 'en-notification-clerk');
      await clerk.page.locator(`[data-key="request_decided:${id}:approved"]`).getByTestId('attention-open-request_decided').click();
      await clerk.page.locator(`[data-testid="request-row-${id}"][data-state="approved"]`).waitFor();
      // The custodian owes written explanations still (as many as the catalogue's filter counts); the approver hears nothing of it.
      const custodian = await open(ctx, CUSTODIAN);
      const owed = (await (await apiOn(CUSTODIAN)).invoke('recording.list', { needsExplanation: true, limit: 1 })).total;
      assert.ok(owed > 0, 'the late recordings not yet explained');
      const told = await attention(custodian.page, 'explanations_owed');
      assert.ok(told.includes(tx('zh-CN', 'ui:attention.explanations_owed.title', { count: owed })), told);
      assert.equal(await approver.page.getByTestId('attention-explanations_owed').count(), 0);
      for (const p of [approver, clerk, custodian]) assertClean(p, 'notifications');
      for (const p of [approver, clerk, custodian]) await p.close();
    },
  },
  {
    name: 'flows: the dashboard warns next year is missing; the admin enters 2027 by form (a slip refused first) and the warning goes',
    async run(ctx) {
      const admin = await open(ctx, ADMIN);
      const { page } = admin;
      const warning = await attention(page, 'calendar_next_year');
      assert.ok(warning.includes(tx('zh-CN', 'ui:attention.calendar_next_year.title', { year: 2027 })), warning);
      await page.getByTestId('attention-open-calendar_next_year').click();
      await page.getByTestId('settings-screen').waitFor();
      await page.getByTestId('settings-tab-calendar').click();
      await page.getByTestId('settings-calendar').waitFor();
      await page.getByTestId('calendar-year-form').click();
      const form = await openDialog(page, 'year-form-notice-number');
      assert.equal(await page.getByTestId('year-form-year').inputValue(), '2027');
      await page.getByTestId('year-form-notice-number').fill(NOTICE.number);
      await page.getByTestId('year-form-notice-date').fill(NOTICE.date);
      for (const [k, [from, to, workdays]] of Object.entries(YEAR_2027)) {
        await page.getByTestId(`year-form-${k}-from`).fill(from);
        await page.getByTestId(`year-form-${k}-to`).fill(to);
        if (workdays) await page.getByTestId(`year-form-${k}-workdays`).fill(workdays);
      }
      // A slip: a make-up day typed on a Monday. The station refuses it, in place, and keeps what was typed.
      await page.getByTestId('year-form-labourDay-workdays').fill('2027-04-26');
      await page.getByTestId('year-form-reason').fill(CALENDAR_REASON);
      await form.getByTestId('year-form-submit').click();
      const alert = form.getByTestId('error-alert');
      await alert.waitFor();
      assert.equal(await alert.getAttribute('data-error-code'), 'calendar.data_workday_not_weekend');
      await screenshot(page, 'zh-CN-calendar-year-form');
      await page.getByTestId('year-form-labourDay-workdays').fill('2027-04-25');
      await form.getByTestId('year-form-submit').click();
      await form.waitFor({ state: 'hidden' });
      await page.locator('[data-testid="calendar-year-2027"][data-origin="edited"]').waitFor();
      const edit = (await (await apiOn(ADMIN)).invoke('ledger.list', { action: 'calendar.edited', limit: 5 })).entries[0]!;
      assert.equal(edit.subject, 'calendar:2027');
      assert.equal(edit.actor, ADMIN.username);
      await page.getByTestId('nav-dashboard').click();
      await page.getByTestId('dashboard-refresh').click();
      await page.getByTestId('dashboard-screen').waitFor();
      await page.waitForTimeout(500);
      assert.equal(await page.getByTestId('attention-calendar_next_year').count(), 0, 'the warning is gone once 2027 is entered');

      // The form in English, once the Chinese confirmation toast has gone.
      await page.locator('.ant-message-notice').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => undefined);
      await switchLanguage(page, 'en');
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('settings-tab-calendar').click();
      await page.getByTestId('calendar-year-form').click();
      await openDialog(page, 'year-form-notice-number');
      await page.waitForTimeout(300);
      await assertNoChinese(page, 'calendar year form');
      await screenshot(page, 'en-calendar-year-form');
      await dialog(page, 'year-form-notice-number').getByRole('button', { name: /Cancel/ }).click();
      assertClean(admin, 'calendar form');
      await admin.close();
      server().close();
      world.server = null;
    },
  },
];
