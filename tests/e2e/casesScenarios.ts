// Cases, retention, destruction, dashboard and reports in the browser (issue 7, Must show: "create a
// case, link recordings, close it, see the archive deadline on the dashboard; propose and approve a
// destruction and print the certificate"). Retention runs over years, so this story has a station
// of its own whose clock (a real, ticking clock shifted in time) starts on Monday 2 March 2026 in
// Beijing and is later moved three and a half years on. Recordings are ingested through the api from
// fixture files; everything the scenario is about happens in the UI, each person in their own
// browser context (own session), like separate windows.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openStationApi, type ApiClient, type ApiServer } from '../../electron/api/server.ts';
import { provideDiscPorts } from '../../electron/api/runtime/discs.ts';
import { createDiscPorts } from '../../native/discs/index.ts';
import type { Clock } from '../../electron/core/clock.ts';
import { ingestFixtures } from '../support/caseFixtures.ts';
import { openAgencyWindow, screenshot, type StationPage } from './harness.ts';
import { tx, type Lang } from './locale.ts';
import { assertApart, assertTableFits } from './layout.ts';
import { checkHelp } from './help.ts';
import { login } from './dockScenarios.ts';
import { USER_DATA, assertClean, assertNoChinese, assertNoRawKeys, dialog, pickSelectOption, switchLanguage, type Ctx, type Scenario, addReadyUser } from './steps.ts';

/** Real time, shifted: timestamps keep moving (sessions, ordering) while the date is the one the story needs. */
export class ShiftedClock implements Clock {
  private offset: number;
  constructor(start: string) {
    this.offset = new Date(start).getTime() - Date.now();
  }
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  set(at: string): void {
    this.offset = new Date(at).getTime() - Date.now();
  }
}

const AGENCY = { code: 'ZY-SJ-0001', name: '示例县市场监督管理局' };
const PASSPHRASE = 'Case-Room-East-2026!';
const ADMIN = { username: 'admin', displayName: '周敏', password: 'admin-password-1' };
export const CLERK = { username: 'clerk2', displayName: '李娜', password: 'clerk-password-2' };
export const CUSTODIAN = { username: 'custodian2', displayName: '吴刚', password: 'custodian-password-2' };
export const APPROVER = { username: 'approver2', displayName: '郑华', password: 'approver-password-2' };
const OFFICERS = [
  { badge: '010203', name: '张伟' },
  { badge: '040506', name: '刘强' },
];
/** The rule the cases station picks at setup (004_5e30f22f36db076d.txt). */
export const RULE_TITLE = '中阳县市场监督管理局行政执法全过程记录实施办法';
/** The same rule's English title, as the catalogue gives it: English screens cite it with "Art. N". */
export const RULE_TITLE_EN = 'Zhongyang County Market Regulation Administration: Implementing Measures for Full-Process Recording of Administrative Law Enforcement';
export const CASE = { number: '中市监罚〔2026〕12号', title: '无照经营（占道经营）', party: '某某商贸有限公司' };
const LINK_NOTE = '取证人员：张伟（010203）；取证时间：2026年3月2日上午；取证地点：某某商贸门店前人行道';
const CLOSE_NOTE = '已作出行政处罚决定并执行完毕';
const DESTROY_REASON = '保存期限届满，按规定集中销毁';
const APPROVAL_NOTE = '同意销毁';
export const BURN_PURPOSE = '刻录光盘附纸质案卷归档';
/** Typed by the clerk as the disc's label; ISO 9660 cannot hold it, the papers and the disc's files carry it as typed. */
export const DISC_LABEL = '中市监罚2026-12';
// User data shows as typed in any language. Longest first, and ahead of what other scenarios added:
// a note that contains an officer's name must be taken out whole, before the name alone is.
USER_DATA.unshift(
  ...[AGENCY.name, ADMIN.displayName, CLERK.displayName, CUSTODIAN.displayName, APPROVER.displayName, ...OFFICERS.map((o) => o.name), CASE.number, CASE.title, CASE.party, LINK_NOTE, CLOSE_NOTE, DESTROY_REASON, APPROVAL_NOTE, BURN_PURPOSE, DISC_LABEL].sort(
    (a, b) => b.length - a.length,
  ),
);

/** 2026-03-02 09:30 in Beijing: a Monday with no holiday for the next 20 working days. */
const START = '2026-03-02T01:30:00Z';
/** Three years after storage (the default period, 000 第十二条) plus half a year: the unlinked recordings are due. */
const LATER = '2029-09-03T02:00:00Z';
const ARCHIVE_DEADLINE = '2026-03-30'; // 20 working days after 2 March 2026 (002 第二十一条)

type World = {
  server: ApiServer | null;
  clock: ShiftedClock;
  /** Recording ids: two linked as evidence, three never in a case (one of them handed over late). */
  evidence: string[];
  loose: string[];
  caseId: string;
  batchId: string;
};

export const casesWorld: World = { server: null, clock: new ShiftedClock(START), evidence: [], loose: [], caseId: '', batchId: '' };

export function server(): ApiServer {
  assert.ok(casesWorld.server, 'the case station was opened by the first case scenario');
  return casesWorld.server;
}

export async function apiOn(user: { username: string; password: string }): Promise<ApiClient> {
  const client = server().connect();
  await client.invoke('auth.login', { username: user.username, password: user.password });
  return client;
}

/** A window of the case station, in a context of its own (openAgencyWindow). */
export function openCasePage(ctx: Ctx, language?: Lang): Promise<StationPage> {
  return openAgencyWindow(ctx.browser, server(), ctx.url, language);
}

async function closePages(ctx: Ctx): Promise<void> {
  for (const p of Object.values(ctx.pages)) await p?.close();
  ctx.pages = {};
}

/** Stubs window.print so a test sees what would go to paper: the text of the document being printed. */
export async function capturePrints(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as { print: () => void; __printed: string[]; document: { getElementById(id: string): { shadowRoot: { textContent: string } | null } | null } };
    g.__printed = [];
    g.print = () => void g.__printed.push(g.document.getElementById('es-print-doc')?.shadowRoot?.textContent ?? '');
  });
}

export async function printed(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as { __printed: string[] }).__printed);
}

/** The text of the station document shown in a preview (it lives in a shadow root). */
export async function documentText(page: Page, previewTestId: string): Promise<string> {
  const view = page.getByTestId(previewTestId).getByTestId('document-view');
  await view.waitFor();
  await page.waitForFunction(
    (id) =>
      ((globalThis as unknown as { document: { querySelector(s: string): { shadowRoot: { textContent: string | null } | null } | null } }).document.querySelector(`[data-testid="${id}"] [data-testid="document-view"]`)?.shadowRoot?.textContent ?? '').length > 20,
    previewTestId,
  );
  return view.evaluate((el) => el.shadowRoot?.textContent ?? '');
}

/** Until exactly `n` rows with this test id are on the page (filters apply after a short pause). */
async function rowCount(page: Page, testId: string, n: number): Promise<void> {
  await page.waitForFunction(
    ([id, count]) => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll(`[data-testid="${id}"]`).length === count,
    [testId, n] as const,
  );
}

/** A dialog once it has finished opening (a click during antd's zoom-in can be lost). */
export async function openDialog(page: Page, testId: string) {
  const d = dialog(page, testId);
  await d.waitFor();
  await d.evaluate(
    (el) =>
      new Promise<void>((done) => {
        const g = globalThis as unknown as { requestAnimationFrame(cb: () => void): void };
        const check = () => (/\bant-zoom-/.test((el as unknown as { className: string }).className) ? g.requestAnimationFrame(check) : done());
        check();
      }),
  );
  return d;
}

async function checkRow(page: Page, rowTestId: string, id: string): Promise<void> {
  await page.locator(`[data-testid="${rowTestId}"][data-id="${id}"] .ant-checkbox-input`).check();
}

async function pickMonth(page: Page, month: string): Promise<void> {
  const input = page.getByTestId('report-month').locator('xpath=self::input | .//input').first();
  await input.click();
  await input.fill(month);
  await input.press('Enter');
  await page.getByTestId('report-period').filter({ hasText: month }).waitFor();
}

export const casesScenarios: Scenario[] = [
  {
    name: 'cases: a clerk creates a case, links recordings with the written note and concludes it; the archive deadline is on the approver\'s dashboard',
    async run(ctx) {
      // A station of its own on a shifted clock, set up and stocked through the api.
      const dir = join(ctx.scratch, 'case-station');
      mkdirSync(dir, { recursive: true });
      casesWorld.server = openStationApi({ dataDir: dir, clock: casesWorld.clock });
      provideDiscPorts(server(), createDiscPorts());
      // The agency's rule is picked at setup (issue 14 item 1): every paper of this story cites it by title and article.
      await server().connect().invoke('station.init', { agencyCode: AGENCY.code, agencyName: AGENCY.name, passphrase: PASSPHRASE, admin: ADMIN, rule: { kind: 'shipped', id: '004' } });
      const admin = await apiOn(ADMIN);
      await addReadyUser(server(), admin, CLERK, ['clerk']);
      await addReadyUser(server(), admin, CUSTODIAN, ['custodian']);
      await addReadyUser(server(), admin, APPROVER, ['approver']);
      const custodianApi = await apiOn(CUSTODIAN);
      for (const o of OFFICERS) await custodianApi.invoke('officer.add', o);
      const ids = await ingestFixtures(custodianApi, [
        { local: '2026-03-02T08:00:00', officer: '010203' },
        { local: '2026-03-02T08:20:00', officer: '010203' },
        { local: '2026-03-02T07:00:00', officer: '040506', serial: '7654321' },
        { local: '2026-03-02T07:30:00', officer: '040506', serial: '7654321' },
        { local: '2026-02-24T10:00:00', officer: '040506', serial: '7654321' }, // handed over a week late
      ]);
      casesWorld.evidence = ids.slice(0, 2);
      casesWorld.loose = ids.slice(2);

      const clerk = await openCasePage(ctx);
      ctx.pages.clerk = clerk;
      const { page } = clerk;
      await login(page, CLERK);
      await page.getByTestId('nav-cases').click();
      await page.getByTestId('cases-screen').waitFor();
      await page.locator('.ant-table-placeholder').waitFor();
      await assertNoRawKeys(page, 'cases');

      // Create: the form refuses an empty case number, then takes the case.
      await page.getByTestId('case-new').click();
      const form = await openDialog(page, 'case-number');
      await page.getByTestId('case-title').fill(CASE.title);
      // The case number is required: the form says so before the station is asked.
      await page.getByTestId('case-form-submit').click();
      await form.getByText(tx('zh-CN', 'ui:caseForm.caseNumberRequired')).waitFor();
      await page.getByTestId('case-number').fill(CASE.number);
      await form.locator('input[type="radio"][value="organisation"]').check();
      await page.getByTestId('case-party-name').fill(CASE.party);
      await page.getByTestId('case-party-id').fill('91141100MA0XXXXX0X');
      await page.getByTestId('case-officers').click();
      await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: '010203' }).click();
      await page.keyboard.press('Escape');
      await screenshot(page, 'zh-CN-case-form');
      await page.getByTestId('case-form-submit').click();
      await form.waitFor({ state: 'hidden' });
      const drawer = page.getByTestId('case-drawer');
      await drawer.getByTestId('case-view').waitFor();
      casesWorld.caseId = (await drawer.getByTestId('case-view').getAttribute('data-case'))!;
      assert.match(casesWorld.caseId, /^CASE-\d{6}$/);
      assert.equal(await drawer.getByTestId('case-state').getAttribute('data-state'), 'open');

      // Link the two recordings of officer 010203, found by searching the catalogue, with the note of 002 第二十三条.
      await drawer.getByTestId('case-link').click();
      const link = await openDialog(page, 'link-note');
      await page.getByTestId('link-search').fill('010203');
      // The search narrows the catalogue to the officer's recordings (file names carry the badge).
      await rowCount(page, 'link-row', 2);
      for (const id of casesWorld.evidence) await page.locator(`[data-testid="link-row"][data-id="${id}"]`).waitFor();
      for (const id of casesWorld.evidence) await checkRow(page, 'link-row', id);
      await page.getByTestId('link-selected-count').filter({ hasText: tx('zh-CN', 'ui:link.selected', { n: 2 }) }).waitFor();
      // The note is required.
      await page.getByTestId('link-dialog-submit').click();
      await link.getByText(tx('zh-CN', 'ui:link.noteRequired')).waitFor();
      await page.getByTestId('link-note').fill(LINK_NOTE);
      // The note's character count and the hint under it are not drawn over each other.
      const noteItem = link.locator('.ant-form-item', { has: page.getByTestId('link-note') });
      await assertApart(noteItem.locator('.ant-input-data-count'), noteItem.locator('.ant-form-item-extra'), 'character count and hint');
      await screenshot(page, 'zh-CN-case-link');
      await page.getByTestId('link-dialog-submit').click();
      await link.waitFor({ state: 'hidden' });
      for (const id of casesWorld.evidence) await drawer.locator(`[data-testid="evidence-row"][data-id="${id}"]`).waitFor();
      assert.ok((await drawer.getByTestId('case-evidence').innerText()).includes(LINK_NOTE), 'the written note is shown with the evidence');
      // Open evidence is protected: its retention has no date while the case runs.
      assert.ok((await drawer.getByTestId('case-evidence').innerText()).includes(tx('zh-CN', 'ui:retention.protected')));
      await drawer.locator(`[data-testid="evidence-row"][data-id="${casesWorld.evidence[0]}"] .ant-table-row-expand-icon`).click();
      await drawer.locator(`[data-testid="retention-why"][data-recording="${casesWorld.evidence[0]}"]`).waitFor();
      await page.waitForTimeout(300);
      await assertNoRawKeys(page, 'case view');
      await screenshot(page, 'zh-CN-case-view');

      // Conclude it: the rule that will apply is shown first; then the deadline is on the case.
      await drawer.getByTestId('case-close').click();
      const close = await openDialog(page, 'close-note');
      await close.getByTestId('close-rule').filter({ hasText: tx('zh-CN', 'ui:cases.rule.workingDays', { n: 20 }) }).waitFor();
      await page.getByTestId('close-note').fill(CLOSE_NOTE);
      await screenshot(page, 'zh-CN-case-close');
      await page.getByTestId('close-dialog-submit').click();
      await close.waitFor({ state: 'hidden' });
      await drawer.locator('[data-testid="case-state"][data-state="closed"]').waitFor();
      const deadline = drawer.getByTestId('case-view').getByTestId('archive-deadline');
      await deadline.waitFor();
      assert.equal(await deadline.getAttribute('data-deadline'), ARCHIVE_DEADLINE, '20 working days from Monday 2 March 2026');
      assert.equal(await deadline.getAttribute('data-overdue'), 'false');
      const truth = await (await apiOn(CLERK)).invoke('case.show', { id: casesWorld.caseId });
      assert.equal(truth.case.state, 'closed');
      assert.equal(new Date(truth.case.archive!.deadline!).toISOString(), new Date(`${ARCHIVE_DEADLINE}T23:59:59.999+08:00`).toISOString());
      // A concluded case takes no more evidence: the buttons are gone.
      assert.equal(await drawer.getByTestId('case-link').count(), 0);

      // The printable summary, printed: only the document goes to paper.
      await drawer.getByTestId('case-summary').click();
      const summary = await documentText(page, 'case-summary-preview');
      for (const s of [CASE.number, CASE.party, LINK_NOTE, ...casesWorld.evidence]) assert.ok(summary.includes(s), `the summary shows ${s}`);
      await capturePrints(page);
      await page.getByTestId('case-summary-preview').getByTestId('document-print').click();
      const paper = await printed(page);
      assert.equal(paper.length, 1, 'printed once');
      assert.ok(paper[0]!.includes(CASE.number) && paper[0]!.includes(LINK_NOTE), 'the printed page is the case summary');
      await screenshot(page, 'zh-CN-case-summary');
      await page.getByTestId('case-summary-preview').getByTestId('document-close').click();
      await page.getByTestId('case-summary-preview').waitFor({ state: 'hidden' });
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });
      await page.locator(`[data-testid="case-row"][data-id="${casesWorld.caseId}"][data-state="closed"]`).waitFor();
      await screenshot(page, 'zh-CN-cases');
      assertClean(clerk, 'cases');

      // The approver starts on the dashboard: the case to archive with its deadline, the late hand-over.
      const approver = await openCasePage(ctx);
      ctx.pages.approver = approver;
      await login(approver.page, APPROVER);
      const dash = approver.page.getByTestId('dashboard-screen');
      await dash.waitFor();
      const row = dash.locator(`[data-testid="dashboard-case-row"][data-case="${casesWorld.caseId}"]`);
      await row.waitFor();
      assert.equal(await row.getByTestId('archive-deadline').getAttribute('data-deadline'), ARCHIVE_DEADLINE);
      assert.ok((await row.innerText()).includes(CASE.number));
      assert.equal(await dash.getByTestId('dashboard-count-casesToArchive').getAttribute('data-count'), '1');
      assert.equal(await dash.getByTestId('dashboard-count-lateHandoversUnexplained').getAttribute('data-count'), '1');
      await dash.getByTestId('dashboard-late').getByText(casesWorld.loose[2]!).waitFor();
      await assertNoRawKeys(approver.page, 'dashboard');
      await screenshot(approver.page, 'zh-CN-dashboard');
      // Each item leads to its screen: the case opens in the Cases screen.
      await row.getByTestId(`dashboard-case-${casesWorld.caseId}`).click();
      await approver.page.getByTestId('case-drawer').getByTestId('case-view').waitFor();
      await approver.page.keyboard.press('Escape');
      assertClean(approver, 'dashboard');
    },
  },
  {
    name: 'retention: years later a custodian proposes the due, unlinked recordings; an approver in a second window approves with the password; the custodian executes and prints the signed certificate',
    async run(ctx) {
      await closePages(ctx);
      casesWorld.clock.set(LATER);

      const custodian = await openCasePage(ctx);
      ctx.pages.custodian = custodian;
      const { page } = custodian;
      await login(page, CUSTODIAN);
      await page.getByTestId('nav-retention').click();
      await page.getByTestId('retention-screen').waitFor();
      // Due: exactly the three recordings never used in a case; the evidence of the (unarchived) case is protected.
      const due = page.getByTestId('due-table');
      for (const id of casesWorld.loose) await due.locator(`[data-testid="due-row"][data-id="${id}"]`).waitFor();
      assert.equal(await due.locator('[data-testid="due-row"]').count(), 3);
      for (const id of casesWorld.evidence) assert.equal(await due.locator(`[data-testid="due-row"][data-id="${id}"]`).count(), 0, `${id} is evidence in an unarchived case`);
      await due.locator(`[data-testid="due-row"][data-id="${casesWorld.loose[0]}"] .ant-table-row-expand-icon`).click();
      await due.locator(`[data-testid="retention-why"][data-recording="${casesWorld.loose[0]}"]`).waitFor();
      await page.waitForTimeout(300);
      await assertNoRawKeys(page, 'retention due');
      await screenshot(page, 'zh-CN-retention-due');

      for (const id of casesWorld.loose) await checkRow(page, 'due-row', id);
      await page.getByTestId('due-propose-selected').click();
      const propose = await openDialog(page, 'propose-reason');
      await page.getByTestId('propose-reason').fill(DESTROY_REASON);
      await page.getByTestId('propose-dialog-submit').click();
      await propose.waitFor({ state: 'hidden' });
      const batchRow = page.locator('[data-testid^="batch-row-DB-"][data-state="proposed"]').first();
      await batchRow.waitFor();
      casesWorld.batchId = (await batchRow.getAttribute('data-testid'))!.slice('batch-row-'.length);
      await page.getByTestId(`batch-items-${casesWorld.batchId}`).waitFor();
      // A custodian does not decide destruction.
      assert.equal(await page.getByTestId(`destroy-approve-${casesWorld.batchId}`).count(), 0);
      await screenshot(page, 'zh-CN-retention-batches');

      // The approver, in a second window: the dashboard shows the batch waiting; its tile leads there.
      const approver = await openCasePage(ctx);
      ctx.pages.approver = approver;
      const ap = approver.page;
      await login(ap, APPROVER);
      await ap.locator('[data-testid="dashboard-count-batchesAwaitingDecision"][data-count="1"]').waitFor();
      // Three years on, the case file is long overdue for archiving.
      assert.equal(await ap.locator(`[data-testid="dashboard-case-row"][data-case="${casesWorld.caseId}"]`).getAttribute('data-overdue'), 'true');
      await ap.getByTestId('dashboard-count-batchesAwaitingDecision').click();
      await ap.getByTestId('batches-tab').waitFor();
      await ap.getByTestId(`destroy-approve-${casesWorld.batchId}`).click();
      const decide = await openDialog(ap, 'destroy-decide-password');
      // A wrong password decides nothing, and says so in the dialog.
      await ap.getByTestId('destroy-decide-password').fill('not-my-password');
      await ap.getByTestId('destroy-decide-dialog-submit').click();
      const alert = decide.getByTestId('error-alert');
      await alert.waitFor();
      assert.equal(await alert.getAttribute('data-error-code'), 'auth.bad_credentials');
      assert.equal((await (await apiOn(APPROVER)).invoke('destroy.show', { id: casesWorld.batchId })).state, 'proposed');
      // The list of ids is labelled as recordings, not as a quantity.
      assert.equal(await decide.locator('.ant-descriptions-item-label', { hasText: tx('zh-CN', 'ui:destroy.columns.items') }).count(), 0);
      const ids = (await decide.getByTestId('destroy-decide-items').innerText()).split(',').length;
      assert.equal(await decide.locator('.ant-descriptions-item-label', { hasText: tx('zh-CN', 'ui:destroy.itemIds', { n: ids }) }).count(), 1);
      await ap.getByTestId('destroy-decide-text').fill(APPROVAL_NOTE);
      await ap.getByTestId('destroy-decide-password').fill(APPROVER.password);
      await screenshot(ap, 'zh-CN-destroy-approve');
      await ap.getByTestId('destroy-decide-dialog-submit').click();
      await decide.waitFor({ state: 'hidden' });
      await ap.locator(`[data-testid="batch-row-${casesWorld.batchId}"][data-state="approved"]`).waitFor();
      assertClean(approver, 'approval');

      // The custodian executes: progress, then done; the certificate verifies and prints.
      await page.getByTestId('batches-refresh').click();
      await page.getByTestId(`destroy-execute-${casesWorld.batchId}`).click();
      await page.getByTestId('destroy-execute-confirm').click();
      await page.getByTestId('destroy-executed').waitFor({ timeout: 60_000 });
      // Behind the "destroyed" dialog the batch is already shown executed: nothing there offers to execute it again.
      await page.locator(`[data-testid="batch-row-${casesWorld.batchId}"][data-state="executed"]`).waitFor();
      assert.equal(await page.getByTestId(`destroy-execute-${casesWorld.batchId}`).count(), 0, 'no execute button behind the destroyed dialog');
      await screenshot(page, 'zh-CN-destroy-executed');
      await page.getByTestId('destroy-execute-certificate').click();
      const check = page.getByTestId('certificate-check');
      await check.waitFor();
      assert.equal(await check.getAttribute('data-valid'), 'true', 'the station checked the certificate signature');
      const cert = await (await apiOn(CUSTODIAN)).invoke('destroy.certificate', { id: casesWorld.batchId });
      assert.equal(cert.valid, true);
      assert.deepEqual(
        cert.certificate.items.map((i) => i.recordingId).sort(),
        [...casesWorld.loose].sort(),
      );
      const text = await documentText(page, 'certificate-preview');
      assert.ok(text.includes(casesWorld.batchId) && text.includes(DESTROY_REASON), 'the certificate names the batch and its reason');
      assert.ok(text.includes(cert.sha256) && text.includes(cert.verifierKey), 'the certificate carries its hash and the verifier key');
      const signatureLine = cert.signature.trim().split('\n').at(-1)!;
      assert.ok(text.includes(signatureLine), 'the signed note (with its signature line) is on the certificate');
      assert.ok(text.includes(`《${RULE_TITLE}》第十九条`), 'the certificate cites the agency\'s rule by title and article');
      assert.ok(!/[0-9]{3}_[0-9a-f]{16}\.txt/.test(text), 'no rule is cited by its file name');
      assert.ok(text.includes(`${CUSTODIAN.displayName}（${CUSTODIAN.username}）`) && text.includes(`${APPROVER.displayName}（${APPROVER.username}）`), 'people by name on the certificate');
      await capturePrints(page);
      await page.getByTestId('certificate-preview').getByTestId('document-print').click();
      const paper = await printed(page);
      assert.equal(paper.length, 1);
      assert.ok(paper[0]!.includes(signatureLine) && paper[0]!.includes(casesWorld.batchId), 'the printed certificate carries the signature');
      await screenshot(page, 'zh-CN-destroy-certificate');
      await page.getByTestId('certificate-preview').getByTestId('document-close').click();
      await page.getByTestId('destroy-execute-close').click();
      await page.locator(`[data-testid="batch-row-${casesWorld.batchId}"][data-state="executed"]`).waitFor();

      // What stays: tombstones with their date; the evidence of the case is untouched.
      const statuses = await (await apiOn(CUSTODIAN)).invoke('retention.status', { recordingIds: [...casesWorld.loose, ...casesWorld.evidence] });
      for (const s of statuses) assert.equal(s.destroyed !== null, casesWorld.loose.includes(s.recordingId), `${s.recordingId} destroyed?`);
      assert.equal((await (await apiOn(CUSTODIAN)).invoke('ledger.verify', {})).ok, true, 'the ledger still verifies');

      // The recordings list marks them 已销毁 and filters by it (issue #14 item 5); the detail says when and by which batch.
      await page.getByTestId('nav-recordings').click();
      await pickSelectOption(page, 'recordings-filter-destroyed', tx('zh-CN', 'ui:destroyed.flags.destroyed'));
      await page.waitForFunction(
        (n) => {
          const rows = (globalThis as unknown as { document: { querySelectorAll(s: string): { getAttribute(a: string): string | null }[] } }).document.querySelectorAll('[data-testid="recording-row"]');
          return rows.length === n && [...rows].every((r) => (r.getAttribute('data-flags') ?? '').split(' ').includes('destroyed'));
        },
        casesWorld.loose.length,
        { timeout: 10_000 },
      );
      const shownIds = await page.locator('[data-testid="recording-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
      assert.deepEqual(shownIds.sort(), [...casesWorld.loose].sort(), 'exactly the destroyed recordings');
      await page.locator('[data-testid="recording-row"] [data-flag="destroyed"]').first().waitFor();
      await page.locator('[data-testid="recording-row"]').first().click();
      const gone = page.getByTestId('recording-destroyed');
      await gone.waitFor();
      assert.ok((await gone.innerText()).includes(casesWorld.batchId), 'the detail names the destruction batch');
      await page.keyboard.press('Escape');
      await page.getByTestId('nav-retention').click();
      await page.getByTestId('retention-screen').waitFor();
      assertClean(custodian, 'destruction');
    },
  },
  {
    name: 'reports: the monthly supervision report per officer and recorder, as CSV and printed; every new screen reads fully in English',
    async run(ctx) {
      const approver = ctx.pages.approver!;
      const page = approver.page;
      await page.getByTestId('nav-reports').click();
      await page.getByTestId('reports-screen').waitFor();
      await pickMonth(page, '2026-03');
      const total = page.getByTestId('report-total');
      await total.waitFor();
      // The month of the ingest: five recordings (one late), two officers, two recorders.
      const officers = page.locator('[data-testid="report-row-officer"]');
      await officers.first().waitFor();
      assert.deepEqual((await officers.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')))).sort(), ['010203', '040506']);
      const report = await (await apiOn(APPROVER)).invoke('report.monthly', { month: '2026-03' });
      const sum = report.rows.find((r) => r.group === 'total')!;
      assert.equal(sum.recordings, 5);
      assert.equal(sum.late, 1);
      assert.ok((await total.innerText()).includes('80.0%'), 'timeliness 4 of 5');
      await assertNoRawKeys(page, 'reports');
      await screenshot(page, 'zh-CN-reports');

      // CSV: translated headers, one line per row, with the BOM spreadsheet programs need.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-csv').click()]);
      const csv = readFileSync(await download.path(), 'utf8');
      assert.ok(csv.startsWith('\uFEFF'));
      const lines = csv.trim().split(/\r\n/);
      assert.equal(lines.length, 1 + report.rows.length);
      assert.ok(lines[0]!.includes(tx('zh-CN', 'ui:reports.columns.timelinessRate')) && lines[0]!.includes(tx('zh-CN', 'ui:reports.columns.discsBurned')));
      assert.ok(lines[1]!.startsWith(tx('zh-CN', 'ui:reports.groups.total')));
      assert.match(download.suggestedFilename(), new RegExp(`^supervision-report-${AGENCY.code}-2026-03\\.csv$`));

      // The printable report.
      await page.getByTestId('report-print').click();
      const doc = await documentText(page, 'report-preview');
      assert.ok(doc.includes('2026-03') && doc.includes('010203'), 'the printed report is this month\'s');
      assert.ok(doc.includes(`依据《${RULE_TITLE}》`), 'the printed report cites the agency\'s rule by title and articles');
      assert.ok(!/[0-9]{3}_[0-9a-f]{16}\.txt/.test(doc), 'no rule is cited by its file name');
      // Its fifteen columns fit the (landscape) sheet: the table ends inside the paper, nothing cut at the right edge.
      const fit = await page.getByTestId('report-preview').getByTestId('document-view').evaluate((paper) => {
        const table = paper.shadowRoot!.querySelector('table')!;
        return { paper: paper.getBoundingClientRect().right, table: table.getBoundingClientRect().right, scroll: table.scrollWidth, width: table.clientWidth };
      });
      assert.ok(fit.table <= fit.paper + 0.5 && fit.scroll <= fit.width + 1, `report table inside the paper: ${JSON.stringify(fit)}`);
      await screenshot(page, 'zh-CN-report-print');
      await page.getByTestId('report-preview').getByTestId('document-close').click();
      await page.getByTestId('report-preview').waitFor({ state: 'hidden' });
      await checkHelp(page, 'zh-CN', 'reports', { ruleTitle: RULE_TITLE, shot: true });
      // The month of the destruction counts it.
      await pickMonth(page, '2029-09');
      await page.locator('[data-testid="report-row-officer"]').first().waitFor();
      const later = (await (await apiOn(APPROVER)).invoke('report.monthly', { month: '2029-09' })).rows.find((r) => r.group === 'total')!;
      assert.equal(later.destructions, 3);
      assertClean(approver, 'reports');

      // English, screen by screen.
      await switchLanguage(page, 'en');
      await pickMonth(page, '2026-03');
      await page.waitForTimeout(300);
      await assertNoChinese(page, 'reports');
      await screenshot(page, 'en-reports');
      // The printed report in an English window: the paper is the agency's own (Chinese, citing its rule by title and
      // 第N条, never a file name); the window around it is English.
      await page.getByTestId('report-print').click();
      const docEn = await documentText(page, 'report-preview');
      assert.ok(docEn.includes(`依据《${RULE_TITLE}》`), 'the printed report cites the agency\'s rule in an English window too');
      assert.ok(!/[0-9]{3}_[0-9a-f]{16}\.txt/.test(docEn), 'no rule is cited by its file name');
      const chrome = await page.getByTestId('report-preview').innerText();
      assert.ok(!/[\u4e00-\u9fff]/.test(chrome), `no Chinese around the English print preview: ${chrome}`);
      await page.getByTestId('report-preview').getByTestId('document-close').click();
      await page.getByTestId('report-preview').waitFor({ state: 'hidden' });
      // Help texts cite the chosen rule by its English title and article (004_5e30f22f36db076d.txt 第二十条), no other agency.
      await page.getByTestId('nav-requests').click();
      await page.getByTestId('requests-screen').waitFor();
      const requestsIntro = await page.getByTestId('requests-screen').innerText();
      assert.ok(requestsIntro.includes(`${RULE_TITLE_EN}, Art. 20`), `the requests screen cites the agency's rule in English: ${requestsIntro.slice(0, 400)}`);
      assert.ok(!/Shanxi|Panjin|Shanyin|provincial measures/i.test(requestsIntro), 'no other agency cited');
      await assertNoChinese(page, 'requests');
      await page.getByTestId('nav-dashboard').click();
      await page.getByTestId('dashboard-counts').waitFor();
      await page.waitForTimeout(300);
      await assertNoChinese(page, 'dashboard');
      await screenshot(page, 'en-dashboard');
      await checkHelp(page, 'en', 'dashboard', { ruleTitle: 'Zhongyang County Market Regulation', shot: true });
      await page.getByTestId('nav-cases').click();
      await page.locator(`[data-testid="case-row"][data-id="${casesWorld.caseId}"]`).click();
      const drawer = page.getByTestId('case-drawer');
      await drawer.getByTestId('case-view').waitFor();
      await drawer.locator(`[data-testid="evidence-row"][data-id="${casesWorld.evidence[0]}"] .ant-table-row-expand-icon`).click();
      await drawer.locator('[data-testid="retention-why"]').first().waitFor();
      await page.waitForTimeout(300);
      await assertNoChinese(page, 'case view');
      await screenshot(page, 'en-case-view');
      await drawer.getByTestId('case-tab-history').click();
      await drawer.locator('[data-testid="case-history-entry"][data-action="case.closed"]').waitFor();
      await assertNoChinese(page, 'case history');
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });
      await page.waitForTimeout(300);
      await assertNoChinese(page, 'cases');
      // English labels stay inside their columns and header words are whole ("Evidence", not "Eviden / ce").
      await assertTableFits(page.getByTestId('cases-table'), 'English cases list');
      await screenshot(page, 'en-cases');
      await page.getByTestId('nav-retention').click();
      await page.getByTestId('retention-tab-batches').click();
      const row = page.locator(`[data-testid="batch-row-${casesWorld.batchId}"]`);
      await row.waitFor();
      await row.locator('.ant-table-row-expand-icon').click();
      await page.getByTestId(`batch-items-${casesWorld.batchId}`).waitFor();
      await page.waitForTimeout(300);
      await assertNoChinese(page, 'destruction batches');
      await screenshot(page, 'en-retention-batches');
      await page.getByTestId('retention-tab-lookup').click();
      await page.getByTestId('lookup-search').fill(casesWorld.evidence[0]!);
      const lookup = page.locator(`[data-testid="lookup-row"][data-id="${casesWorld.evidence[0]}"]`);
      await lookup.waitFor();
      await lookup.locator('.ant-table-row-expand-icon').click();
      await page.locator(`[data-testid="retention-why"][data-recording="${casesWorld.evidence[0]}"]`).waitFor();
      await page.waitForTimeout(300);
      await assertNoChinese(page, 'retention lookup');
      await screenshot(page, 'en-retention-lookup');
      // The certificate dialog's own words are English; the printed document is bilingual by design.
      await page.getByTestId('retention-tab-batches').click();
      await page.getByTestId(`destroy-certificate-${casesWorld.batchId}`).click();
      await page.getByTestId('certificate-check').waitFor();
      assert.equal(await page.getByTestId('certificate-check').innerText().then((s) => /[\u4e00-\u9fff]/.test(s)), false);
      const certificateEn = await documentText(page, 'certificate-preview');
      assert.ok(certificateEn.includes(`《${RULE_TITLE}》第十九条`), 'the certificate cites the agency\'s rule in an English window too');
      await screenshot(page, 'en-destroy-certificate');
      await page.getByTestId('certificate-preview').getByTestId('document-close').click();

      // The custodian's side in English: the due list (now empty) and a hold.
      const custodian = ctx.pages.custodian!;
      await switchLanguage(custodian.page, 'en');
      await custodian.page.getByTestId('retention-tab-holds').click();
      await custodian.page.getByTestId('holds-place').click();
      const hold = await openDialog(custodian.page, 'hold-target');
      await hold.locator('label.ant-radio-button-wrapper', { hasText: tx('en', 'ui:holds.scopes.case') }).click();
      await custodian.page.getByTestId('hold-target').fill(casesWorld.caseId);
      await custodian.page.getByTestId('hold-reason').fill('Administrative review applied for');
      await custodian.page.waitForTimeout(300);
      await assertNoChinese(custodian.page, 'hold dialog');
      await screenshot(custodian.page, 'en-retention-hold');
      await custodian.page.getByTestId('hold-dialog-submit').click();
      await hold.waitFor({ state: 'hidden' });
      await custodian.page.locator('[data-testid^="hold-row-HOLD-"]').first().waitFor();
      // 长期保存: the custodian asks to keep a piece of evidence permanently; an approver approves the
      // request (in the Requests queue; here through the api); the custodian applies it.
      const cp = custodian.page;
      await cp.getByTestId('retention-tab-lookup').click();
      await cp.getByTestId('lookup-search').fill(casesWorld.evidence[1]!);
      await cp.locator(`[data-testid="lookup-row"][data-id="${casesWorld.evidence[1]}"]`).waitFor();
      await checkRow(cp, 'lookup-row', casesWorld.evidence[1]!);
      await cp.getByTestId('lookup-extend').click();
      const ext = await openDialog(cp, 'extension-purpose');
      await ext.getByText(tx('en', 'ui:extensions.permanent'), { exact: true }).click();
      await cp.getByTestId('extension-purpose').fill('Disputed: the party has gone to court');
      await screenshot(cp, 'en-extension-request');
      await cp.getByTestId('extension-dialog-submit').click();
      await ext.waitFor({ state: 'hidden' });
      const extension = (await (await apiOn(CUSTODIAN)).invoke('request.list', { state: 'requested' })).find((r) => r.kind === 'extend');
      assert.ok(extension, 'the extension request waits for an approver');
      await (await apiOn(APPROVER)).invoke('request.approve', { id: extension.id, password: APPROVER.password });
      await cp.getByTestId('retention-tab-extensions').click();
      await cp.getByTestId(`extension-apply-${extension.id}`).click();
      await cp.locator(`[data-testid="extension-row-${extension.id}"][data-state="fulfilled"]`).waitFor();
      await assertNoChinese(cp, 'extensions');
      await screenshot(cp, 'en-retention-extensions');
      const [kept] = await (await apiOn(CUSTODIAN)).invoke('retention.status', { recordingIds: [casesWorld.evidence[1]!] });
      assert.ok(kept!.candidates.some((c) => c.basis.kind === 'extension' && c.permanent), 'the applied extension counts for the recording');

      await custodian.page.getByTestId('retention-tab-due').click();
      await custodian.page.getByTestId('due-count').filter({ hasText: tx('en', 'ui:due.count', { n: 0 }) }).waitFor();
      await assertNoChinese(custodian.page, 'retention due');
      await screenshot(custodian.page, 'en-retention-due');
      assertClean(custodian, 'English custodian');
      assertClean(approver, 'English approver');
      await closePages(ctx);
    },
  },
];
