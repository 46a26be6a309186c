import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OffThreadHash } from './offThreadHash.ts';

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

describe('OffThreadHash', () => {
  it('gives the SHA-256 of the bytes in the order given, as sha256sum would', async () => {
    const parts = [randomBytes(1), randomBytes(1 << 20), randomBytes(3), randomBytes(5 << 20), randomBytes(77)];
    const h = new OffThreadHash();
    for (const p of parts) await h.update(p);
    expect(await h.digest()).toBe(sha256(...parts));
  });

  it('hashes nothing as the SHA-256 of the empty string', async () => {
    const h = new OffThreadHash();
    await h.update(new Uint8Array(0));
    expect(await h.digest()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('leaves a buffer untouched unless it is handed over, and moves a handed-over one', async () => {
    const kept = randomBytes(1 << 16);
    const copyOfKept = Buffer.from(kept);
    const given = new Uint8Array(new ArrayBuffer(1 << 16)).fill(7);
    const expected = sha256(kept, given);
    const h = new OffThreadHash();
    await h.update(kept);
    await h.update(given, true);
    expect(kept.equals(copyOfKept)).toBe(true);
    // Moved to the worker: nothing was copied, and the caller's view is now empty.
    expect(given.byteLength).toBe(0);
    expect(await h.digest()).toBe(expected);
  });

  it('copies what cannot be moved: views into a larger buffer and Node-pooled small buffers', async () => {
    const big = randomBytes(4096);
    const view = big.subarray(100, 300);
    const pooled = Buffer.from('a small pooled buffer');
    const h = new OffThreadHash();
    await h.update(view, true);
    await h.update(pooled, true);
    expect(view.length).toBe(200);
    expect(pooled.toString()).toBe('a small pooled buffer');
    expect(await h.digest()).toBe(sha256(big.subarray(100, 300), Buffer.from('a small pooled buffer')));
  });

  it('keeps concurrent hashes apart, and a discarded one does not leak into the next on the same worker', async () => {
    const a = randomBytes(3 << 20);
    const b = randomBytes(2 << 20);
    const dropped = new OffThreadHash();
    await dropped.update(randomBytes(1 << 20));
    dropped.discard();
    const ha = new OffThreadHash();
    const hb = new OffThreadHash();
    for (let i = 0; i < a.length; i += 1 << 18) {
      await ha.update(a.subarray(i, i + (1 << 18)));
      if (i < b.length) await hb.update(b.subarray(i, i + (1 << 18)));
    }
    const [da, db] = await Promise.all([ha.digest(), hb.digest()]);
    expect(da).toBe(sha256(a));
    expect(db).toBe(sha256(b));
    const next = new OffThreadHash();
    await next.update(b);
    expect(await next.digest()).toBe(sha256(b));
  });

  it('refuses use after it has ended', async () => {
    const h = new OffThreadHash();
    await h.digest();
    await expect(h.update(randomBytes(8))).rejects.toMatchObject({ code: 'vault.hash_failed' });
    h.discard();
  });
});
