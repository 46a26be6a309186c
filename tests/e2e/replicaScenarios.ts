// The setup wizard's other first-run choice in the browser (issue 12 item 6): a station replicated
// to a real Ceph RGW, then a new PC whose first-run wizard rebuilds it from the replica with the
// station passphrase. A wrong passphrase is refused with the translated message and nothing is
// written; the right one restores, the restored station unlocks, its users sign in, its ledger
// verifies, every object is the source's hash for hash, and its Replication screen shows the
// bucket's default retention in both languages. Ceph is started here, only when this
// scenario runs (its bootstrap costs ~20–35 s of the scenario's time on two cores), and stopped at
// its end whatever happened. A station of its own: it depends on no other story.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectLockConfigurationCommand } from '@aws-sdk/client-s3';
import { openStationApi } from '../../electron/api/server.ts';
import { Station } from '../../electron/core/station.ts';
import { CephCluster, TEST_ACCESS_KEY, TEST_SECRET_KEY, cephUnavailable } from '../support/ceph.ts';
import { nameAt, randomMp4, shanghaiNow } from '../support/recorderFiles.ts';
import { openAgencyWindow, screenshot } from './harness.ts';
import { tx } from './locale.ts';
import { login } from './dockScenarios.ts';
import { USER_DATA, assertClean, assertNoRawKeys, switchLanguage, type Ctx, type Scenario } from './steps.ts';

const AGENCY = { code: 'SY-RP-0001', name: '示例县交通运输综合行政执法大队' };
const PASSPHRASE = 'Replica-Room-East-2026!';
const ADMIN = { username: 'admin', displayName: '周立', password: 'admin-password-5' };
const CUSTODIAN = { username: 'custodian5', displayName: '吴霞', password: 'custodian-password-5' };
const BUCKET = 'e2e-replica';

USER_DATA.unshift(AGENCY.name, ADMIN.displayName, CUSTODIAN.displayName);

type ObjectRow = { id: string; sha256: string; size: number };
const objectsOf = (station: Station) => station.db.prepare('SELECT id, sha256, size FROM vault_objects WHERE shredded_at IS NULL ORDER BY id').all() as ObjectRow[];

/** The lost station: two recordings ingested and replicated (objects, ledger, catalogue snapshot). */
async function replicatedStation(ctx: Ctx, endpoint: string): Promise<{ objects: ObjectRow[]; ledgerSize: number }> {
  const station = Station.open({ dataDir: join(ctx.scratch, 'replica-source') });
  const src = join(ctx.scratch, 'replica-source-recorder');
  try {
    await station.init({ agencyCode: AGENCY.code, agencyName: AGENCY.name, passphrase: PASSPHRASE, admin: { username: ADMIN.username, displayName: ADMIN.displayName, password: ADMIN.password } });
    await station.users.add(ADMIN.username, { username: CUSTODIAN.username, displayName: CUSTODIAN.displayName, roles: ['custodian'], password: CUSTODIAN.password });
    mkdirSync(src);
    for (let i = 1; i <= 2; i++) writeFileSync(join(src, nameAt(shanghaiNow(-3_600_000 * i), { sequence: i })), randomMp4({ mdatBytes: i * 3 * 1024 * 1024 }));
    const docked = await station.ingest.ingest({ kind: 'folder', root: src, sourceKey: `folder:${src}`, device: null, fsType: null, label: null, recorder: null, vendorInfo: null }, CUSTODIAN.username);
    assert.equal(docked.session.counts.ingested, 2);
    const replica = station.replica;
    const { worm } = await replica.configure(ADMIN.username, { endpoint, bucket: BUCKET, accessKeyId: TEST_ACCESS_KEY, secret: TEST_SECRET_KEY });
    assert.equal(worm.ok, true, `WORM self-test: ${worm.failures.join(', ')}`);
    const run = await replica.run({ actor: ADMIN.username, ignoreBackoff: true });
    assert.equal(run.stored, 2, `replica run: ${JSON.stringify(run)}`);
    assert.ok(run.snapshot, 'the run leaves a catalogue snapshot to restore from');
    return { objects: objectsOf(station), ledgerSize: run.snapshot.ledgerSize };
  } finally {
    station.close();
    rmSync(src, { recursive: true, force: true });
  }
}

export const replicaScenarios: Scenario[] = [
  {
    name: "replica: a new PC's first-run wizard restores the station from its replica on a real RGW; a wrong passphrase is refused and writes nothing",
    async run(ctx) {
      const why = cephUnavailable();
      if (why) {
        console.log(`      (not run: ${why})`);
        return;
      }
      const t0 = Date.now();
      const ceph = await CephCluster.start();
      console.log(`      Ceph RGW started in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const s3 = ceph.adminClient();
      const fresh = join(ctx.scratch, 'replica-new-pc');
      mkdirSync(fresh);
      const server = openStationApi({ dataDir: fresh });
      try {
        await s3.send(new CreateBucketCommand({ Bucket: BUCKET, ObjectLockEnabledForBucket: true }));
        await s3.send(new PutObjectLockConfigurationCommand({ Bucket: BUCKET, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1 } } } }));
        const source = await replicatedStation(ctx, ceph.endpoint);

        const sp = await openAgencyWindow(ctx.browser, server, ctx.url);
        const { page } = sp;
        await page.getByTestId('setup-screen').waitFor();
        await page.getByTestId('setup-mode-restore').click();
        await page.getByTestId('restore-endpoint').fill(ceph.endpoint);
        await page.getByTestId('restore-bucket').fill(BUCKET);
        await page.getByTestId('restore-access-key-id').fill(TEST_ACCESS_KEY);
        await page.getByTestId('restore-secret').fill(TEST_SECRET_KEY);
        await assertNoRawKeys(page, 'restore from replica');

        // The wrong passphrase: refused in words, and the new PC's folders hold what they held.
        const before = { dataDir: readdirSync(fresh), scratch: readdirSync(ctx.scratch) };
        await page.getByTestId('restore-passphrase').fill('not the station passphrase');
        await page.getByTestId('restore-start').click();
        const alert = page.getByTestId('error-alert');
        await alert.waitFor({ timeout: 60_000 });
        assert.equal(await alert.getAttribute('data-error-code'), 'replica.restore_wrong_passphrase');
        assert.ok((await alert.innerText()).includes(tx('zh-CN', 'errors:replica.restore_wrong_passphrase', { bucket: BUCKET, stations: 1 })), await alert.innerText());
        await screenshot(page, 'zh-CN-restore-wrong-passphrase');
        assert.deepEqual(readdirSync(fresh), before.dataDir, 'a refused restore writes nothing into the data folder');
        assert.deepEqual(readdirSync(ctx.scratch), before.scratch, 'nor anything beside it');
        assert.equal(server.station.initialized, false);

        await page.getByTestId('restore-passphrase').fill(PASSPHRASE);
        await page.getByTestId('restore-start').click();
        const done = page.getByTestId('restore-done');
        await done.waitFor({ timeout: 120_000 });
        const shown = await done.innerText();
        assert.ok(shown.includes(AGENCY.code), shown);
        assert.ok(shown.includes(tx('zh-CN', 'ui:replicaRestore.vaultVerified', { objects: 2, mib: (source.objects.reduce((s, o) => s + o.size, 0) / 1048576).toFixed(1) })), shown);
        await screenshot(page, 'zh-CN-restore-done');
        await page.getByTestId('restore-continue').click();

        // The restored station opens with its passphrase, and its own users sign in.
        await page.getByTestId('unlock-screen').waitFor({ timeout: 30_000 });
        await page.getByTestId('unlock-passphrase').fill(PASSPHRASE);
        await page.getByTestId('unlock-submit').click();
        await login(page, ADMIN);
        assert.equal(await page.getByTestId('header-agency').innerText(), AGENCY.name);

        const client = server.connect();
        await client.invoke('auth.login', { username: ADMIN.username, password: ADMIN.password });
        const verified = await client.invoke('ledger.verify', {});
        assert.equal(verified.ok, true, `restored ledger verifies: ${JSON.stringify(verified)}`);
        assert.ok(verified.size > source.ledgerSize, 'the snapshot ledger, then what the new station wrote');
        assert.equal((server.station.db.prepare("SELECT count(*) AS n FROM ledger WHERE action = 'station.restored'").get() as { n: number }).n, 1);
        assert.deepEqual(objectsOf(server.station), source.objects, 'every object the source held, hash for hash');

        // The restored catalogue keeps the replica's settings: the Replication screen shows the
        // bucket's default retention the self-test set and read back (the shortest legal period).
        const days = server.station.settings.get('retention.default').years * 365;
        await page.getByTestId('nav-replica').click();
        const retention = page.getByTestId('replica-default-retention');
        await retention.waitFor();
        assert.equal((await retention.innerText()).trim(), tx('zh-CN', 'ui:replicaLock.defaultRetention', { days }));
        await switchLanguage(page, 'en');
        await page.getByText(tx('en', 'ui:replicaLock.defaultRetention', { days })).waitFor();
        await assertNoRawKeys(page, 'replication screen (en)');
        await screenshot(page, 'en-replica-default-retention');
        await switchLanguage(page, 'zh-CN');
        assertClean(sp, 'restore from replica');
        await sp.close();
      } finally {
        server.close();
        s3.destroy();
        await ceph.stop();
        console.log(`      scenario with Ceph: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
    },
  },
];
