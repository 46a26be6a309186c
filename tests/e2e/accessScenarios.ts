// Access requests in the browser (issue "Access requests", Must show: "clerk requests → approver
// (second user) approves → clerk plays a real clip (the video element's time advances) → the
// register shows the row with all five fields"). Each person has their own browser context and
// so their own session, like two stations' windows. Then a copy export fills 复制人, an auditor
// spot-checks, and every new screen is checked in English.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { openStationPage, screenshot } from './harness.ts';
import { tx, type Lang } from './locale.ts';
import { apiAs, login } from './dockScenarios.ts';
import { documentText } from './casesScenarios.ts';
import {
  APPROVER,
  AUDITOR,
  CLERK,
  USER_DATA,
  assertClean,
  assertNoChinese,
  assertNoRawKeys,
  buttonName,
  dialog,
  switchLanguage,
  type Ctx,
  type Scenario,
} from './steps.ts';

const PURPOSE_VIEW = '办理（2025）第17号案件需核对现场执法经过';
const PURPOSE_COPY = '作为证据复制附卷，移送法制审核';
USER_DATA.push(PURPOSE_VIEW, PURPOSE_COPY);

type Video = { currentTime: number; paused: boolean; readyState: number; error: unknown };

function videoOf(page: Page) {
  return page.getByTestId('player-video');
}

async function videoState(page: Page): Promise<Video> {
  return videoOf(page).evaluate((el) => {
    const v = el as unknown as Video;
    return { currentTime: v.currentTime, paused: v.paused, readyState: v.readyState, error: v.error ? String((v.error as { code: number }).code) : null };
  });
}

/** Until the player's clock has passed `seconds` — the clip really plays, through the range stream. */
async function playsPast(page: Page, seconds: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const s = await videoState(page);
    assert.equal(s.error, null, 'the media element reports no error');
    if (s.currentTime > seconds) return s.currentTime;
    if (Date.now() > deadline) assert.fail(`the video did not play past ${seconds}s: ${JSON.stringify(s)}`);
    await page.waitForTimeout(100);
  }
}

/** Selects recordings on the Recordings screen by file name and asks for them. */
async function request(page: Page, lang: Lang, clipName: string, id: string, kind: 'view' | 'copy', purpose: string, shot?: string, check?: () => Promise<void>): Promise<string> {
  await page.getByTestId('nav-recordings').click();
  await page.getByTestId('recordings-filter-text').fill(clipName);
  await page.locator(`[data-testid="recording-row"][data-id="${id}"]`).waitFor();
  await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('[data-testid="recording-row"]').length === 1);
  await page.getByTestId(`select-${id}`).check();
  await page.getByTestId(`request-${kind}`).click();
  const form = dialog(page, 'request-purpose');
  await form.waitFor();
  assert.equal(await form.locator(`input[type="radio"][value="${kind}"]`).isChecked(), true);
  await page.getByTestId('request-purpose').fill(purpose);
  await check?.();
  if (shot) await screenshot(page, shot);
  await form.getByRole('button', { name: buttonName(lang, 'ui:requestForm.submit') }).click();
  await form.waitFor({ state: 'hidden' });
  await page.getByTestId('requests-screen').waitFor();
  const row = page.locator('[data-testid^="request-row-RQ-"][data-state="requested"]').first();
  await row.waitFor();
  return (await row.getAttribute('data-testid'))!.slice('request-row-'.length);
}

async function approve(page: Page, requestId: string, password: string, shot?: string): Promise<void> {
  await page.getByTestId('nav-requests').click();
  await page.getByTestId('requests-refresh').click();
  await page.getByTestId(`approve-${requestId}`).click();
  const d = dialog(page, 'decision-password');
  await d.waitFor();
  await page.getByTestId('decision-password').fill(password);
  if (shot) await screenshot(page, shot);
  await d.getByTestId('decision-submit').click();
  await d.waitFor({ state: 'hidden' });
  await page.getByTestId(`request-row-${requestId}`).waitFor({ state: 'hidden' });
}

async function cells(row: Locator): Promise<string[]> {
  return (await row.locator('td').allInnerTexts()).map((s) => s.trim());
}

function clipOrSkip(ctx: Ctx): { id: string; name: string } | null {
  if (!ctx.clip) console.log('      (skipped: no ffmpeg on this machine, so there is no playable clip; install the Debian package ffmpeg)');
  return ctx.clip;
}

let viewRequest = '';
let copyRequest = '';

export const accessScenarios: Scenario[] = [
  {
    name: 'access: a clerk requests a view, a second user approves with their password, the clerk plays the real clip',
    async run(ctx) {
      const clip = clipOrSkip(ctx);
      if (!clip) return;
      const clerk = await openStationPage(ctx.browser, ctx.server, ctx.url);
      ctx.pages.clerk = clerk;
      await login(clerk.page, CLERK);
      // Without an approval the clerk cannot play anything (and the attempt is ledgered).
      const refused = await (await apiAs(ctx, CLERK)).call('playback.open', { recordingId: clip.id });
      assert.deepEqual(refused.ok ? null : refused.error.code, 'playback.approval_required');

      viewRequest = await request(clerk.page, 'zh-CN', clip.name, clip.id, 'view', PURPOSE_VIEW, 'zh-CN-request-form');
      await clerk.page.getByTestId(`withdraw-${viewRequest}`).waitFor();
      // The clerk cannot decide: the Requests screen offers no approval, the station refuses one.
      assert.equal(await clerk.page.getByTestId(`approve-${viewRequest}`).count(), 0);
      await assertNoRawKeys(clerk.page, 'requests');
      await screenshot(clerk.page, 'zh-CN-requests');

      // The approver, in a second browser context with their own session.
      const approver = await openStationPage(ctx.browser, ctx.server, ctx.url);
      ctx.pages.approver = approver;
      const { page } = approver;
      await login(page, APPROVER);
      await page.getByTestId('nav-requests').click();
      const row = page.getByTestId(`request-row-${viewRequest}`);
      await row.waitFor();
      const text = await row.innerText();
      assert.ok(text.includes(PURPOSE_VIEW) && text.includes(CLERK.username), `the queue shows purpose and requester: ${text}`);
      // Its items, with the recording.
      await row.locator('.ant-table-row-expand-icon').click();
      await page.getByTestId(`request-item-${clip.id}`).waitFor();
      await screenshot(page, 'zh-CN-requests-queue');

      // A wrong password is refused, in the dialog, translated; the right one decides.
      await page.getByTestId(`approve-${viewRequest}`).click();
      const d = dialog(page, 'decision-password');
      await page.getByTestId('decision-password').fill('not-my-password');
      await d.getByTestId('decision-submit').click();
      const alert = d.getByTestId('error-alert');
      await alert.waitFor();
      assert.equal(await alert.getAttribute('data-error-code'), 'auth.bad_credentials');
      assert.ok((await alert.innerText()).includes(tx('zh-CN', 'errors:auth.bad_credentials')));
      await screenshot(page, 'zh-CN-decision');
      await d.getByRole('button', { name: buttonName('zh-CN', 'ui:common.cancel') }).click();
      await d.waitFor({ state: 'hidden' });
      await approve(page, viewRequest, APPROVER.password);

      // The clerk plays it: the video's clock advances, a seek lands (Range), the watermark names the viewer.
      await clerk.page.getByTestId('requests-refresh').click();
      await clerk.page.locator(`[data-testid="request-row-${viewRequest}"][data-state="approved"]`).waitFor();
      // The printed 调阅/复制审批表 (issue 14 item 7): requester, purpose, decision and approver by name, no rule file name.
      // The row may already be open from the request just made; open it only if it is not.
      const formButton = clerk.page.getByTestId(`request-form-${viewRequest}`);
      const opened = !(await formButton.isVisible());
      if (opened) await clerk.page.getByTestId(`request-row-${viewRequest}`).locator('.ant-table-row-expand-icon').click();
      await formButton.click();
      const form = await documentText(clerk.page, 'request-form-preview');
      for (const s of [PURPOSE_VIEW, CLERK.displayName, APPROVER.displayName]) assert.ok(form.includes(s), `the approval form shows ${s}`);
      assert.ok(!/[0-9]{3}_[0-9a-f]{16}\.txt/.test(form), 'no rule is cited by its file name');
      await screenshot(clerk.page, 'zh-CN-request-approval-form');
      await clerk.page.getByTestId('request-form-preview').getByTestId('document-close').click();
      await clerk.page.getByTestId('request-form-preview').waitFor({ state: 'hidden' });
      if (opened) await clerk.page.getByTestId(`request-row-${viewRequest}`).locator('.ant-table-row-expand-icon').click();
      await clerk.page.getByTestId(`play-request-${viewRequest}`).click();
      await videoOf(clerk.page).waitFor();
      const t1 = await playsPast(clerk.page, 1.2);
      const mark = await clerk.page.getByTestId('player-watermark').getAttribute('data-text');
      assert.ok(mark?.includes(CLERK.displayName) && mark.includes(CLERK.username) && mark.includes(clip.id), `watermark: ${mark}`);
      await screenshot(clerk.page, 'zh-CN-player');
      await videoOf(clerk.page).evaluate((el) => {
        (el as unknown as { currentTime: number }).currentTime = 5;
      });
      const t2 = await playsPast(clerk.page, 5.2);
      assert.ok(t2 > t1, `seeked forward: ${t1} → ${t2}`);
      await clerk.page.getByTestId('player-close').click();
      await clerk.page.getByTestId('player').waitFor({ state: 'hidden' });

      // Start and stop of the view are in the ledger, with the viewer, the approval and the seconds watched.
      const admin = await apiAs(ctx, APPROVER);
      const views = (await admin.invoke('ledger.list', { subject: `recording:${clip.id}`, order: 'asc' })).entries.filter((e) => e.action.startsWith('view.'));
      assert.deepEqual(
        views.map((e) => [e.action, e.actor]),
        [
          ['view.refused', CLERK.username],
          ['view.started', CLERK.username],
          ['view.ended', CLERK.username],
        ],
      );
      assert.deepEqual((views[1]!.details as { approvers: string[] }).approvers, [APPROVER.username]);
      const watched = (views[2]!.details as { watchedSeconds: number }).watchedSeconds;
      assert.ok(watched > 0.5, `watched seconds recorded: ${watched}`);
      assertClean(clerk, 'player');
      assertClean(approver, 'approval');
    },
  },
  {
    name: 'access: an approved copy is exported to a folder with progress and verified; the register shows all five fields',
    async run(ctx) {
      const clip = clipOrSkip(ctx);
      if (!clip) return;
      const clerk = ctx.pages.clerk!;
      const approver = ctx.pages.approver!;
      copyRequest = await request(clerk.page, 'zh-CN', clip.name, clip.id, 'copy', PURPOSE_COPY);
      await approve(approver.page, copyRequest, APPROVER.password);

      const to = join(ctx.scratch, 'exports');
      mkdirSync(to, { recursive: true });
      await clerk.page.getByTestId('requests-refresh').click();
      await clerk.page.locator(`[data-testid="request-row-${copyRequest}"][data-state="approved"]`).waitFor();
      await clerk.page.getByTestId(`export-${copyRequest}`).click();
      await clerk.page.getByTestId('export-to').fill(to);
      await clerk.page.getByTestId('export-start').click();
      await clerk.page.getByTestId('export-verified').waitFor({ timeout: 60_000 });
      const path = (await clerk.page.getByTestId('export-path').textContent())!.trim();
      assert.ok(existsSync(join(path, 'SHA256SUMS')) && existsSync(join(path, 'MANIFEST.json')), `export written to ${path}`);
      assert.deepEqual(readdirSync(to).filter((n) => n.startsWith('.')), [], 'no partial export left behind');
      await assertNoRawKeys(clerk.page, 'export');
      await screenshot(clerk.page, 'zh-CN-export');
      await clerk.page.getByTestId('export-dialog').getByRole('button', { name: buttonName('zh-CN', 'ui:common.close') }).first().click();
      await clerk.page.locator(`[data-testid="request-row-${copyRequest}"][data-state="fulfilled"]`).waitFor();

      // The register (004 第二十条), for the approver: 调阅人, 复制人, 审批人, 时间, 事由 from the ledger.
      const { page } = approver;
      await page.getByTestId('nav-register').click();
      const viewRow = page.locator(`[data-testid="register-row"][data-kind="view"][data-request="${viewRequest}"]`);
      const copyRow = page.locator(`[data-testid="register-row"][data-kind="copy"][data-request="${copyRequest}"]`);
      await viewRow.waitFor();
      await copyRow.waitFor();
      // Columns: time, kind, 案号, viewer, copier, approvers, purpose, request, recordings, ledger no.
      // People by name with the login in brackets (#14 item 7); these requests name no case.
      const clerkName = `${CLERK.displayName}（${CLERK.username}）`;
      const approverName = `${APPROVER.displayName}（${APPROVER.username}）`;
      const [time, kind, caseNumber, viewer, copier, approvers, purpose, req, recordings] = await cells(viewRow);
      assert.match(time!, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.deepEqual([kind, caseNumber, viewer, copier, approvers, purpose, req, recordings], [tx('zh-CN', 'ui:register.kinds.view'), '', clerkName, '', approverName, PURPOSE_VIEW, viewRequest, clip.id]);
      const copy = await cells(copyRow);
      assert.deepEqual(copy.slice(1, 9), [tx('zh-CN', 'ui:register.kinds.copy'), '', '', clerkName, approverName, PURPOSE_COPY, copyRequest, clip.id]);
      const headers = (await page.getByTestId('register-table').locator('thead th').allInnerTexts()).map((s) => s.trim());
      for (const k of ['viewer', 'copier', 'approvers', 'time', 'purpose']) assert.ok(headers.includes(tx('zh-CN', `ui:register.columns.${k}`)), `column ${k}: ${headers.join('|')}`);
      await assertNoRawKeys(page, 'register');
      await screenshot(page, 'zh-CN-register');

      // CSV with the translated headers, as a download.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('register-csv').click()]);
      const csv = readFileSync(await download.path(), 'utf8');
      assert.ok(csv.startsWith('\uFEFF'), 'UTF-8 BOM for Excel');
      assert.ok(csv.includes(tx('zh-CN', 'ui:register.columns.viewer')) && csv.includes(tx('zh-CN', 'ui:register.columns.copier')));
      assert.ok(csv.includes(PURPOSE_VIEW) && csv.includes(PURPOSE_COPY) && csv.includes(`${clerkName},,${approverName}`));
      assert.match(download.suggestedFilename(), /^register-.*\.csv$/);

      // The print view: the button prints; the print stylesheet leaves only the register.
      await page.evaluate(() => {
        const g = globalThis as unknown as { print: () => void; __printed: number };
        g.__printed = 0;
        g.print = () => void g.__printed++;
      });
      await page.getByTestId('register-print').click();
      assert.equal(await page.evaluate(() => (globalThis as unknown as { __printed: number }).__printed), 1);
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('.shell-header').isVisible(), false, 'the shell is not printed');
      assert.equal(await page.getByTestId('register-csv').isVisible(), false, 'buttons are not printed');
      await screenshot(page, 'zh-CN-register-print');
      await page.emulateMedia({ media: 'screen' });
      assertClean(clerk, 'export');
      assertClean(approver, 'register');
    },
  },
  {
    name: 'access: an auditor spot-checks with a reason (001 第十九条), and the new screens read fully in English',
    async run(ctx) {
      const auditor = await openStationPage(ctx.browser, ctx.server, ctx.url, { language: 'en' });
      const { page } = auditor;
      await login(page, AUDITOR);
      // Auditors see the Dock (read-only: no duty, no ingest).
      await page.getByTestId('dock-screen').waitFor();
      await page.locator('[data-testid="ingest-session"]').first().waitFor();
      assert.equal(await page.getByTestId('ingest-folder').count(), 0);
      assert.equal(await page.getByTestId('dock-on-duty').count(), 0);
      await page.waitForTimeout(300);
      await assertNoChinese(page, 'dock');
      await screenshot(page, 'en-dock');

      await page.getByTestId('nav-recordings').click();
      await page.locator('[data-testid="recording-row"]').first().waitFor();
      await assertNoChinese(page, 'recordings');
      await screenshot(page, 'en-recordings');
      const clip = ctx.clip;
      const target = clip?.id ?? (await page.locator('[data-testid="recording-row"]').first().getAttribute('data-id'))!;
      await page.locator(`[data-testid="recording-row"][data-id="${target}"]`).click();
      await page.getByTestId('recording-detail').waitFor();
      await page.waitForTimeout(300);
      await assertNoChinese(page, 'recording detail');
      await screenshot(page, 'en-recording-detail');

      if (clip) {
        await page.getByTestId('recording-spot-check').click();
        const d = dialog(page, 'spot-check-reason');
        await d.waitFor();
        await d.getByRole('button', { name: buttonName('en', 'ui:player.spotCheckSubmit') }).click();
        await d.getByText(tx('en', 'ui:player.spotCheckReasonRequired')).first().waitFor();
        await page.getByTestId('spot-check-reason').fill('Quarterly supervision review of traffic stops');
        await d.getByRole('button', { name: buttonName('en', 'ui:player.spotCheckSubmit') }).click();
        await videoOf(page).waitFor();
        await playsPast(page, 1);
        await assertNoChinese(page, 'player');
        await screenshot(page, 'en-player');
        await page.getByTestId('player-close').click();
        await page.getByTestId('player').waitFor({ state: 'hidden' });
      }
      await page.keyboard.press('Escape');

      await page.getByTestId('nav-register').click();
      await page.locator('[data-testid="register-row"]').first().waitFor();
      if (clip) await page.locator('[data-testid="register-row"][data-kind="spot_check"]').waitFor();
      await assertNoChinese(page, 'register');
      await screenshot(page, 'en-register');

      await page.getByTestId('nav-requests').click();
      await page.getByTestId('requests-tab-all').click();
      if (clip) {
        const row = page.getByTestId(`request-row-${viewRequest}`);
        await row.waitFor();
        await row.locator('.ant-table-row-expand-icon').click();
        await page.getByTestId('request-decisions').first().waitFor();
      }
      await page.waitForTimeout(300);
      await assertNoChinese(page, 'requests');
      await screenshot(page, 'en-requests');
      assertClean(auditor, 'English auditor');
      await auditor.close();

      // The custodian's dialogs in English: the explanation still owed for the interruption, and
      // accepting another unknown storage.
      const custodian = ctx.pages.custodian!;
      await switchLanguage(custodian.page, 'en');
      await custodian.page.getByTestId('nav-dock').click();
      const explain = custodian.page.locator('[data-testid^="explain-RC-"]').first();
      await explain.waitFor();
      await explain.click();
      await dialog(custodian.page, 'explain-text').waitFor();
      await custodian.page.waitForTimeout(300);
      await assertNoChinese(custodian.page, 'explanation dialog');
      await screenshot(custodian.page, 'en-dock-explain');
      await dialog(custodian.page, 'explain-text').getByRole('button', { name: buttonName('en', 'ui:common.cancel') }).click();
      const other = join(ctx.scratch, 'usb-stick');
      mkdirSync(other, { recursive: true });
      ctx.dock!.devices.dock({ mountPoint: other, device: '/dev/sdy1', fsType: 'vfat', label: 'USB-STICK', usb: { vendorId: 0x0781, productId: 0x5567, serialNumber: 'STICK01', manufacturer: 'SanDisk', product: 'Cruzer Blade', portPath: null } });
      const card = custodian.page.locator(`[data-testid="docked-volume"][data-mount-point="${other}"][data-state="unrecognized"]`);
      await card.waitFor({ timeout: 20_000 });
      await card.getByTestId('volume-accept').click();
      await dialog(custodian.page, 'accept-serial').waitFor();
      await custodian.page.waitForTimeout(300);
      await assertNoChinese(custodian.page, 'accept dialog');
      await screenshot(custodian.page, 'en-dock-accept');
      await dialog(custodian.page, 'accept-serial').getByRole('button', { name: buttonName('en', 'ui:common.cancel') }).click();
      await assertNoChinese(custodian.page, 'dock');
      await screenshot(custodian.page, 'en-dock-custodian');
      ctx.dock!.devices.undock(other);
      await card.waitFor({ state: 'hidden' });
      assertClean(custodian, 'English custodian');

      // The custodian marks the clip as personal privacy (002 第二十五条): from then on two approvers.
      if (clip) {
        const cp = custodian.page;
        await cp.getByTestId('nav-recordings').click();
        await cp.getByTestId('recordings-filter-text').fill(clip.name);
        await cp.locator(`[data-testid="recording-row"][data-id="${clip.id}"]`).click();
        await cp.getByTestId('recording-classify').click();
        const cd = dialog(cp, 'classify-note');
        await cd.waitFor();
        await cd.locator('input[type="radio"][value="privacy"]').check();
        await cp.getByTestId('classify-note').fill('Bystanders identifiable');
        await cd.getByRole('button', { name: buttonName('en', 'ui:common.save') }).click();
        await cd.waitFor({ state: 'hidden' });
        await cp.getByTestId('recording-classification').filter({ hasText: tx('en', 'ui:classification.privacy') }).waitFor();
        await cp.locator('[data-testid="history-entry"][data-action="recording.classified"]').waitFor();
        await assertNoChinese(cp, 'classified recording');
        await cp.keyboard.press('Escape');
      }

      // The clerk's request form (now warning of two approvers) and the approver's decision, in English.
      if (clip) {
        const clerk = ctx.pages.clerk!;
        await switchLanguage(clerk.page, 'en');
        const again = await request(clerk.page, 'en', clip.name, clip.id, 'view', 'Second look for the hearing', 'en-request-form', async () => {
          await clerk.page.getByTestId('request-two-approvers').waitFor();
        });
        const created = await (await apiAs(ctx, CLERK)).invoke('request.show', { id: again });
        assert.equal(created.requiredApprovals, 2, 'a classified recording needs two approvers');
        await assertNoChinese(clerk.page, 'requests');
        await screenshot(clerk.page, 'en-requests-mine');
        const approver = ctx.pages.approver!;
        await switchLanguage(approver.page, 'en');
        await approver.page.getByTestId('nav-requests').click();
        await approver.page.getByTestId(`deny-${again}`).click();
        const d = dialog(approver.page, 'decision-password');
        await d.waitFor();
        await d.getByTestId('decision-submit').click();
        await d.getByText(tx('en', 'ui:decision.reasonRequired')).first().waitFor();
        await approver.page.waitForTimeout(300);
        await assertNoChinese(approver.page, 'decision dialog');
        await screenshot(approver.page, 'en-decision');
        await approver.page.getByTestId('decision-text').fill('The hearing has its own copy');
        await approver.page.getByTestId('decision-password').fill(APPROVER.password);
        await d.getByTestId('decision-submit').click();
        await d.waitFor({ state: 'hidden' });
        await clerk.page.getByTestId('requests-refresh').click();
        await clerk.page.locator(`[data-testid="request-row-${again}"][data-state="denied"]`).waitFor();
        assertClean(clerk, 'English clerk');
        assertClean(approver, 'English approver');
      }
      for (const p of [ctx.pages.clerk, ctx.pages.approver, ctx.pages.custodian]) await p?.close();
      ctx.pages = {};
    },
  },
];
