import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_READ_BYTES, bufferReader, withFileReader } from './fileReader.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'es-reader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('withFileReader', () => {
  it('reads ranges at offsets and reports the size', async () => {
    const path = join(dir, 'a.bin');
    await writeFile(path, Buffer.from('0123456789'));
    await withFileReader(path, async (r) => {
      expect(r.size).toBe(10);
      expect((await r.read(2, 3)).toString()).toBe('234');
      expect((await r.read(0, 10)).toString()).toBe('0123456789');
    });
  });

  it('returns short reads at the end and empty reads past it', async () => {
    const path = join(dir, 'b.bin');
    await writeFile(path, Buffer.from('abc'));
    await withFileReader(path, async (r) => {
      expect((await r.read(1, 100)).toString()).toBe('bc');
      expect((await r.read(3, 5)).length).toBe(0);
      expect((await r.read(1000, 5)).length).toBe(0);
    });
  });

  it('refuses negative, fractional and oversized reads', async () => {
    const path = join(dir, 'c.bin');
    await writeFile(path, Buffer.from('abc'));
    await withFileReader(path, async (r) => {
      await expect(r.read(-1, 1)).rejects.toThrow(RangeError);
      await expect(r.read(0.5, 1)).rejects.toThrow(RangeError);
      await expect(r.read(0, MAX_READ_BYTES + 1)).rejects.toThrow(RangeError);
    });
  });

  it('closes the handle even when the callback throws, and passes the error on', async () => {
    const path = join(dir, 'd.bin');
    await writeFile(path, Buffer.from('x'));
    await expect(
      withFileReader(path, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });

  it('rejects with the system error for a missing file', async () => {
    await expect(withFileReader(join(dir, 'missing'), async () => 1)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('bufferReader', () => {
  it('serves views of a Uint8Array slice', async () => {
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const r = bufferReader(backing.subarray(2, 5));
    expect(r.size).toBe(3);
    expect([...(await r.read(1, 5))]).toEqual([2, 3]);
    expect((await r.read(3, 1)).length).toBe(0);
  });
});
