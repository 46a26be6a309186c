import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStation, type TestStation } from '../../../tests/support/testStation.ts';
import { verifyPaths } from './verifyWorker.ts';

let t: TestStation;
afterEach(() => t?.cleanup());

const MiB = 1 << 20;
async function* chunksOf(buf: Buffer, size = 64 * 1024) {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of it) parts.push(p);
  return Buffer.concat(parts);
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('vault inside the station', () => {
  it.each([0, 1, MiB, MiB + 1, 3 * MiB + 12345])('round trip of %i bytes, hash equals sha256 of the source', async (size) => {
    t = await createTestStation();
    const data = randomBytes(size);
    const obj = await t.station.vault.put(chunksOf(data), {
      ledgerEntry: (o) => ({ actor: 'admin', action: 'test.put', subject: `object:${o.id}`, details: { sha256: o.sha256 } }),
    });
    expect(obj).toMatchObject({ size, sha256: sha(data) });
    expect((await collect(t.station.vault.read(obj.id))).equals(data)).toBe(true);
    if (size > 10) {
      const got = await collect(t.station.vault.read(obj.id, { start: 5, end: size - 2 }));
      expect(got.equals(data.subarray(5, size - 1))).toBe(true);
    }
    await t.station.vault.verifyObject(obj.id);
    // The ciphertext never contains the plaintext.
    const file = readFileSync(t.station.vault.objectPath(obj.id));
    if (size >= 32) expect(file.includes(data.subarray(0, 32))).toBe(false);
    expect(t.station.ledger.entry(t.station.ledger.size)!.action).toBe('test.put');
  });

  it('two objects whose files were swapped fail get and verify, naming the object', async () => {
    t = await createTestStation();
    const a = await t.station.vault.put(chunksOf(randomBytes(2 * MiB + 7)));
    const b = await t.station.vault.put(chunksOf(randomBytes(2 * MiB + 7)));
    const pa = t.station.vault.objectPath(a.id);
    const pb = t.station.vault.objectPath(b.id);
    renameSync(pa, `${pa}.x`);
    renameSync(pb, pa);
    renameSync(`${pa}.x`, pb);
    await expect(collect(t.station.vault.read(a.id))).rejects.toMatchObject({ code: 'vault.object_corrupt', params: expect.objectContaining({ objectId: a.id }) });
    await expect(t.station.vault.verifyObject(b.id)).rejects.toMatchObject({ code: 'vault.object_corrupt', params: expect.objectContaining({ objectId: b.id }) });
    const result = await t.admin.invoke('vault.verify', {});
    expect(result.ok).toBe(false);
    expect(result.failures.map((f) => f.objectId).sort()).toEqual([a.id, b.id].sort());
    expect(t.station.ledger.entry(t.station.ledger.size)).toMatchObject({ action: 'vault.verify_failed', actor: 'admin' });
  });

  it('a flipped byte fails the read without returning that chunk as success', async () => {
    t = await createTestStation();
    const data = randomBytes(3 * MiB);
    const obj = await t.station.vault.put(chunksOf(data));
    const path = t.station.vault.objectPath(obj.id);
    const file = readFileSync(path);
    file[file.length - 100]! ^= 0x01;
    writeFileSync(path, file);
    const got: Buffer[] = [];
    await expect(
      (async () => {
        for await (const part of t.station.vault.read(obj.id)) got.push(part);
      })(),
    ).rejects.toMatchObject({ code: 'vault.object_corrupt' });
    // Only chunks that authenticated were handed out, and the last (tampered) one was not.
    expect(Buffer.concat(got).length).toBeLessThan(data.length);
    expect(data.subarray(0, Buffer.concat(got).length).equals(Buffer.concat(got))).toBe(true);
  });

  it('vault.verify passes on a healthy vault, reports progress and is ledgered', async () => {
    t = await createTestStation();
    await t.station.vault.put(chunksOf(randomBytes(2 * MiB)));
    const progress: unknown[] = [];
    t.admin.on((event, p) => event === 'vault.verify.progress' && progress.push(p));
    const result = await t.admin.invoke('vault.verify', {});
    expect(result).toMatchObject({ ok: true, checked: 1, bytes: 2 * MiB });
    expect(progress.length).toBeGreaterThan(0);
    expect(t.station.ledger.entry(t.station.ledger.size)).toMatchObject({ action: 'vault.verified' });
  });

  it('verifyAll checks objects in parallel: totals add up, failures in catalogue order, concurrency 1 agrees', async () => {
    t = await createTestStation();
    const sizes = [3 * MiB + 1, 0, MiB, 2 * MiB + 5, 17, MiB + 3];
    const objects: { id: string }[] = [];
    for (const size of sizes) objects.push(await t.station.vault.put(chunksOf(randomBytes(size))));
    // Two damaged objects; the first is the largest, so in parallel it is found out after the other.
    for (const o of [objects[3]!, objects[0]!]) {
      const path = t.station.vault.objectPath(o.id);
      const file = readFileSync(path);
      file[file.length - 20]! ^= 0x01;
      writeFileSync(path, file);
    }
    const total = sizes.reduce((a, b) => a + b, 0);
    // Puts within one millisecond are ordered by id in the catalogue, not by when they were made.
    const catalogueOrder = t.station.vault.list().map((o) => o.id);
    for (const concurrency of [undefined, 1, 6]) {
      const progress: { objects: number; bytes: number; totalObjects: number; totalBytes: number }[] = [];
      const result = await t.station.vault.verifyAll((p) => progress.push(p), { concurrency });
      expect(result).toEqual({
        ok: false,
        checked: sizes.length,
        bytes: total,
        failures: catalogueOrder
          .filter((id) => id === objects[0]!.id || id === objects[3]!.id)
          .map((objectId) => ({ objectId, code: 'vault.object_corrupt' })),
      });
      expect(progress.at(-1)).toMatchObject({ objects: sizes.length, totalObjects: sizes.length, bytes: total, totalBytes: total });
      // Totals only ever grow, whichever object moved them.
      for (let i = 1; i < progress.length; i++) {
        expect(progress[i]!.bytes).toBeGreaterThanOrEqual(progress[i - 1]!.bytes);
        expect(progress[i]!.objects).toBeGreaterThanOrEqual(progress[i - 1]!.objects);
      }
    }
  });

  it('verifyAll starts the largest objects first, so no large one is left to run alone at the end', async () => {
    t = await createTestStation();
    const sizes = [17, 2 * MiB, 1000, 3 * MiB, MiB];
    const ids: string[] = [];
    for (const size of sizes) ids.push((await t.station.vault.put(chunksOf(randomBytes(size)))).id);
    const vault = t.station.vault;
    const verifyObject = vault.verifyObject.bind(vault);
    const started: string[] = [];
    vault.verifyObject = (id, onProgress) => {
      started.push(id);
      return verifyObject(id, onProgress);
    };
    expect(await vault.verifyAll(undefined, { concurrency: 1 })).toMatchObject({ ok: true, checked: sizes.length });
    const bySize = sizes.map((size, i) => ({ size, id: ids[i]! })).sort((a, b) => b.size - a.size);
    expect(started).toEqual(bySize.map((o) => o.id));
    // In parallel too: the two largest are the first two started.
    started.length = 0;
    await vault.verifyAll(undefined, { concurrency: 2 });
    expect(started.slice(0, 2)).toEqual(bySize.slice(0, 2).map((o) => o.id));
  });

  it('a fixity check reads through the page cache; the put\'s own read-back does not ask for it', async () => {
    t = await createTestStation();
    const before = { ...verifyPaths };
    const obj = await t.station.vault.put(chunksOf(randomBytes(MiB + 3)));
    // Direct where the file system takes O_DIRECT (tmpfs does not): either way one object read back, not buffered by choice.
    expect(verifyPaths.direct - before.direct + verifyPaths.buffered - before.buffered).toBe(1);
    const afterPut = { ...verifyPaths };
    await t.station.vault.verifyObject(obj.id);
    expect(verifyPaths.buffered - afterPut.buffered).toBe(1);
    expect(verifyPaths.direct - afterPut.direct).toBe(0);
  });

  it('shredding destroys the key: the object can never be read again, the ledger remains verifiable', async () => {
    t = await createTestStation();
    const obj = await t.station.vault.put(chunksOf(randomBytes(1000)));
    const copy = `${t.dir}/stolen-copy.evo`;
    copyFileSync(t.station.vault.objectPath(obj.id), copy);
    await t.station.vault.shred('admin', obj.id, { reason: 'test' });
    expect(existsSync(t.station.vault.objectPath(obj.id))).toBe(false);
    await expect(collect(t.station.vault.read(obj.id))).rejects.toMatchObject({ code: 'vault.object_shredded' });
    const row = t.station.db.prepare('SELECT wrapped_key FROM vault_objects WHERE id = ?').get(obj.id) as { wrapped_key: Buffer | null };
    expect(row.wrapped_key).toBeNull();
    expect((await t.admin.invoke('ledger.verify', {})).ok).toBe(true);
  });

  it('the sweep removes a lease a killed writer never renamed into place, and keeps one whose process lives', async () => {
    t = await createTestStation();
    const tmp = t.station.paths.vaultTmp;
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    const dead = join(tmp, `.0b7d8f5e-1111-4222-8333-944445555666.lease.${deadPid}`);
    const live = join(tmp, `.0b7d8f5e-1111-4222-8333-944445555667.lease.${process.pid}`);
    mkdirSync(tmp, { recursive: true });
    writeFileSync(dead, '{}');
    writeFileSync(live, '{}');
    await t.station.vault.sweep();
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it('refuses puts while locked', async () => {
    t = await createTestStation();
    t.station.lock();
    await expect(t.station.vault.put(chunksOf(Buffer.from('x')))).rejects.toMatchObject({ code: 'station.locked' });
    const files = existsSync(t.station.paths.objects) ? readdirSync(t.station.paths.objects, { recursive: true }) : [];
    expect(files).toEqual([]);
    expect(t.station.db.prepare('SELECT COUNT(*) AS n FROM vault_objects').get()).toEqual({ n: 0 });
  });
});
