// Dock and ingest in the browser (issue "Dock and ingest", Must show: "the Dock screen shows a
// docked test volume's progress to completion and the late-file explanation flow"). There are no
// USB events here: the REAL dock service runs on fake device ports (harness.fakeDevices), and a
// folder of real recorder files is "docked" as a mounted volume with a USB identity that is not a
// known recorder, so the custodian accepts it; a second folder goes in through "ingest a folder".
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startDock } from '../../electron/api/runtime/dock.ts';
import type { ApiClient } from '../../electron/api/server.ts';
import { nameAt, randomMp4, shanghaiNow } from '../support/recorderFiles.ts';
import { fakeDevices, openStationPage, screenshot, screenshotDir } from './harness.ts';
import { tx } from './locale.ts';
import { ADMIN, AUDITOR, CUSTODIAN, PASSPHRASE, USER_DATA, assertClean, assertNoRawKeys, buttonName, dialog, pickSelectOption, type Ctx, type Scenario, addReadyUser } from './steps.ts';

export const OFFICER = { badge: '010203', name: '张伟' };
export const SERIAL = '7654321';
const VOLUME_USB = { vendorId: 0x090c, productId: 0x1000, serialNumber: 'AA00000000012345', manufacturer: 'Generic', product: 'Flash Disk', portPath: null };
const LATE_TEXT = '执法人员当日外出执行任务至深夜，次日方返回单位移交，特此书面说明。';
const BULK_FILES = 24;
const HOUR = 3_600_000;
USER_DATA.push(OFFICER.name, LATE_TEXT, CUSTODIAN.displayName, AUDITOR.displayName);

export async function login(page: Page, user: { username: string; password: string }): Promise<void> {
  await page.getByTestId('login-screen').waitFor();
  await page.getByTestId('login-username').fill(user.username);
  await page.getByTestId('login-password').fill(user.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('shell').waitFor();
}

/** An api client of the station under test, signed in as `user` (setup steps that are not the subject of a scenario). */
export async function apiAs(ctx: Ctx, user: { username: string; password: string }): Promise<ApiClient> {
  const client = ctx.server.connect();
  await client.invoke('auth.login', { username: user.username, password: user.password });
  return client;
}

/**
 * A recorder's storage: BULK_FILES recent clips (4 MiB each, so the progress can be watched), two
 * segments 30 s apart (a possible interruption, 000 第九条), one recording from five days ago
 * (late against the 24-hour rule, 000 第十一条) and a symbolic link out of the volume (skipped,
 * with its reason).
 */
function recorderVolume(dir: string): { late: string; interrupted: string; entries: number } {
  const dcim = join(dir, 'DCIM', '100MEDIA');
  mkdirSync(dcim, { recursive: true });
  const name = (offsetMs: number, sequence: number) => nameAt(shanghaiNow(offsetMs), { deviceSerial: SERIAL, officerId: OFFICER.badge, sequence });
  for (let i = 0; i < BULK_FILES; i++) writeFileSync(join(dcim, name(-2 * HOUR - i * 30 * 60_000, i + 1)), randomMp4({ mdatBytes: 4 << 20 }));
  writeFileSync(join(dcim, name(-HOUR, 101)), randomMp4());
  const interrupted = name(-HOUR + 40_000, 102);
  writeFileSync(join(dcim, interrupted), randomMp4());
  const late = name(-5 * 24 * HOUR, 200);
  writeFileSync(join(dcim, late), randomMp4());
  symlinkSync('/etc/hostname', join(dcim, 'LINK_0001.MP4'));
  return { late, interrupted, entries: BULK_FILES + 4 };
}

async function recordingId(client: ApiClient, originalName: string): Promise<string> {
  const { items } = await client.invoke('recording.list', { text: originalName });
  assert.equal(items.length, 1, `one recording named ${originalName}`);
  return items[0]!.id;
}

const volumeState: { dir: string; late: string; interrupted: string; entries: number; lateId: string; interruptedId: string } = {
  dir: '',
  late: '',
  interrupted: '',
  entries: 0,
  lateId: '',
  interruptedId: '',
};

export const dockScenarios: Scenario[] = [
  {
    name: 'dock: a custodian goes on duty, accepts an unknown USB storage, and watches its ingest to completion',
    async run(ctx) {
      // The previous scenario restarted the station: unlock it, then the people this story needs.
      const anon = ctx.server.connect();
      await anon.invoke('station.unlock', { passphrase: PASSPHRASE });
      const admin = await apiAs(ctx, ADMIN);
      await addReadyUser(ctx.server, admin, CUSTODIAN, ['custodian']);
      await addReadyUser(ctx.server, admin, AUDITOR, ['auditor']);
      const custodianApi = await apiAs(ctx, CUSTODIAN);
      await custodianApi.invoke('officer.add', { badge: OFFICER.badge, name: OFFICER.name });

      const devices = fakeDevices();
      ctx.dock = { handle: await startDock(ctx.server, devices.devices), devices };

      const sp = await openStationPage(ctx.browser, ctx.server, ctx.url);
      ctx.pages.custodian = sp;
      const { page } = sp;
      await login(page, CUSTODIAN);
      // The Dock is the custodian's first screen.
      await page.getByTestId('dock-screen').waitFor();
      await page.getByTestId('dock-duty').filter({ hasText: tx('zh-CN', 'ui:dock.nobodyOnDuty') }).waitFor();
      await page.getByTestId('dock-on-duty').click();
      await page.getByTestId('dock-duty').filter({ hasText: tx('zh-CN', 'ui:dock.onDuty', { username: CUSTODIAN.username }) }).waitFor();
      await page.getByTestId('dock-empty').waitFor();

      const dir = join(ctx.scratch, 'recorder-volume');
      Object.assign(volumeState, { dir, ...recorderVolume(dir) });
      devices.dock({ mountPoint: dir, device: '/dev/sdx1', fsType: 'fuseblk', label: 'ZFY-7654321', usb: VOLUME_USB });

      // Not a known recorder: reported, ledgered, and NOT ingested on its own.
      const card = page.locator(`[data-testid="docked-volume"][data-state="unrecognized"]`);
      await card.waitFor({ timeout: 20_000 });
      assert.ok((await card.getByTestId('volume-unrecognized').innerText()).includes(tx('zh-CN', 'errors:dock.not_a_recorder')));
      assert.ok((await card.innerText()).includes(SERIAL), 'the serial the file names carry is shown');
      assert.equal((await custodianApi.invoke('ingest.sessions', {})).total, 0, 'unknown storage is not ingested automatically');
      assert.ok(ctx.server.station.ledger.size > 0);
      await assertNoRawKeys(page, 'dock');
      await screenshot(page, 'zh-CN-dock-unknown-storage');

      // Every value the progress shows, as React commits it, to prove the screen moved through the ingest.
      await page.evaluate(() => {
        const g = globalThis as unknown as { __seen: string[]; document: { body: unknown }; MutationObserver: new (cb: (records: { target: { getAttribute(a: string): string | null } }[]) => void) => { observe(n: unknown, o: unknown): void } };
        g.__seen = [];
        new g.MutationObserver((records) => {
          for (const r of records) {
            const v = r.target.getAttribute('data-files-done');
            if (v !== null) g.__seen.push(v);
          }
        }).observe(g.document.body, { subtree: true, attributes: true, attributeFilter: ['data-files-done'], childList: true });
      });

      await card.getByTestId('volume-accept').click();
      const accept = dialog(page, 'accept-serial');
      await accept.waitFor();
      assert.equal(await page.getByTestId('accept-serial').inputValue(), SERIAL, 'the serial is prefilled from the file names');
      await page.getByTestId('accept-model').fill('DSJ-E2E');
      await pickSelectOption(page, 'accept-officer', OFFICER.name);
      await screenshot(page, 'zh-CN-dock-accept');
      await accept.getByRole('button', { name: buttonName('zh-CN', 'ui:dock.acceptSubmit') }).click();
      await accept.waitFor({ state: 'hidden' });

      const docked = page.locator(`[data-testid="docked-volume"][data-mount-point="${dir}"]`);
      // A mid-ingest picture when the timing allows (speed and time left are shown while it runs);
      // taken at once, without the settling pause of screenshot().
      await docked
        .locator('[data-testid="session-speed"]')
        .waitFor({ timeout: 20_000 })
        .then(
          () => page.screenshot({ path: join(screenshotDir, 'zh-CN-dock-ingesting.png') }),
          () => undefined,
        );
      await docked.getByTestId('may-undock').waitFor({ timeout: 120_000 });
      const progress = docked.getByTestId('session-progress');
      assert.equal(await progress.getAttribute('data-percent'), '100');
      assert.equal(await progress.getAttribute('data-files-done'), String(volumeState.entries));
      assert.equal(await progress.getAttribute('data-files-total'), String(volumeState.entries));
      const seen = ((await page.evaluate(() => (globalThis as unknown as { __seen: string[] }).__seen)) ?? []).map(Number);
      assert.ok(
        seen.some((v) => v > 0 && v < volumeState.entries),
        `the progress was shown on its way, not only at the end (values seen: ${[...new Set(seen)].join(', ')})`,
      );
      assert.equal(await docked.getAttribute('data-state'), 'done');
      // The sessions list below does not claim there is no ingest record while this one is shown above.
      await page.getByTestId('dock-sessions-above').waitFor();
      assert.equal(await page.getByTestId('dock-no-sessions').count(), 0);
      assert.ok((await docked.getByTestId('volume-recorder').innerText()).includes(SERIAL));
      // The symbolic link is left behind with its reason, shown in place.
      const problems = await docked.getByTestId('session-problems').innerText();
      assert.ok(problems.includes('LINK_0001.MP4'), problems);
      assert.ok(problems.includes(tx('zh-CN', 'ui:dock.outcomes.skipped')), problems);

      volumeState.lateId = await recordingId(custodianApi, volumeState.late);
      volumeState.interruptedId = await recordingId(custodianApi, volumeState.interrupted);
      const flagged = docked.getByTestId('session-flagged');
      await flagged.getByTestId(`flagged-row-${volumeState.lateId}`).waitFor();
      await flagged.getByTestId(`flagged-row-${volumeState.interruptedId}`).waitFor();
      assert.equal(await flagged.getByTestId(`explained-${volumeState.lateId}-late_handover`).getAttribute('data-explained'), 'false');
      assert.equal(await flagged.getByTestId(`explained-${volumeState.interruptedId}-interruption`).getAttribute('data-explained'), 'false');
      // The recorder is now registered with its model and officer.
      const recorders = await custodianApi.invoke('recorder.list', {});
      assert.deepEqual(
        recorders.map((r) => [r.serial, r.model, r.officerBadge, r.registeredVia]),
        [[SERIAL, 'DSJ-E2E', OFFICER.badge, 'accepted_storage']],
      );
      await page.waitForTimeout(300);
      await assertNoRawKeys(page, 'dock');
      await screenshot(page, 'zh-CN-dock');
      await flagged.scrollIntoViewIfNeeded();
      await screenshot(page, 'zh-CN-dock-flagged');
      assertClean(sp, 'dock');
    },
  },
  {
    name: 'dock: the late file needs a written explanation; it is saved and shown in the recording history',
    async run(ctx) {
      const sp = ctx.pages.custodian!;
      const { page } = sp;
      const id = volumeState.lateId;
      const docked = page.locator(`[data-testid="docked-volume"][data-mount-point="${volumeState.dir}"]`);
      await docked.getByTestId(`explain-${id}`).click();
      const d = dialog(page, 'explain-text');
      await d.waitFor();
      assert.equal(await d.locator('input[type="radio"][value="late_handover"]').isChecked(), true, 'the late hand-over is what is asked for');
      // The explanation is required.
      await d.getByRole('button', { name: buttonName('zh-CN', 'ui:explain.submit') }).click();
      await d.getByText(tx('zh-CN', 'ui:explain.textRequired')).first().waitFor();
      await page.getByTestId('explain-text').fill(LATE_TEXT);
      await screenshot(page, 'zh-CN-dock-explain');
      await d.getByRole('button', { name: buttonName('zh-CN', 'ui:explain.submit') }).click();
      await d.waitFor({ state: 'hidden' });
      await docked.locator(`[data-testid="explained-${id}-late_handover"][data-explained="true"]`).waitFor();

      // Kept word for word in the ledger, as the custodian's act.
      const client = await apiAs(ctx, CUSTODIAN);
      const { entries } = await client.invoke('ledger.list', { subject: `recording:${id}`, action: 'recording.explained' });
      assert.equal(entries.length, 1, 'one recording.explained ledger entry');
      assert.equal(entries[0]!.actor, CUSTODIAN.username);
      assert.deepEqual(entries[0]!.details, { kind: 'late_handover', text: LATE_TEXT });

      // …and in the recording's own history, on the Recordings screen.
      await docked.getByTestId(`open-recording-${id}`).click();
      await page.getByTestId('recordings-screen').waitFor();
      const detail = page.locator(`[data-testid="recording-detail"][data-id="${id}"]`);
      await detail.waitFor();
      const history = detail.locator('[data-testid="history-entry"][data-action="recording.explained"]');
      await history.waitFor();
      assert.ok((await history.innerText()).includes(LATE_TEXT));
      const ingested = detail.locator('[data-testid="history-entry"][data-action="recording.ingested"]');
      assert.ok((await ingested.count()) === 1);
      // The entry reads as a translated action with named fields, not a code and a JSON object.
      await ingested.getByRole('button', { name: buttonName('zh-CN', 'ui:detailView.all') }).click();
      const ingestedText = await ingested.innerText();
      assert.doesNotMatch(ingestedText, /[{}"]|recording\.ingested|sessionId|clockDrift/, ingestedText);
      for (const key of ['ui:actions.recording.ingested', 'ui:detailFields.sessionId', 'ui:detailFields.sha256', 'ui:detailFields.handover']) assert.ok(ingestedText.includes(tx('zh-CN', key)), `${key} in ${ingestedText}`);
      // Where each time came from: all three kept, the name's one used.
      const times = detail.getByTestId('recording-times');
      for (const source of ['name', 'metadata', 'filesystem']) await times.locator(`tr[data-source="${source}"]`).waitFor();
      assert.ok((await times.locator('tr[data-source="name"]').innerText()).includes(tx('zh-CN', 'ui:recording.timeUsedTag')));
      await assertNoRawKeys(page, 'recording detail');
      await screenshot(page, 'zh-CN-recording-detail');
      await detail.getByTestId('recording-history').scrollIntoViewIfNeeded();
      await screenshot(page, 'zh-CN-recording-history');
      await page.keyboard.press('Escape');
      await detail.waitFor({ state: 'hidden' });

      // The list filters: only the late one is late.
      await page.locator('[data-testid="recording-row"]').first().waitFor();
      await page.getByTestId('recordings-filter-late').check();
      await page.getByTestId('recordings-count').filter({ hasText: tx('zh-CN', 'ui:recordings.count', { count: 1 }) }).waitFor();
      assert.equal(await page.locator('[data-testid="recording-row"]').getAttribute('data-id'), id);
      await page.getByTestId('recordings-filter-late').uncheck();
      await page.getByTestId('recordings-filter-needs-explanation').check();
      await page.locator(`[data-testid="recording-row"][data-id="${volumeState.interruptedId}"]`).waitFor();
      assert.equal(await page.locator('[data-testid="recording-row"]').count(), 1, 'only the interrupted one still needs an explanation');
      await page.getByTestId('recordings-filter-needs-explanation').uncheck();
      await page.getByTestId('recordings-count').filter({ hasText: tx('zh-CN', 'ui:recordings.count', { count: volumeState.entries - 1 }) }).waitFor();
      await screenshot(page, 'zh-CN-recordings');

      // Undocked: the volume leaves the screen, its session stays in the list.
      await page.getByTestId('nav-dock').click();
      await page.locator(`[data-testid="docked-volume"][data-mount-point="${volumeState.dir}"]`).waitFor();
      ctx.dock!.devices.undock(volumeState.dir);
      await page.locator(`[data-testid="docked-volume"][data-mount-point="${volumeState.dir}"]`).waitFor({ state: 'hidden' });
      await page.locator('[data-testid="ingest-session"][data-status="completed"]').first().waitFor();
      assertClean(sp, 'explanation');
    },
  },
  {
    name: 'dock: a folder is ingested by path from the Dock screen (a real H.264 clip, made with ffmpeg)',
    async run(ctx) {
      const sp = ctx.pages.custodian!;
      const { page } = sp;
      if (spawnSync('ffmpeg', ['-version']).status !== 0) {
        console.log('      (no ffmpeg on this machine: the playable clip is not made, the playback scenario will say so)');
        return;
      }
      // Debian's Chromium plays H.264 through its ffmpeg; fall back to VP9 in MP4 where it does not.
      const h264 = await page.evaluate(() => (globalThis as unknown as { document: { createElement(t: string): { canPlayType(t: string): string } } }).document.createElement('video').canPlayType('video/mp4; codecs="avc1.42E01E, mp4a.40.2"'));
      const folder = join(ctx.scratch, 'synced-folder');
      mkdirSync(folder, { recursive: true });
      const name = nameAt(shanghaiNow(-30 * 60_000), { deviceSerial: SERIAL, officerId: OFFICER.badge, sequence: 300 });
      const video = h264 ? ['-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p'] : ['-c:v', 'libvpx-vp9', '-b:v', '300k'];
      const made = spawnSync(
        'ffmpeg',
        ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=duration=8:size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=8', ...video, '-c:a', h264 ? 'aac' : 'libopus', '-shortest', '-movflags', '+faststart', join(folder, name)],
        { encoding: 'utf8' },
      );
      assert.equal(made.status, 0, `ffmpeg: ${made.stderr}`);
      console.log(`      clip: ${h264 ? 'H.264/AAC' : 'VP9/Opus'} in MP4 (Chromium canPlayType avc1: ${JSON.stringify(h264)})`);

      await page.getByTestId('ingest-path').fill(folder);
      await pickSelectOption(page, 'ingest-recorder', SERIAL);
      await page.getByTestId('ingest-start').click();
      const session = page.locator('[data-testid="ingest-session"]').filter({ hasText: 'synced-folder' });
      await session.locator('[data-testid="may-undock"]').waitFor({ timeout: 60_000 });
      assert.equal(await session.getAttribute('data-status'), 'completed');
      assert.ok((await session.getByTestId('session-recorder').innerText()).includes(SERIAL));
      assert.ok((await session.getByTestId('session-officer').innerText()).includes(OFFICER.name));
      await screenshot(page, 'zh-CN-dock-folder');
      const client = await apiAs(ctx, CUSTODIAN);
      ctx.clip = { id: await recordingId(client, name), name };
      const rec = (await client.invoke('recording.get', { id: ctx.clip.id })).recording;
      assert.equal(rec.kind, 'video');
      assert.equal(rec.source.kind, 'folder');
      assert.equal(rec.recorderSource, 'custodian');
      assertClean(sp, 'folder ingest');
    },
  },
];
