// Burning from the Burn screen (issue 6, Must show: "burn an approved request to an ISO from the
// Burn screen and see the verified result"). On the case station of casesScenarios.ts: the clerk
// asks for a disc of the whole case, an approver approves it, and the clerk burns it to an ISO image
// through xorriso's stdio: drive — the same code path as a real /dev/srN — and sees each medium read
// back and verified; then prints the label with cover sheet and the written note.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { screenshot } from './harness.ts';
import { tx } from './locale.ts';
import { assertNoHorizontalOverflow } from './layout.ts';
import { login } from './dockScenarios.ts';
import { assertClean, assertNoChinese, assertNoRawKeys, pickSelectOption, switchLanguage, type Ctx, type Scenario } from './steps.ts';
import { APPROVER, BURN_PURPOSE, CASE, CLERK, DISC_LABEL, RULE_TITLE, apiOn, casesWorld, documentText, openCasePage, openDialog, server } from './casesScenarios.ts';

/** The last scenario of the case station's story closes its windows and the station. */
async function closeCaseStation(ctx: Ctx): Promise<void> {
  for (const p of Object.values(ctx.pages)) await p?.close();
  ctx.pages = {};
  if (casesWorld.server) server().close();
  casesWorld.server = null;
}

function xorrisoMissing(): string | null {
  const r = spawnSync('xorriso', ['-version'], { encoding: 'utf8' });
  return r.status === 0 ? null : 'xorriso is not installed (Debian package xorriso)';
}

export const burnScenarios: Scenario[] = [
  {
    name: 'burn: a clerk asks for a disc of the whole case, it is approved, and the clerk burns it to an ISO and sees it verified; label and note print',
    async run(ctx) {
      const missing = xorrisoMissing();
      if (missing) {
        console.log(`      (skipped: ${missing})`);
        await closeCaseStation(ctx);
        return;
      }
      const clerk = await openCasePage(ctx);
      ctx.pages.clerk = clerk;
      const { page } = clerk;
      await login(page, CLERK);

      // A burn request for the whole case, from the case view.
      await page.getByTestId('nav-cases').click();
      await page.locator(`[data-testid="case-row"][data-id="${casesWorld.caseId}"]`).click();
      const drawer = page.getByTestId('case-drawer');
      await drawer.getByTestId('case-view').waitFor();
      await drawer.getByTestId('case-request').click();
      await page.locator('.ant-dropdown:not(.ant-dropdown-hidden) [data-testid="case-request-burn"]').click();
      const req = await openDialog(page, 'case-request-purpose');
      assert.equal(await req.locator('input[type="radio"][value="burn"]').isChecked(), true);
      await page.getByTestId('case-request-purpose').fill(BURN_PURPOSE);
      await screenshot(page, 'zh-CN-case-request');
      await page.getByTestId('case-request-dialog-submit').click();
      await req.waitFor({ state: 'hidden' });
      await drawer.getByTestId('case-tab-requests').click();
      const pending = (await (await apiOn(CLERK)).invoke('request.list', { state: 'requested' })).filter((r) => r.kind === 'burn');
      assert.equal(pending.length, 1);
      const request = pending[0]!;
      assert.equal(request.caseId, casesWorld.caseId);
      assert.deepEqual([...request.items].sort(), [...casesWorld.evidence].sort(), 'the request covers the evidence still linked to the case');
      await drawer.getByTestId('case-requests').getByText(request.id).waitFor();
      // The approver decides it (the decision itself is the Requests screen's story).
      await (await apiOn(APPROVER)).invoke('request.approve', { id: request.id, password: APPROVER.password });
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });

      // The Burn screen: request, CD, one copy, an ISO image; the plan says one disc.
      await page.getByTestId('nav-burn').click();
      await page.getByTestId('burn-screen').waitFor();
      await pickSelectOption(page, 'burn-request', request.id);
      await page.getByTestId('burn-request-detail').waitFor();
      await page.locator('label.ant-radio-button-wrapper', { hasText: tx('zh-CN', 'ui:burn.media.cd') }).click();
      await page.getByTestId('burn-target-kind').getByText(tx('zh-CN', 'ui:burn.targets.iso')).click();
      const dir = join(ctx.scratch, 'burn');
      mkdirSync(dir, { recursive: true });
      const iso = join(dir, 'case-evidence.iso');
      await page.getByTestId('burn-iso-path').fill(iso);
      await page.getByTestId('burn-place').fill(CASE.party);
      // A label an ISO volume id cannot hold: the screen says so before anything is burned (issue 14 item 2).
      await page.getByTestId('burn-volume-label').fill(DISC_LABEL);
      await page.getByTestId('burn-label-notice').waitFor();
      assert.ok((await page.getByTestId('burn-label-notice').innerText()).includes(DISC_LABEL));
      const plan = page.getByTestId('burn-plan');
      await plan.waitFor();
      assert.equal(await plan.getAttribute('data-discs'), '1');
      for (const id of casesWorld.evidence) assert.ok((await plan.innerText()).includes(id), `${id} is on the disc`);
      await page.waitForTimeout(300);
      await assertNoRawKeys(page, 'burn');
      await screenshot(page, 'zh-CN-burn');

      await page.getByTestId('burn-start').click();
      const job = page.getByTestId('burn-job');
      await job.waitFor();
      const result = page.getByTestId('burn-result');
      await result.waitFor({ timeout: 180_000 });
      assert.equal(await result.getAttribute('data-result'), 'verified', `burn result: ${await result.innerText()}`);
      const medium = page.locator('[data-testid="burn-medium"][data-disc="1"][data-copy="1"]');
      assert.equal(await medium.getAttribute('data-state'), 'verified');
      const checks = await medium.getByTestId('burn-verification').innerText();
      assert.ok(checks.includes(tx('zh-CN', 'ui:burn.check.catalogue.match')), checks);
      assert.equal((await job.getByTestId('burn-verified-count').innerText()).replace(/\s/g, ''), '1/1');
      await job.evaluate((el) => (el as unknown as { scrollIntoView(o: object): void }).scrollIntoView({ block: 'start' }));
      await screenshot(page, 'zh-CN-burn-verified');
      // The jobs table shows all its columns: nothing cut at the right edge or scrolled out of sight.
      await assertNoHorizontalOverflow(page.getByTestId('burn-jobs'), 'burn jobs table');

      // What the station recorded: the image exists under its final name, nothing partial is left,
      // the job is complete and verified, the approval used, and the burn is in the ledger.
      assert.ok(existsSync(iso), `the image ${iso} exists`);
      assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.')), [], 'no partial image left behind');
      const jobId = (await job.getAttribute('data-job'))!;
      const api = await apiOn(CLERK);
      const done = await api.invoke('burn.job', { jobId });
      assert.equal(done.state, 'completed');
      assert.equal(done.verified, 1);
      assert.equal(done.discs[0]!.media[0]!.verification?.catalogue, 'match');
      assert.equal((await api.invoke('request.show', { id: request.id })).state, 'fulfilled');
      const burned = (await api.invoke('ledger.list', { action: 'disc.burned' })).entries;
      assert.equal(burned.length, 1);
      assert.deepEqual(((burned[0]!.details as { recordings: string[] }).recordings ?? []).sort(), [...casesWorld.evidence].sort());

      // The label with its cover sheet, and the written note (002 第二十三条) exactly as on the disc.
      await page.getByTestId('burn-label-1-1').click();
      const label = await documentText(page, 'burn-label-preview');
      assert.ok(label.includes(done.discs[0]!.volumeId) && label.includes(done.discs[0]!.manifestSha256!), 'the label names the volume and the manifest hash');
      for (const s of [CASE.number, DISC_LABEL, `${CLERK.displayName}（${CLERK.username}）`, `${APPROVER.displayName}（${APPROVER.username}）`, `《${RULE_TITLE}》第十八条`]) assert.ok(label.includes(s), `the label and cover show ${s}`);
      assert.ok(!label.includes(casesWorld.caseId), 'the label gives the 案号, not the station\'s case id');
      assert.equal(await page.getByTestId('burn-label-preview').getByTestId('document-view').evaluate((el) => !!el.shadowRoot?.querySelector('svg, img')), true, 'the QR code of the manifest hash is drawn');
      await screenshot(page, 'zh-CN-burn-label');
      await page.getByTestId('burn-label-preview').getByTestId('document-close').click();
      await page.getByTestId('burn-label-preview').waitFor({ state: 'hidden' });
      await page.getByTestId('burn-note-1').click();
      const note = await documentText(page, 'burn-note-preview');
      for (const s of [CASE.number, CASE.party, DISC_LABEL, `${CLERK.displayName}（${CLERK.username}）`, `${APPROVER.displayName}（${APPROVER.username}）`]) assert.ok(note.includes(s), `the written note shows ${s}`);
      await screenshot(page, 'zh-CN-burn-note');
      await page.getByTestId('burn-note-preview').getByTestId('document-close').click();
      await page.getByTestId('burn-note-preview').waitFor({ state: 'hidden' });

      // The disc is listed with the case.
      await page.getByTestId('nav-cases').click();
      await page.locator(`[data-testid="case-row"][data-id="${casesWorld.caseId}"]`).click();
      await drawer.getByTestId('case-tab-discs').click();
      await drawer.getByTestId('case-discs').getByText(jobId).waitFor();
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });
      assertClean(clerk, 'burn');

      // In English.
      await switchLanguage(page, 'en');
      await page.getByTestId('nav-burn').click();
      await page.locator(`[data-testid="burn-job-row"][data-id="${jobId}"]`).click();
      await page.locator(`[data-testid="burn-job"][data-job="${jobId}"] [data-testid="burn-result"]`).waitFor();
      await page.waitForTimeout(300);
      await assertNoChinese(page, 'burn');
      await assertNoHorizontalOverflow(page.getByTestId('burn-jobs'), 'English burn jobs table');
      await screenshot(page, 'en-burn');
      // The label, cover and note printed from an English window are the same agency papers: 案号, real names, the
      // label as typed and the agency's rule by title and 第N条 (004_5e30f22f36db076d.txt 第十八条); the window around them is English.
      await page.getByTestId('burn-label-1-1').click();
      const labelEn = await documentText(page, 'burn-label-preview');
      for (const s of [CASE.number, DISC_LABEL, `${CLERK.displayName}（${CLERK.username}）`, `${APPROVER.displayName}（${APPROVER.username}）`, `《${RULE_TITLE}》第十八条`]) assert.ok(labelEn.includes(s), `the label and cover printed from English show ${s}`);
      assert.ok(!labelEn.includes(casesWorld.caseId) && !/[0-9]{3}_[0-9a-f]{16}\.txt/.test(labelEn), 'no station case id, no rule file name');
      const labelChrome = await page.getByTestId('burn-label-preview').innerText();
      assert.ok(!/[\u4e00-\u9fff]/.test(labelChrome), `no Chinese around the English label preview: ${labelChrome}`);
      await screenshot(page, 'en-burn-label');
      await page.getByTestId('burn-label-preview').getByTestId('document-close').click();
      await page.getByTestId('burn-label-preview').waitFor({ state: 'hidden' });
      await page.getByTestId('burn-note-1').click();
      const noteEn = await documentText(page, 'burn-note-preview');
      for (const s of [CASE.number, CASE.party, DISC_LABEL, `${CLERK.displayName}（${CLERK.username}）`, `${APPROVER.displayName}（${APPROVER.username}）`]) assert.ok(noteEn.includes(s), `the written note printed from English shows ${s}`);
      const noteChrome = await page.getByTestId('burn-note-preview').innerText();
      assert.ok(!/[\u4e00-\u9fff]/.test(noteChrome), `no Chinese around the English note preview: ${noteChrome}`);
      await page.getByTestId('burn-note-preview').getByTestId('document-close').click();
      await page.getByTestId('burn-note-preview').waitFor({ state: 'hidden' });
      assertClean(clerk, 'English burn');
      // Only after success: a failure leaves the windows open for run.ts's FAILED screenshot.
      await closeCaseStation(ctx);
    },
  },
];
