// Station settings in the browser: an admin changes the hand-over deadline (000 第十一条 24 h →
// 001 第十七条 2 working days) and a retention category, views a year of the working-day calendar,
// has an invalid year file refused with nothing changed, removes a year with a reason and puts it
// back from its file; the screen reads fully in English, an auditor reads it without the controls
// to change it, and a custodian is not offered it. A station of its own, set up through the api, so
// these scenarios depend on no other story.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openStationApi, type ApiClient, type ApiServer } from '../../electron/api/server.ts';
import { openAgencyWindow, repoRoot, screenshot, type StationPage } from './harness.ts';
import { assertNoHorizontalOverflow, assertToastsClearOfTitle } from './layout.ts';
import { checkHelp } from './help.ts';
import { tx, type Lang } from './locale.ts';
import { login } from './dockScenarios.ts';
import { openDialog } from './casesScenarios.ts';
import { USER_DATA, assertClean, assertNoChinese, assertNoRawKeys, buttonName, pickSelectOption, switchLanguage, type Ctx, type Scenario, addReadyUser } from './steps.ts';

const AGENCY = { code: 'SY-MZ-0001', name: '示例县民族宗教事务局' };
const RULE_001_EN = 'Shanyin County Ethnic and Religious Affairs Bureau: Detailed Rules for Full-Process Recording of Administrative Law Enforcement';
const PASSPHRASE = 'Settings-Room-North-2026!';
const ADMIN = { username: 'admin', displayName: '高峰', password: 'admin-password-3' };
const AUDITOR = { username: 'auditor3', displayName: '钱芳', password: 'auditor-password-3' };
const CUSTODIAN = { username: 'custodian3', displayName: '冯军', password: 'custodian-password-3' };
const CATEGORY = { code: 'disputed', nameZh: '争议事项', nameEn: 'Disputed matters', citation: '盘锦市自然资源局 第十七条：有争议的长期保存' };
const BAD_FILE_REASON = '国务院办公厅已发布2026年通知';
const REMOVE_REASON = '2024年安排录入有误，按通知重新添加';
const PUT_REASON = '按国务院办公厅通知重新录入2024年';

const calendarFile = (year: number) => join(repoRoot, 'resources', 'calendars', `cn-${year}.json`);

/** The calendar texts a year's detail shows as transcribed (notice, notes): data, in Chinese in any language. */
function calendarData(year: number): string[] {
  const y = JSON.parse(readFileSync(calendarFile(year), 'utf8')) as { sources: { title: string; documentNumber: string; issued: string }[]; notes?: string[] };
  return [...y.sources.flatMap((s) => [s.title, s.documentNumber]), ...(y.notes ?? [])];
}

USER_DATA.unshift(
  ...[AGENCY.name, ADMIN.displayName, AUDITOR.displayName, CUSTODIAN.displayName, CATEGORY.nameZh, CATEGORY.citation, BAD_FILE_REASON, REMOVE_REASON, PUT_REASON, ...calendarData(2024), ...calendarData(2026)].sort(
    (a, b) => b.length - a.length,
  ),
);

const world: { server: ApiServer | null; admin: StationPage | null } = { server: null, admin: null };

function server(): ApiServer {
  assert.ok(world.server, 'the settings station was opened by the first settings scenario');
  return world.server;
}

function adminPage(): Page {
  assert.ok(world.admin, 'the admin window was opened by the first settings scenario');
  return world.admin.page;
}

async function apiOn(user: { username: string; password: string }): Promise<ApiClient> {
  const client = server().connect();
  await client.invoke('auth.login', { username: user.username, password: user.password });
  return client;
}

function openPage(ctx: Ctx, language?: Lang): Promise<StationPage> {
  return openAgencyWindow(ctx.browser, server(), ctx.url, language);
}

async function openTab(page: Page, tab: 'ingest' | 'categories' | 'calendar'): Promise<void> {
  await page.getByTestId(`settings-tab-${tab}`).click();
  await page.getByTestId(`settings-${tab}`).waitFor();
}

/** Entries of `action` by `actor`, newest first, read through the api like the ledger screen does. */
async function ledgerOf(client: ApiClient, action: string, actor: string) {
  return (await client.invoke('ledger.list', { action, actor, limit: 100 })).entries;
}

export const settingsScenarios: Scenario[] = [
  {
    // Issue 14 item 1 in English: the rule is picked in the first-run setup of a station of its own.
    name: "settings: in English, first-run setup picks the agency's rule and the station keeps it",
    async run(ctx) {
      const dir = join(ctx.scratch, 'setup-en-station');
      mkdirSync(dir, { recursive: true });
      const fresh = openStationApi({ dataDir: dir });
      try {
        const sp = await openAgencyWindow(ctx.browser, fresh, ctx.url, 'en');
        const { page } = sp;
        await page.getByTestId('setup-screen').waitFor();
        await page.getByTestId('setup-agency-code').fill(AGENCY.code);
        await page.getByTestId('setup-agency-name').fill(AGENCY.name);
        await pickSelectOption(page, 'setup-rule-select', RULE_001_EN);
        // Its articles in English before it is chosen: rule 001 sets the 2-working-day hand-over in 第十七条.
        await page.getByTestId('setup-rule-articles').getByText(tx('en', 'ui:agencyRule.articleEn', { n: 17 })).first().waitFor();
        // The issuing body is named as it names itself (the catalogue has no English issuer): data, not a label.
        USER_DATA.push('山阴县民族宗教事务局');
        await assertNoChinese(page, 'setup with the rule picked');
        await screenshot(page, 'en-setup-rule');
        await page.getByTestId('setup-next').click();
        await page.getByTestId('setup-passphrase').fill(PASSPHRASE);
        await page.getByTestId('setup-passphrase-confirm').fill(PASSPHRASE);
        await page.getByTestId('setup-next').click();
        await page.getByTestId('setup-admin-username').fill(ADMIN.username);
        await page.getByTestId('setup-admin-display-name').fill(ADMIN.displayName);
        await page.getByTestId('setup-admin-password').fill(ADMIN.password);
        await page.getByTestId('setup-admin-password-confirm').fill(ADMIN.password);
        await page.getByTestId('setup-next').click();
        await page.getByTestId('setup-done').waitFor({ timeout: 30_000 });
        assert.deepEqual(fresh.station.settings.get('rules.agencyRule'), { kind: 'shipped', id: '001' }, 'the rule picked in the English setup is the station\'s');
        const client = fresh.connect();
        await client.invoke('auth.login', { username: ADMIN.username, password: ADMIN.password });
        const current = await client.invoke('rules.current', {});
        assert.equal(current.articles.handover, '第十七条', 'the chosen rule answers for the hand-over deadline');
        assertClean(sp, 'English setup');
        await sp.close();
      } finally {
        fresh.close();
      }
    },
  },
  {
    name: 'settings: an admin changes the hand-over deadline to 2 working days and the time zone; each is saved and ledgered',
    async run(ctx) {
      const dir = join(ctx.scratch, 'settings-station');
      mkdirSync(dir, { recursive: true });
      world.server = openStationApi({ dataDir: dir });
      await server().connect().invoke('station.init', { agencyCode: AGENCY.code, agencyName: AGENCY.name, passphrase: PASSPHRASE, admin: ADMIN });
      const adminApi = await apiOn(ADMIN);
      await addReadyUser(server(), adminApi, AUDITOR, ['auditor']);
      await addReadyUser(server(), adminApi, CUSTODIAN, ['custodian']);

      world.admin = await openPage(ctx);
      const page = world.admin.page;
      await login(page, ADMIN);
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('settings-screen').waitFor();
      await page.getByTestId('settings-ingest-form').waitFor();
      assert.equal(await page.getByTestId('settings-current-deadline').getAttribute('data-value'), JSON.stringify({ hours: 24 }));
      assert.equal((await page.getByTestId('settings-time-zone').innerText()).trim(), 'Asia/Shanghai');
      await assertNoRawKeys(page, 'settings');

      // The form checks the interruption gap's order before the station is asked.
      await page.getByTestId('settings-gap-min').fill('900');
      await page.getByTestId('settings-ingest-save').click();
      await page.getByText(tx('zh-CN', 'ui:settings.ingest.gapOrder')).waitFor();
      await page.getByTestId('settings-gap-min').fill('2');

      // Turning on clearing shows the warning as a warning; it is left off here.
      await page.getByTestId('settings-clear-recorder').click();
      await page.locator('[data-testid="settings-clear-warning"].ant-alert-warning').waitFor();
      assert.ok((await page.getByTestId('settings-clear-warning').innerText()).includes(tx('zh-CN', 'ui:settings.ingest.clearRecorderWarningTitle')));
      await page.getByTestId('settings-clear-recorder').click();

      const before = server().station.ledger.size;
      await page.locator('input[type="radio"][value="working_days_2"]').check();
      await page.getByText(tx('zh-CN', 'ui:settings.ingest.workingDaysNote')).waitFor();
      await screenshot(page, 'zh-CN-settings-ingest');
      await page.getByTestId('settings-ingest-save').click();
      await page.locator(`[data-testid="settings-current-deadline"][data-value='${JSON.stringify({ workingDays: 2 })}']`).waitFor();
      assert.equal((await page.getByTestId('settings-current-deadline').innerText()).trim(), tx('zh-CN', 'ui:cases.rule.workingDays', { n: 2 }));

      assert.deepEqual(server().station.settings.get('handover.deadline'), { workingDays: 2 });
      const changed = await ledgerOf(adminApi, 'setting.changed', ADMIN.username);
      assert.equal(changed.length, 1, 'only the changed setting is written (unchanged fields are not sent)');
      assert.equal(changed[0]!.subject, 'setting:handover.deadline');
      assert.deepEqual(changed[0]!.details, { from: null, to: { workingDays: 2 } });
      assert.equal(server().station.ledger.size, before + 1);

      // Saving again without a change writes nothing.
      await page.getByTestId('settings-ingest-save').click();
      await page.getByText(tx('zh-CN', 'ui:settings.nothingChanged')).waitFor();
      assert.equal(server().station.ledger.size, before + 1);

      // The agency's time zone, picked by searching the zone list; from then on names are read in it.
      await page.getByTestId('settings-time-zone-select').click();
      await page.keyboard.type('Urumqi');
      await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: 'Asia/Urumqi' }).first().click();
      await page.getByTestId('settings-ingest-save').click();
      await page.getByTestId('settings-time-zone').filter({ hasText: 'Asia/Urumqi' }).waitFor();
      assert.equal(server().station.settings.get('agency.timeZone'), 'Asia/Urumqi');
      const zone = (await ledgerOf(adminApi, 'setting.changed', ADMIN.username)).find((e) => e.subject === 'setting:agency.timeZone');
      assert.deepEqual(zone?.details, { from: 'Asia/Shanghai', to: 'Asia/Urumqi' });
      assert.equal(server().station.ledger.size, before + 2);
      assertClean(world.admin, 'settings ingest');
    },
  },
  {
    name: 'settings: an admin adds a retention category and edits its period',
    async run() {
      const page = adminPage();
      await openTab(page, 'categories');
      await page.getByTestId('category-add').click();
      const d = await openDialog(page, 'category-code');
      // The station's code rule, said by the form first.
      await page.getByTestId('category-code').fill('Disputed!');
      await page.getByTestId('category-dialog-submit').click();
      await d.getByText(tx('zh-CN', 'ui:settings.categories.codeInvalid')).waitFor();
      await page.getByTestId('category-code').fill(CATEGORY.code);
      await page.getByTestId('category-name-zh').fill(CATEGORY.nameZh);
      await page.getByTestId('category-name-en').fill(CATEGORY.nameEn);
      await page.getByTestId('category-years').fill('5');
      await page.getByTestId('category-citation').fill(CATEGORY.citation);
      await page.getByTestId('category-dialog-submit').click();
      await d.waitFor({ state: 'hidden' });
      const row = page.getByTestId(`category-row-${CATEGORY.code}`);
      await row.waitFor();
      assert.equal(await row.getByTestId('category-period').getAttribute('data-value'), JSON.stringify({ years: 5 }));
      assert.ok((await row.innerText()).includes(CATEGORY.nameZh));

      await page.getByTestId(`category-edit-${CATEGORY.code}`).click();
      const e = await openDialog(page, 'category-code');
      assert.equal(await page.getByTestId('category-code').isDisabled(), true, 'a category code cannot change');
      await page.getByTestId('category-years').fill('10');
      await screenshot(page, 'zh-CN-settings-category-edit');
      await page.getByTestId('category-dialog-submit').click();
      await e.waitFor({ state: 'hidden' });
      await page.locator(`[data-testid="category-row-${CATEGORY.code}"] [data-testid="category-period"][data-value='${JSON.stringify({ years: 10 })}']`).waitFor();

      const adminApi = await apiOn(ADMIN);
      const [cat] = await adminApi.invoke('retention.categories', {});
      assert.deepEqual({ code: cat!.code, period: cat!.period, citation: cat!.citation }, { code: CATEGORY.code, period: { years: 10 }, citation: CATEGORY.citation });
      const set = await ledgerOf(adminApi, 'retention.category_set', ADMIN.username);
      assert.equal(set.length, 2);
      assert.deepEqual((set[0]!.details as { before: { period: unknown } }).before.period, { years: 5 }, 'the edit is ledgered with the period before');
      await screenshot(page, 'zh-CN-settings-categories');
      assertClean(world.admin!, 'settings categories');
    },
  },
  {
    name: 'settings: the calendar shows 2026 with its notice; invalid year files are refused and change nothing; 2024 is removed with a reason and put back',
    async run(ctx) {
      const page = adminPage();
      await openTab(page, 'calendar');
      await page.getByTestId('calendar-year-2026').click();
      const detail = page.locator('[data-testid="calendar-year-detail"][data-year="2026"]');
      await detail.waitFor();
      assert.equal(await detail.getByTestId('calendar-origin').getAttribute('data-origin'), 'shipped');
      const notice = await detail.getByTestId('calendar-notice').innerText();
      assert.ok(notice.includes('国务院办公厅关于2026年部分节假日安排的通知') && notice.includes('国办发明电〔2025〕7号'), `the notice is cited: ${notice}`);
      const periods = await detail.getByTestId('calendar-periods').innerText();
      assert.ok(periods.includes('2026-02-15 – 2026-02-23') && periods.includes('2026-02-14, 2026-02-28'), `Spring Festival as a range with its make-up days: ${periods}`);
      await assertNoRawKeys(page, 'settings calendar');
      // The card's buttons show their whole label: nothing cut, nothing that looks cut ("删除2026年…").
      for (const id of ['calendar-upload-button', 'calendar-remove']) {
        const b = page.getByTestId(id);
        assert.ok(!(await b.innerText()).trim().endsWith('…'), `${id} reads as a whole label`);
        await assertNoHorizontalOverflow(b, id);
      }
      await screenshot(page, 'zh-CN-settings-calendar');

      const edits = () => server().station.db.prepare('SELECT COUNT(*) AS n FROM calendar_edits').get() as { n: number };
      const ledgerSize = server().station.ledger.size;
      const upload = (path: string) => page.getByTestId('calendar-upload').locator('input[type="file"]').setInputFiles(path);

      // Not JSON: refused in the window, with the station's own message for it.
      const notJson = join(ctx.scratch, 'cn-2026-notes.json');
      writeFileSync(notJson, '{ "year": 2026, ');
      await upload(notJson);
      const fileAlert = page.getByTestId('settings-calendar').locator('[data-testid="error-alert"][data-error-code="calendar.data_not_json"]');
      await fileAlert.waitFor();
      assert.ok((await fileAlert.innerText()).includes(tx('zh-CN', 'errors:calendar.data_not_json', { file: 'cn-2026-notes.json' })));

      // Far too large to be a year's arrangement: refused before it is read.
      const huge = join(ctx.scratch, 'cn-2026-huge.json');
      writeFileSync(huge, `{"year": 2026, "pad": "${'x'.repeat(300 * 1024)}"}`);
      await upload(huge);
      const sizeAlert = page.getByTestId('settings-calendar').locator('[data-testid="error-alert"][data-error-code="calendar.data_too_large"]');
      await sizeAlert.waitFor();
      assert.ok((await sizeAlert.innerText()).includes(tx('zh-CN', 'errors:calendar.data_too_large', { file: 'cn-2026-huge.json', maxKiB: 256 })));

      // A make-up working day on a Monday: the preview shows it, the station refuses the year whole.
      const year = JSON.parse(readFileSync(calendarFile(2026), 'utf8')) as { periods: { workdays: string[] }[] };
      year.periods[0]!.workdays = ['2026-01-05'];
      const bad = join(ctx.scratch, 'cn-2026-bad.json');
      writeFileSync(bad, JSON.stringify(year, null, 2));
      await upload(bad);
      const put = await openDialog(page, 'calendar-put-reason');
      await put.locator('[data-testid="calendar-preview"][data-year="2026"]').waitFor();
      assert.ok((await put.innerText()).includes(tx('zh-CN', 'ui:settings.calendar.previewReplaces', { year: 2026, origin: tx('zh-CN', 'ui:settings.calendar.origins.shipped') })));
      await page.getByTestId('calendar-put-reason').fill(BAD_FILE_REASON);
      await page.getByTestId('calendar-put-dialog-submit').click();
      const refused = put.getByTestId('error-alert');
      await refused.waitFor();
      assert.equal(await refused.getAttribute('data-error-code'), 'calendar.data_workday_not_weekend');
      assert.ok((await refused.innerText()).includes(tx('zh-CN', 'errors:calendar.data_workday_not_weekend', { year: 2026, date: '2026-01-05' })));
      await screenshot(page, 'zh-CN-settings-calendar-refused');
      await put.getByRole('button', { name: buttonName('zh-CN', 'ui:common.cancel') }).click();
      await put.waitFor({ state: 'hidden' });
      assert.equal(edits().n, 0, 'a refused file changes nothing');
      assert.equal(server().station.ledger.size, ledgerSize, 'and writes nothing to the ledger');
      assert.equal(await detail.getByTestId('calendar-origin').getAttribute('data-origin'), 'shipped');
      assert.equal(await page.getByTestId('calendar-history').locator('tr[data-kind]').count(), 0);

      // Remove 2024, behind its own dialog with the reason and the warning.
      await page.getByTestId('calendar-year-2024').click();
      await page.locator('[data-testid="calendar-year-detail"][data-year="2024"]').waitFor();
      await page.getByTestId('calendar-remove').click();
      const remove = await openDialog(page, 'calendar-remove-reason');
      assert.ok((await remove.innerText()).includes(tx('zh-CN', 'ui:settings.calendar.removeWarning', { year: 2024 })));
      await page.getByTestId('calendar-remove-dialog-submit').click();
      await remove.getByText(tx('zh-CN', 'ui:forms.reasonRequired')).waitFor();
      await page.getByTestId('calendar-remove-reason').fill(REMOVE_REASON);
      await page.getByTestId('calendar-remove-dialog-submit').click();
      await remove.waitFor({ state: 'hidden' });
      const removed = page.locator('[data-testid="calendar-history"] tr[data-kind="remove_year"][data-year="2024"]');
      await removed.waitFor();
      assert.ok((await removed.innerText()).includes(REMOVE_REASON));
      assert.equal(await page.getByTestId('calendar-year-2024').count(), 0, '2024 is no longer covered');

      // Put it back from the shipped file: now an administrator's edit.
      await upload(calendarFile(2024));
      const back = await openDialog(page, 'calendar-put-reason');
      assert.ok((await back.innerText()).includes(tx('zh-CN', 'ui:settings.calendar.previewAdds', { year: 2024 })));
      await page.getByTestId('calendar-put-reason').fill(PUT_REASON);
      await page.getByTestId('calendar-put-dialog-submit').click();
      await back.waitFor({ state: 'hidden' });
      await page.locator('[data-testid="calendar-year-2024"][data-origin="edited"]').waitFor();
      await page.locator('[data-testid="calendar-year-detail"][data-year="2024"] [data-testid="calendar-origin"][data-origin="edited"]').waitFor();
      await page.locator('[data-testid="calendar-history"] tr[data-kind="put_year"][data-year="2024"]').waitFor();
      assert.equal(edits().n, 2);
      const adminApi = await apiOn(ADMIN);
      const ledgered = await ledgerOf(adminApi, 'calendar.edited', ADMIN.username);
      assert.deepEqual(
        ledgered.map((e) => (e.details as { kind: string; reason: string }).kind + ':' + (e.details as { reason: string }).reason),
        [`put_year:${PUT_REASON}`, `remove_year:${REMOVE_REASON}`],
      );
      // Removed, then saved again: the second toast replaces the first instead of stacking over the title.
      await assertToastsClearOfTitle(page);
      await screenshot(page, 'zh-CN-settings-calendar-history');
      assertClean(world.admin!, 'settings calendar');
    },
  },
  {
    name: 'settings: the screen reads fully in English; an auditor reads it without controls; a custodian has no Settings menu',
    async run(ctx) {
      const sp = world.admin!;
      const { page } = sp;
      // The Chinese confirmations of the last scenario fade out first; they are not labels to switch.
      await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('.ant-message-notice').length === 0, undefined, { timeout: 10_000 });
      await switchLanguage(page, 'en');
      await openTab(page, 'ingest');
      await page.getByTestId('settings-ingest-form').waitFor();
      assert.equal((await page.getByTestId('settings-current-deadline').innerText()).trim(), tx('en', 'ui:cases.rule.workingDays', { n: 2 }));
      await assertNoChinese(page, 'settings ingest');
      await screenshot(page, 'en-settings-ingest');
      await openTab(page, 'categories');
      await page.getByTestId(`category-row-${CATEGORY.code}`).filter({ hasText: CATEGORY.nameEn }).waitFor();
      await assertNoChinese(page, 'settings categories');
      await page.getByTestId(`category-edit-${CATEGORY.code}`).click();
      const d = await openDialog(page, 'category-code');
      await assertNoChinese(page, 'category dialog');
      await d.getByRole('button', { name: buttonName('en', 'ui:common.cancel') }).click();
      await d.waitFor({ state: 'hidden' });
      await openTab(page, 'calendar');
      await page.getByTestId('calendar-year-2026').click();
      await page.locator('[data-testid="calendar-year-detail"][data-year="2026"]').waitFor();
      assert.ok((await page.getByTestId('calendar-periods').innerText()).includes('Spring Festival'));
      await page.locator('[data-testid="calendar-history"] tr[data-kind]').first().waitFor();
      await assertNoChinese(page, 'settings calendar');
      await screenshot(page, 'en-settings-calendar');
      await page.getByTestId('calendar-remove').click();
      const remove = await openDialog(page, 'calendar-remove-reason');
      await assertNoChinese(page, 'calendar remove dialog');
      await remove.getByRole('button', { name: buttonName('en', 'ui:common.cancel') }).click();
      await remove.waitFor({ state: 'hidden' });
      assertClean(sp, 'English settings');
      await sp.close();
      world.admin = null;

      // The agency's rule chosen (here through the api), a new window's help panels cite it by title and article.
      const adminApi = await apiOn(ADMIN);
      await adminApi.invoke('rules.set', { rule: { kind: 'shipped', id: '001' } });
      const rule = await adminApi.invoke('rules.current', {});
      assert.ok(rule.chosen && rule.articles.handover, 'the chosen rule sets the hand-over deadline');

      // An auditor reads every section; nothing offers a change.
      const auditor = await openPage(ctx);
      await login(auditor.page, AUDITOR);
      await auditor.page.getByTestId('nav-settings').click();
      await auditor.page.getByTestId('settings-read-only').waitFor();
      await auditor.page.getByTestId('settings-current-deadline').waitFor();
      assert.equal(await auditor.page.getByTestId('settings-ingest-form').count(), 0);
      await openTab(auditor.page, 'categories');
      await auditor.page.getByTestId(`category-row-${CATEGORY.code}`).waitFor();
      assert.equal(await auditor.page.getByTestId('category-add').count(), 0);
      assert.equal(await auditor.page.getByTestId(`category-edit-${CATEGORY.code}`).count(), 0);
      await openTab(auditor.page, 'calendar');
      await auditor.page.getByTestId('calendar-year-detail').waitFor();
      assert.equal(await auditor.page.getByTestId('calendar-upload').count(), 0);
      assert.equal(await auditor.page.getByTestId('calendar-remove').count(), 0);
      await screenshot(auditor.page, 'zh-CN-settings-auditor');
      await checkHelp(auditor.page, 'zh-CN', 'settings', { ruleTitle: rule.title, shot: true });
      const cited = auditor.page.getByTestId('help-open');
      await cited.click();
      await auditor.page.locator('[data-testid="help-purpose-handover"][data-cited="true"]').waitFor();
      assert.ok((await auditor.page.getByTestId('help-purpose-handover').innerText()).includes(rule.articles.handover!), 'the hand-over line cites the rule\'s own article');
      await auditor.page.keyboard.press('Escape');
      await auditor.page.getByTestId('help-drawer').waitFor({ state: 'hidden' });
      assertClean(auditor, 'auditor settings');
      await auditor.close();

      // A custodian is not offered the screen at all.
      const custodian = await openPage(ctx);
      await login(custodian.page, CUSTODIAN);
      await custodian.page.getByTestId('nav-ledger').waitFor();
      assert.equal(await custodian.page.getByTestId('nav-settings').count(), 0);
      assertClean(custodian, 'custodian shell');
      await custodian.close();
      server().close();
      world.server = null;
    },
  },
];
