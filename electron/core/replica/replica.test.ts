// Fast checks without a store: bad input changes nothing, store failures map to translated codes,
// and a snapshot only opens for the station and ledger size it was sealed for. The real store is
// exercised by tests/integration/replica.test.ts (Ceph RGW).
import { randomBytes } from 'node:crypto';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStation, type TestStation } from '../../../tests/support/testStation.ts';
import { openSnapshot, sealSnapshot } from './snapshot.ts';
import { storeError } from './store.ts';
import { Throttle, inWindow, parseWindow } from './pacing.ts';

const s3error = (name: string, status: number) => new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });
const ctx = { endpoint: 'http://store', bucket: 'b' };

describe('replica without a store', () => {
  let t: TestStation | null = null;
  afterEach(() => {
    t?.cleanup();
    t = null;
  });

  it('store answers map to codes the front ends translate', () => {
    expect(storeError(s3error('InvalidAccessKeyId', 403), ctx).code).toBe('replica.bad_credentials');
    expect(storeError(s3error('SignatureDoesNotMatch', 403), ctx).code).toBe('replica.bad_credentials');
    expect(storeError(s3error('NoSuchBucket', 404), ctx).code).toBe('replica.no_bucket');
    expect(storeError(s3error('ObjectLockConfigurationNotFoundError', 404), ctx).code).toBe('replica.no_object_lock');
    expect(storeError(s3error('RequestTimeTooSkewed', 403), ctx).code).toBe('replica.clock_skew');
    expect(storeError(s3error('BadDigest', 400), ctx).code).toBe('replica.bad_digest');
    expect(storeError(s3error('XAmzContentSHA256Mismatch', 400), ctx).code).toBe('replica.bad_digest');
    expect(storeError(s3error('QuotaExceeded', 403), ctx).code).toBe('replica.store_full');
    expect(storeError(s3error('Whatever', 507), ctx).code).toBe('replica.store_full');
    expect(storeError(s3error('InternalError', 500), ctx)).toMatchObject({ code: 'replica.store_error', params: { code: 'InternalError', status: 500 } });
    expect(storeError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }), ctx).code).toBe('replica.unreachable');
  });

  it('the bandwidth cap holds for all parts in flight together: each part waits for its share of one line', () => {
    let now = 1000;
    const throttle = new Throttle(10 * 1048576, { nowMs: () => now });
    // Three parts of 5 MiB asked for at the same moment at 10 MiB/s: they start 0, 0.5 and 1 s apart.
    expect([throttle.reserve(5 * 1048576), throttle.reserve(5 * 1048576), throttle.reserve(5 * 1048576)]).toEqual([0, 500, 1000]);
    // Idle time is not saved up: after a pause the next part starts at once, the one after waits again.
    now += 10_000;
    expect(throttle.reserve(10 * 1048576)).toBe(0);
    expect(throttle.reserve(1048576)).toBe(1000);
    expect(new Throttle(null, { nowMs: () => now }).reserve(1e12)).toBe(0);
  });

  it('the off-peak window is read in the agency\'s time zone and may run over midnight', () => {
    const night = parseWindow('22:00-06:00')!;
    // 2026-12-07T15:00Z is 23:00 in Shanghai, 15:00 in London.
    expect(inWindow(night, new Date('2026-12-07T15:00:00Z'), 'Asia/Shanghai')).toBe(true);
    expect(inWindow(night, new Date('2026-12-07T15:00:00Z'), 'Europe/London')).toBe(false);
    expect(inWindow(night, new Date('2026-12-07T21:59:00Z'), 'Asia/Shanghai')).toBe(true); // 05:59
    expect(inWindow(night, new Date('2026-12-07T22:00:00Z'), 'Asia/Shanghai')).toBe(false); // 06:00
    expect(inWindow(parseWindow('09:30-11:00'), new Date('2026-12-07T01:30:00Z'), 'Asia/Shanghai')).toBe(true);
    expect(inWindow(parseWindow('off'), new Date(), 'Asia/Shanghai')).toBe(true);
    for (const bad of ['24:00-06:00', '22:00', '22:00-22:00', 'nightly']) expect(() => parseWindow(bad)).toThrow(expect.objectContaining({ code: 'replica.bad_window' }));
  });

  it('a snapshot opens only for the station and ledger size it was sealed for', () => {
    const key = randomBytes(32);
    const plain = Buffer.from('station.db bytes');
    const sealed = sealSnapshot(key, plain, 'station-a', 10);
    expect(openSnapshot(key, sealed, 'station-a', 10).equals(plain)).toBe(true);
    expect(() => openSnapshot(key, sealed, 'station-b', 10)).toThrow(expect.objectContaining({ code: 'replica.snapshot_corrupt' }));
    expect(() => openSnapshot(key, sealed, 'station-a', 11)).toThrow(expect.objectContaining({ code: 'replica.snapshot_corrupt' }));
    expect(() => openSnapshot(randomBytes(32), sealed, 'station-a', 10)).toThrow(expect.objectContaining({ code: 'replica.snapshot_corrupt' }));
  });

  it('bad settings and an unreachable store change nothing and write no ledger entry', async () => {
    t = await createTestStation();
    const replica = t.station.replica;
    const size = t.station.ledger.size;
    const base = { endpoint: 'http://127.0.0.1:9', bucket: 'evidence', accessKeyId: 'KEY', secret: 'secret' };
    await expect(replica.configure('admin', { ...base, endpoint: 'ftp://store' })).rejects.toMatchObject({ code: 'replica.bad_endpoint' });
    await expect(replica.configure('admin', { ...base, bucket: 'Bad_Bucket' })).rejects.toMatchObject({ code: 'replica.bad_bucket' });
    await expect(replica.configure('admin', { ...base, partSizeMiB: 1 })).rejects.toMatchObject({ code: 'replica.bad_part_size' });
    await expect(replica.configure('admin', base)).rejects.toMatchObject({ code: 'replica.unreachable' });
    expect(replica.config()).toBeNull();
    expect(t.station.ledger.size).toBe(size);
    await expect(replica.run({ actor: 'admin' })).rejects.toMatchObject({ code: 'replica.not_configured' });
    expect(() => replica.setOptions('admin', { parallelParts: 4 })).toThrow(expect.objectContaining({ code: 'replica.not_configured' }));
    // Not configured: the "only on this PC" count is still the truth.
    expect(replica.status()).toMatchObject({ config: null, onlyHere: 0 });
  });
});
