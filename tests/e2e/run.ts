// npm run test:e2e — builds the renderer, serves it to Debian's Chromium and drives it against
// the real station api (see harness.ts). Prints `e2e: N passed, M failed` and exits non-zero on
// any failure. E2E_SKIP_BUILD=1 reuses out/renderer when iterating on the tests themselves;
// E2E_ONLY=<name prefix> runs only the scenarios whose names start with it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStationApi } from '../../electron/api/server.ts';
import { CHROMIUM, buildRenderer, launchChromium, openStationPage, rendererDir, screenshot, screenshotDir, serveMedia, serveStatic } from './harness.ts';
import { tx } from './locale.ts';
import { ADMIN, AGENCY, APPROVER, CLERK, PASSPHRASE, assertClean, assertNoChinese, assertNoRawKeys, buttonName, dialog, pickSelectOption, switchLanguage, type Ctx, type Scenario, firstPassword, setOwnPassword } from './steps.ts';
import { dockScenarios } from './dockScenarios.ts';
import { accessScenarios } from './accessScenarios.ts';
import { casesScenarios } from './casesScenarios.ts';
import { burnScenarios } from './burnScenarios.ts';
import { settingsScenarios } from './settingsScenarios.ts';
import { flowsScenarios } from './flowsScenarios.ts';
import { replicaScenarios } from './replicaScenarios.ts';

const scenarios: Scenario[] = [
  {
    name: 'first-run setup creates the station and shows its keys',
    async run(ctx) {
      const sp = await openStationPage(ctx.browser, ctx.server, ctx.url);
      const { page } = sp;
      await page.getByTestId('setup-screen').waitFor();
      await assertNoRawKeys(page, 'setup');
      await page.getByTestId('setup-agency-code').fill(AGENCY.code);
      await page.getByTestId('setup-agency-name').fill(AGENCY.name);
      // The agency's own rule, picked in setup (issue 14 item 1): its articles are shown before it is chosen.
      await pickSelectOption(page, 'setup-rule-select', tx('zh-CN', 'ui:agencyRule.titleQuoted', { title: '中阳县市场监督管理局行政执法全过程记录实施办法' }));
      await page.getByTestId('setup-rule-articles').getByText('第十九条').first().waitFor();
      await screenshot(page, 'zh-CN-setup');
      await page.getByTestId('setup-next').click();

      // The form refuses a short passphrase and a mismatched confirmation before the station sees them.
      await page.getByTestId('setup-passphrase').fill('too-short');
      await page.getByTestId('setup-next').click();
      await page.getByText(tx('zh-CN', 'ui:setup.passphraseTooShort', { min: 12 })).waitFor();
      await page.getByTestId('setup-passphrase').fill(PASSPHRASE);
      await page.getByTestId('setup-passphrase-confirm').fill(PASSPHRASE + 'x');
      await page.getByTestId('setup-next').click();
      await page.getByText(tx('zh-CN', 'ui:setup.passphraseMismatch')).waitFor();
      await page.getByTestId('setup-passphrase-confirm').fill(PASSPHRASE);
      const level = await page.getByTestId('strength-meter').getAttribute('data-level');
      assert.ok(level === 'strong' || level === 'very_strong', `strength hint for a long mixed passphrase: ${level}`);
      await screenshot(page, 'zh-CN-setup-passphrase');
      await page.getByTestId('setup-next').click();

      await page.getByTestId('setup-admin-username').fill(ADMIN.username);
      await page.getByTestId('setup-admin-display-name').fill(ADMIN.displayName);
      await page.getByTestId('setup-admin-password').fill(ADMIN.password);
      await page.getByTestId('setup-admin-password-confirm').fill(ADMIN.password);
      await page.getByTestId('setup-next').click();

      await page.getByTestId('setup-done').waitFor({ timeout: 30_000 });
      const status = ctx.server.station.status();
      assert.equal(status.initialized, true);
      assert.deepEqual(ctx.server.station.settings.get('rules.agencyRule'), { kind: 'shipped', id: '004' }, 'the rule picked in setup is the station\'s');
      assert.equal((await page.getByTestId('setup-public-key').textContent())?.trim(), status.publicKey);
      assert.equal((await page.getByTestId('setup-verifier-key').textContent())?.trim(), status.verifierKey);
      await screenshot(page, 'zh-CN-setup-done');
      // Continuing is only possible once the key has been acknowledged as written down.
      assert.equal(await page.getByTestId('setup-continue').isDisabled(), true);
      await page.getByTestId('setup-recorded').check();
      await page.getByTestId('setup-continue').click();
      await page.getByTestId('login-screen').waitFor();
      assertClean(sp, 'setup');
      await sp.close();
    },
  },
  {
    name: 'after a restart the station unlocks only with its passphrase (the error is shown)',
    async run(ctx) {
      ctx.server.close();
      ctx.server = ctx.reopen();
      const sp = await openStationPage(ctx.browser, ctx.server, ctx.url);
      const { page } = sp;
      await page.getByTestId('unlock-screen').waitFor();
      await page.getByTestId('unlock-passphrase').fill('not-the-station-passphrase');
      await page.getByTestId('unlock-submit').click();
      const alert = page.getByTestId('error-alert');
      await alert.waitFor();
      assert.equal(await alert.getAttribute('data-error-code'), 'station.wrong_passphrase');
      assert.ok((await alert.innerText()).includes(tx('zh-CN', 'errors:station.wrong_passphrase')));
      await screenshot(page, 'zh-CN-unlock');
      await page.getByTestId('unlock-passphrase').fill(PASSPHRASE);
      await page.getByTestId('unlock-submit').click();
      await page.getByTestId('login-screen').waitFor({ timeout: 30_000 });
      assert.equal(ctx.server.station.status().unlocked, true);
      assertClean(sp, 'unlock');
      await sp.close();
    },
  },
  {
    name: 'login with a wrong password shows the error, the right one opens the shell',
    async run(ctx) {
      const sp = await openStationPage(ctx.browser, ctx.server, ctx.url);
      ctx.main = sp;
      const { page } = sp;
      await page.getByTestId('login-screen').waitFor();
      await page.getByTestId('login-username').fill(ADMIN.username);
      await page.getByTestId('login-password').fill('wrong-password');
      await page.getByTestId('login-submit').click();
      const alert = page.getByTestId('error-alert');
      await alert.waitFor();
      assert.equal(await alert.getAttribute('data-error-code'), 'auth.bad_credentials');
      assert.ok((await alert.innerText()).includes(tx('zh-CN', 'errors:auth.bad_credentials')));
      await screenshot(page, 'zh-CN-login');

      await page.getByTestId('login-password').fill(ADMIN.password);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('shell').waitFor();
      assert.equal(await page.getByTestId('header-agency').innerText(), AGENCY.name);
      const who = await page.getByTestId('header-user').innerText();
      assert.ok(who.includes(ADMIN.displayName) && who.includes(tx('zh-CN', 'ui:roles.admin')), `header shows the user and role: ${who}`);
      // The failed attempt is itself evidence.
      assert.ok(ctx.server.station.ledger.size > 0);
      assertClean(sp, 'login');
    },
  },
  {
    name: 'an admin adds a clerk and an approver; admin+approver is refused',
    async run(ctx) {
      const { page } = ctx.main!;
      await page.getByTestId('nav-users').click();
      await page.getByTestId('users-screen').waitFor();

      const addUser = async (u: { username: string; displayName: string; password: string }, role: string) => {
        await page.getByTestId('add-user').click();
        const d = dialog(page, 'add-user-username');
        await page.getByTestId('add-user-username').fill(u.username);
        await page.getByTestId('add-user-display-name').fill(u.displayName);
        await page.getByTestId(`role-${role}`).check();
        await page.getByTestId('add-user-password').fill(firstPassword(u.password));
        await page.getByTestId('add-user-password-confirm').fill(firstPassword(u.password));
        await d.getByRole('button', { name: buttonName('zh-CN', 'ui:users.addSubmit') }).click();
        await page.getByTestId(`user-row-${u.username}`).waitFor();
        await d.waitFor({ state: 'hidden' });
      };

      // Separation of duties in the form: ticking one of admin/approver disables the other.
      await page.getByTestId('add-user').click();
      await page.getByTestId('role-admin').check();
      assert.equal(await page.getByTestId('role-approver').isDisabled(), true, 'approver must be disabled once admin is ticked');
      await screenshot(page, 'zh-CN-users-add');
      await page.getByTestId('role-admin').uncheck();
      await page.getByTestId('role-approver').check();
      assert.equal(await page.getByTestId('role-admin').isDisabled(), true, 'admin must be disabled once approver is ticked');
      await dialog(page, 'add-user-username').getByRole('button', { name: buttonName('zh-CN', 'ui:common.cancel') }).click();
      await dialog(page, 'add-user-username').waitFor({ state: 'hidden' });

      await addUser(CLERK, 'clerk');
      await addUser(APPROVER, 'approver');
      // The approver's first login is not this story's: done over the api (the clerk's, below, is through the screen).
      await setOwnPassword(ctx.server, APPROVER);

      // The station's own refusal, through the same bridge the form uses.
      const refused = (await page.evaluate(() =>
        (globalThis as unknown as { station: { invoke(c: string, p: unknown): Promise<unknown> } }).station.invoke('user.add', {
          username: 'boss',
          displayName: 'Boss',
          roles: ['admin', 'approver'],
          password: 'boss-password-1',
        }),
      )) as { ok: boolean; error?: { code: string } };
      assert.equal(refused.ok, false);
      assert.equal(refused.error?.code, 'user.admin_cannot_approve');

      // A station refusal inside the form is shown in the dialog, translated.
      await page.getByTestId('add-user').click();
      await page.getByTestId('add-user-username').fill(CLERK.username);
      await page.getByTestId('add-user-display-name').fill(CLERK.displayName);
      await page.getByTestId('role-clerk').check();
      await page.getByTestId('add-user-password').fill(CLERK.password);
      await page.getByTestId('add-user-password-confirm').fill(CLERK.password);
      const d = dialog(page, 'add-user-username');
      await d.getByRole('button', { name: buttonName('zh-CN', 'ui:users.addSubmit') }).click();
      const alert = d.getByTestId('error-alert');
      await alert.waitFor();
      assert.equal(await alert.getAttribute('data-error-code'), 'user.exists');
      assert.ok((await alert.innerText()).includes(tx('zh-CN', 'errors:user.exists', { username: CLERK.username })));
      await d.getByRole('button', { name: buttonName('zh-CN', 'ui:common.cancel') }).click();
      await d.waitFor({ state: 'hidden' });

      // Changing roles enforces the same rule: the approver cannot be made admin.
      await page.getByTestId(`user-roles-${APPROVER.username}`).click();
      assert.equal(await page.getByTestId('role-admin').isDisabled(), true);
      await page.locator('.ant-modal').getByRole('button', { name: buttonName('zh-CN', 'ui:common.cancel') }).click();
      await page.locator('.ant-modal').waitFor({ state: 'hidden' });

      const users = Object.fromEntries(ctx.server.station.users.list().map((u) => [u.username, u.roles]));
      assert.deepEqual(users, { admin: ['admin'], [APPROVER.username]: ['approver'], [CLERK.username]: ['clerk'] });
      await page.waitForTimeout(300);
      await assertNoRawKeys(page, 'users');
      await screenshot(page, 'zh-CN-users');
      assertClean(ctx.main!, 'users');
    },
  },
  {
    name: 'the ledger lists those entries, shows an entry with its proof, exports a checkpoint and verifies',
    async run(ctx) {
      const { page } = ctx.main!;
      await page.getByTestId('nav-ledger').click();
      await page.getByTestId('ledger-screen').waitFor();
      await page.locator('[data-testid="ledger-row"]').first().waitFor();

      const added = (await page.locator('[data-testid="ledger-row"][data-action="user.added"]').allInnerTexts()).join('\n');
      for (const u of [CLERK, APPROVER]) assert.ok(added.includes(`user:${u.username}`), `ledger row for adding ${u.username}`);
      assert.ok(added.includes(tx('zh-CN', 'ui:actions.user.added')), 'actions are shown translated');

      // Filter by action: only the three user.added entries remain (admin at setup, clerk, approver).
      await pickSelectOption(page, 'ledger-filter-action', tx('zh-CN', 'ui:actions.user.added'));
      await page.waitForFunction(
        () => {
          const rows = (globalThis as unknown as { document: { querySelectorAll(s: string): { getAttribute(a: string): string | null }[] } }).document.querySelectorAll('[data-testid="ledger-row"]');
          return rows.length === 3 && [...rows].every((r) => r.getAttribute('data-action') === 'user.added');
        },
        undefined,
        { timeout: 10_000 },
      );
      await page.getByRole('button', { name: buttonName('zh-CN', 'ui:ledger.filters.reset') }).click();

      // Export a checkpoint: the downloaded file is the station's signed note, byte for byte.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ledger-export-checkpoint').click()]);
      const saved = readFileSync(await download.path(), 'utf8');
      const latest = ctx.server.station.ledger.latestCheckpoint();
      assert.ok(latest, 'a checkpoint exists');
      assert.equal(saved, latest.note);
      assert.match(download.suggestedFilename(), new RegExp(`^checkpoint-${AGENCY.code}-${latest.size}\\.txt$`));
      await page.getByTestId('checkpoint-result').waitFor();
      await screenshot(page, 'zh-CN-ledger-checkpoint');
      await page.getByRole('button', { name: buttonName('zh-CN', 'ui:common.close') }).click();

      // The entry detail: all fields, hashes, the covering checkpoint and the inclusion proof.
      const seq = Number(await page.locator('[data-testid="ledger-row"][data-action="user.added"]').filter({ hasText: `user:${CLERK.username}` }).getAttribute('data-seq'));
      ctx.clerkSeq = seq;
      await page.locator(`[data-testid="ledger-row"][data-seq="${seq}"]`).click();
      const drawer = page.getByTestId('entry-detail');
      await drawer.waitFor();
      const truth = ctx.server.station.ledger.entry(seq)!;
      assert.equal((await page.getByTestId('entry-leaf-hash').textContent())?.trim(), truth.leafHash);
      assert.equal((await page.getByTestId('entry-prev-hash').textContent())?.trim(), truth.prev);
      assert.ok((await page.getByTestId('entry-details').innerText()).includes(CLERK.displayName));
      assert.equal((await page.getByTestId('entry-checkpoint-note').textContent())?.trim(), latest.note.trim());
      const proof = ctx.server.station.ledger.prove(seq, latest.size).map((b) => b.toString('hex'));
      assert.deepEqual(
        (await page.getByTestId('entry-proof').locator('li').allInnerTexts()).map((s) => s.trim()),
        proof,
      );
      await assertNoRawKeys(page, 'ledger entry');
      await screenshot(page, 'zh-CN-ledger-entry');
      await page.getByTestId('entry-proof').scrollIntoViewIfNeeded();
      await screenshot(page, 'zh-CN-ledger-entry-proof');
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });

      // Verify the whole ledger; progress events arrive over the bridge, the result says ok.
      await page.getByTestId('ledger-verify').click();
      const ok = page.getByTestId('verify-ok');
      await ok.waitFor({ timeout: 30_000 });
      assert.ok((await ok.innerText()).includes(tx('zh-CN', 'ui:ledger.verifyOk')));
      await assertNoRawKeys(page, 'ledger');
      await screenshot(page, 'zh-CN-ledger');
      assertClean(ctx.main!, 'ledger');
    },
  },
  {
    name: 'a long ledger is paged and virtualized, and still verifies',
    async run(ctx) {
      const { page } = ctx.main!;
      // Seed through the station itself (real appends, real hashing, automatic signed checkpoints).
      const station = ctx.server.station;
      station.write(() => {
        for (let i = 1; i <= 2500; i++) station.ledger.append({ actor: 'system', action: 'e2e.seeded', subject: `seed:${i}`, details: { i } });
      });
      const size = station.ledger.size;
      await page.getByTestId('ledger-refresh').click();
      await page.getByTestId('ledger-count').filter({ hasText: size.toLocaleString('zh-CN') }).waitFor();
      const rendered = await page.locator('[data-testid="ledger-row"]').count();
      assert.ok(rendered > 0 && rendered < 100, `only the visible rows are rendered (${rendered} of ${size})`);
      // An action this build has no translation for is shown by its raw name.
      assert.equal(await page.locator('[data-testid="ledger-row"]').first().getAttribute('data-action'), 'e2e.seeded');
      // Scroll to the very end: the pages in between are fetched on demand and the oldest entry appears.
      await page.getByTestId('ledger-list').locator('.ledger-scroll').evaluate((el: { scrollTop: number; scrollHeight: number }) => {
        el.scrollTop = el.scrollHeight;
      });
      await page.locator('[data-testid="ledger-row"][data-seq="1"]').waitFor();
      assert.equal(await page.locator('[data-testid="ledger-row"][data-seq="1"]').getAttribute('data-action'), 'station.initialized');
      await page.getByTestId('ledger-verify').click();
      const ok = page.getByTestId('verify-ok');
      await ok.waitFor({ timeout: 30_000 });
      assert.ok((await ok.innerText()).includes(size.toLocaleString('zh-CN')), 'the result names how many entries were checked');
      await page.getByTestId('ledger-list').locator('.ledger-scroll').evaluate((el: { scrollTop: number }) => {
        el.scrollTop = 0;
      });
      assertClean(ctx.main!, 'long ledger');
    },
  },
  {
    name: 'switching to English changes every visible label, and is remembered',
    async run(ctx) {
      const sp = ctx.main!;
      const { page } = sp;
      await switchLanguage(page, 'en');
      await page.getByTestId('ledger-verify').waitFor();
      assert.equal(await page.getByTestId('ledger-verify').innerText(), tx('en', 'ui:ledger.verify'));
      await page.getByTestId('ledger-verify').click();
      await page.getByTestId('verify-ok').waitFor();
      await assertNoChinese(page, 'ledger');
      await screenshot(page, 'en-ledger');

      // Filter by actor this time (the seeded history pushed the clerk's entry far down).
      await page.getByTestId('ledger-filter-actor').fill(ADMIN.username);
      await page.getByTestId('ledger-filter-actor').press('Enter');
      // Sign-ins and sign-outs are left out of the list unless asked (issue #14 item 11); counted here with SQL.
      const adminWork = ctx.server.station.db.prepare("SELECT count(*) AS n FROM ledger WHERE actor = ? AND action NOT IN ('auth.login', 'auth.logout')").get(ADMIN.username) as { n: number };
      await page.getByTestId('ledger-count').filter({ hasText: tx('en', 'ui:ledger.countFiltered', { count: adminWork.n, size: ctx.server.station.ledger.size.toLocaleString('en') }) }).waitFor();
      assert.equal(await page.locator('[data-testid="ledger-row"][data-action="auth.login"]').count(), 0, 'no sign-ins listed by default');
      await page.getByTestId('ledger-include-sessions').click();
      await page.locator('[data-testid="ledger-row"][data-action="auth.login"]').first().waitFor();
      await page.getByTestId('ledger-include-sessions').click();
      await assertNoChinese(page, 'filtered ledger');
      await page.locator(`[data-testid="ledger-row"][data-seq="${ctx.clerkSeq}"]`).click();
      await page.getByTestId('entry-detail').waitFor();
      await assertNoChinese(page, 'ledger entry');
      await screenshot(page, 'en-ledger-entry');
      await page.keyboard.press('Escape');
      await page.getByTestId('entry-detail').waitFor({ state: 'hidden' });

      await page.getByTestId('nav-users').click();
      await page.getByTestId(`user-row-${CLERK.username}`).waitFor();
      await assertNoChinese(page, 'users');
      await screenshot(page, 'en-users');
      await page.getByTestId('add-user').click();
      await page.getByTestId('add-user-username').waitFor();
      await page.getByTestId('role-admin').check();
      await page.waitForTimeout(300);
      await assertNoChinese(page, 'add user');
      await screenshot(page, 'en-users-add');
      await dialog(page, 'add-user-username').getByRole('button', { name: buttonName('en', 'ui:common.cancel') }).click();
      await dialog(page, 'add-user-username').waitFor({ state: 'hidden' });

      // A reload keeps English (remembered in localStorage) and keeps the session (it lives in main).
      await page.reload();
      await page.getByTestId('shell').waitFor();
      assert.equal(await page.getByTestId('logout').innerText(), tx('en', 'ui:shell.logout'));

      await page.getByTestId('logout').click();
      await page.getByTestId('login-screen').waitFor();
      await assertNoChinese(page, 'login');
      await page.getByTestId('login-username').fill(CLERK.username);
      await page.getByTestId('login-password').fill('not-it');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('error-alert').waitFor();
      assert.ok((await page.getByTestId('error-alert').innerText()).includes(tx('en', 'errors:auth.bad_credentials')));
      await assertNoChinese(page, 'login');
      await screenshot(page, 'en-login');

      // The clerk's first login: the password the admin chose opens only the "set your own" screen.
      await page.getByTestId('login-password').fill(firstPassword(CLERK.password));
      await page.getByTestId('login-submit').click();
      await page.getByTestId('first-password-screen').waitFor();
      assert.equal(await page.getByTestId('nav-ledger').count(), 0);
      await assertNoChinese(page, 'first password');
      await assertNoRawKeys(page, 'first password');
      await page.getByTestId('account-current-password').fill(firstPassword(CLERK.password));
      await page.getByTestId('account-new-password').fill(CLERK.password);
      await page.getByTestId('account-confirm-password').fill(CLERK.password);
      await page.getByTestId('account-submit').click();
      // A clerk sees the ledger but not the user list (and starts on the Recordings screen).
      await page.getByTestId('recordings-screen').waitFor();
      await page.getByTestId('nav-ledger').click();
      await page.getByTestId('ledger-screen').waitFor();
      assert.equal(await page.getByTestId('nav-users').count(), 0);
      assert.equal(await page.getByTestId('ledger-export-checkpoint').isDisabled(), true);
      assertClean(sp, 'English shell');
      await sp.close();
      ctx.main = null;

      // Unlock after a restart, in English.
      ctx.server.close();
      ctx.server = ctx.reopen();
      const unlock = await openStationPage(ctx.browser, ctx.server, ctx.url, { language: 'en' });
      await unlock.page.getByTestId('unlock-screen').waitFor();
      await assertNoChinese(unlock.page, 'unlock');
      await screenshot(unlock.page, 'en-unlock');
      assertClean(unlock, 'English unlock');
      await unlock.close();

      // First-run setup, in English, on a second, empty station.
      const otherDir = mkdtempSync(join(tmpdir(), 'station-e2e-en-'));
      const other = openStationApi({ dataDir: otherDir });
      try {
        const setup = await openStationPage(ctx.browser, other, ctx.url, { language: 'en' });
        await setup.page.getByTestId('setup-screen').waitFor();
        await assertNoChinese(setup.page, 'setup');
        await screenshot(setup.page, 'en-setup');
        await setup.page.getByTestId('setup-agency-code').fill(AGENCY.code);
        await setup.page.getByTestId('setup-agency-name').fill('Example City Traffic Police');
        await setup.page.getByTestId('setup-next').click();
        await setup.page.getByTestId('setup-passphrase').fill(PASSPHRASE);
        await setup.page.getByTestId('setup-passphrase-confirm').fill('mismatch');
        await setup.page.getByTestId('setup-next').click();
        await setup.page.getByText(tx('en', 'ui:setup.passphraseMismatch')).waitFor();
        await assertNoChinese(setup.page, 'setup passphrase');
        await screenshot(setup.page, 'en-setup-passphrase');
        assertClean(setup, 'English setup');
        await setup.close();
      } finally {
        other.close();
        rmSync(otherDir, { recursive: true, force: true });
      }
    },
  },
];

async function main(): Promise<number> {
  if (!existsSync(CHROMIUM)) {
    console.error(`e2e: Chromium not found at ${CHROMIUM} (apt-get install chromium fonts-noto-cjk)`);
    console.log('e2e: 0 passed, 1 failed');
    return 1;
  }
  if (process.env.E2E_SKIP_BUILD !== '1' || !existsSync(join(rendererDir, 'index.html'))) {
    const t0 = Date.now();
    await buildRenderer();
    console.log(`e2e: renderer built in ${Date.now() - t0} ms`);
  }
  // Screenshots describe this run only; a stale FAILED-*.png from an earlier run would mislead.
  rmSync(screenshotDir, { recursive: true, force: true });
  // Playback: the same servePlayback as Electron's station-media: handler, over loopback HTTP.
  const media = await serveMedia(() => ctx.server);
  const http = await serveStatic(rendererDir, { mediaOrigin: media.origin });
  const browser = await launchChromium();
  const dataDir = mkdtempSync(join(tmpdir(), 'station-e2e-'));
  const scratch = mkdtempSync(join(tmpdir(), 'station-e2e-scratch-'));
  const reopen = () => openStationApi({ dataDir, mediaUrl: media.url });
  const ctx: Ctx = { browser, url: http.url, dataDir, server: reopen(), main: null, clerkSeq: 0, reopen, scratch, dock: null, pages: {}, clip: null };
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    const all = [...scenarios, ...dockScenarios, ...accessScenarios, ...casesScenarios, ...burnScenarios, ...settingsScenarios, ...flowsScenarios, ...replicaScenarios];
    // E2E_ONLY=<prefix> runs the scenarios whose names start with it, for iterating on a story that
    // sets up its own station (e.g. "settings:"); the others build on the ones before them.
    // Several prefixes, comma-separated, run a story that spans them (e.g. "cases:,retention:,reports:,burn:").
    const only = process.env.E2E_ONLY?.split(',').filter(Boolean);
    for (const s of only?.length ? all.filter((x) => only.some((p) => x.name.startsWith(p))) : all) {
      // Scenarios build on each other (one station, one story); after a failure the rest would only repeat it.
      if (failed > 0) {
        skipped++;
        console.log(`  - ${s.name} (skipped)`);
        continue;
      }
      const t0 = Date.now();
      try {
        await s.run(ctx);
        passed++;
        console.log(`  ✓ ${s.name} (${Date.now() - t0} ms)`);
      } catch (e) {
        failed++;
        console.log(`  ✗ ${s.name}\n${String(e instanceof Error ? e.stack : e).replace(/^/gm, '      ')}`);
        const page = ctx.main?.page ?? browser.contexts().flatMap((c) => c.pages()).at(-1);
        if (page) await screenshot(page, `FAILED-${passed + failed}`).catch(() => undefined);
        for (const p of [ctx.main, ...Object.values(ctx.pages)].flatMap((sp) => sp?.problems ?? [])) console.log(`      ${p}`);
      }
    }
  } finally {
    await ctx.dock?.handle.stop().catch(() => undefined);
    await browser.close();
    await http.close();
    await media.close();
    ctx.server.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`e2e: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
