import { afterEach, describe, expect, it } from 'vitest';
import { Station } from './station.ts';
import { verifyCheckpoint } from './ledger/checkpoint.ts';
import { verifyLedger } from './ledger/ledger.ts';
import { createTestStation, PASSPHRASE, type TestStation } from '../../tests/support/testStation.ts';

let t: TestStation;
afterEach(() => t?.cleanup());

describe('station setup and unlock', () => {
  it('init writes the first ledger entries and a checkpoint that verifies with only the public key', async () => {
    t = await createTestStation();
    const first = t.station.ledger.entry(1)!;
    expect(first.action).toBe('station.initialized');
    expect(first.details.agencyCode).toBe('TEST01');
    const cp = t.station.ledger.latestCheckpoint()!;
    const publicKey = Buffer.from(t.station.status().publicKey!, 'base64');
    expect(verifyCheckpoint(cp.note, publicKey, t.station.origin).size).toBe(cp.size);
    expect(verifyLedger(t.station.db, publicKey, t.station.origin).ok).toBe(true);
  });

  it('a wrong passphrase is refused with a clear error, changes nothing and is itself recorded', async () => {
    t = await createTestStation();
    const size = t.station.ledger.size;
    const keysBefore = t.station.db.prepare('SELECT * FROM station_keys').get();
    t.station.close();
    const reopened = Station.open({ dataDir: t.dir });
    await expect(reopened.unlock('not the passphrase')).rejects.toMatchObject({ code: 'station.wrong_passphrase', kind: 'denied' });
    expect(reopened.unlocked).toBe(false);
    // The one write is the ledger entry of the failure (issue 10, defect 17): anonymous, counted.
    expect(reopened.ledger.size).toBe(size + 1);
    expect(reopened.ledger.entry(size + 1)).toMatchObject({ actor: 'anonymous', action: 'station.unlock_failed', details: { failures: 1, delaySeconds: 0 } });
    expect(reopened.db.prepare('SELECT * FROM station_keys').get()).toEqual(keysBefore);
    reopened.close();
    t.station = Station.open({ dataDir: t.dir });
  });

  it('refuses stored KDF parameters below the floor', async () => {
    t = await createTestStation();
    const row = t.station.db.prepare('SELECT kdf FROM station_keys').get() as { kdf: string };
    const weakened = { ...JSON.parse(row.kdf), memoryKiB: 1024, iterations: 1 };
    t.station.db.prepare('UPDATE station_keys SET kdf = ?').run(JSON.stringify(weakened));
    t.station.lock();
    await expect(t.station.unlock(PASSPHRASE)).rejects.toMatchObject({ code: 'station.kdf_below_floor' });
    expect(t.station.unlocked).toBe(false);
  });

  it('refuses to initialize twice and refuses a short passphrase without creating anything', async () => {
    t = await createTestStation();
    await expect(
      t.station.init({ agencyCode: 'X', agencyName: 'x', passphrase: PASSPHRASE, admin: { username: 'a', displayName: 'a', password: 'password1' } }),
    ).rejects.toMatchObject({ code: 'station.already_initialized' });
    const fresh = Station.open({ dataDir: `${t.dir}/other` });
    await expect(
      fresh.init({ agencyCode: 'X', agencyName: 'x', passphrase: 'short', admin: { username: 'a', displayName: 'a', password: 'password1' } }),
    ).rejects.toMatchObject({ code: 'station.passphrase_too_short' });
    expect(fresh.initialized).toBe(false);
    await expect(
      fresh.init({ agencyCode: 'X', agencyName: 'x', timeZone: 'Mars/Olympus_Mons', passphrase: PASSPHRASE, admin: { username: 'a', displayName: 'a', password: 'password1' } }),
    ).rejects.toMatchObject({ code: 'station.bad_time_zone', params: { timeZone: 'Mars/Olympus_Mons' } });
    expect(fresh.initialized).toBe(false);
  });

  it('signs a checkpoint every N entries while unlocked and catches up after a locked period', async () => {
    t = await createTestStation();
    const every = t.station.ledger.checkpointEvery;
    while (t.station.ledger.size < every) {
      t.station.write(() => t.station.ledger.append({ actor: 'admin', action: 'test.filler', subject: 'x' }));
    }
    expect(t.station.ledger.latestCheckpoint()!.size).toBe(every);
    t.station.lock();
    for (let i = 0; i < every + 5; i++) t.station.write(() => t.station.ledger.append({ actor: 'admin', action: 'test.filler', subject: 'x' }));
    expect(t.station.ledger.latestCheckpoint()!.size).toBe(every);
    await t.station.unlock(PASSPHRASE);
    expect(t.station.ledger.latestCheckpoint()!.size).toBe(t.station.ledger.size);
  });
});
