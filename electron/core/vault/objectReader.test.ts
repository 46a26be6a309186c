import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StationError } from '../errors.ts';
import { randomKey } from './keyWrap.ts';
import { chunkOffset, DEFAULT_CHUNK_SIZE, HEADER_LENGTH, TAG_LENGTH } from './objectFormat.ts';
import type { VaultObject } from './objectReader.ts';
import { openObject } from './objectReader.ts';
import { writeObject } from './objectWriter.ts';

const CHUNK = 16;
let root: string;
const opened: VaultObject[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vault-reader-'));
});

afterEach(async () => {
  for (const object of opened.splice(0)) await object.close();
  await rm(root, { recursive: true, force: true });
});

type Stored = { data: Buffer; key: Buffer; objectId: string; path: string };

async function store(size: number, chunkSize: number = CHUNK): Promise<Stored> {
  const data = randomBytes(size);
  const key = randomKey();
  const objectId = randomUUID();
  const path = join(root, objectId);
  async function* source(): AsyncGenerator<Buffer> {
    for (let at = 0; at < size; at += 7000) yield data.subarray(at, at + 7000);
  }
  await writeObject({ source: source(), key, objectId, destPath: path, tmpDir: join(root, 'tmp'), chunkSize });
  return { data, key, objectId, path };
}

async function open(s: Pick<Stored, 'path' | 'key' | 'objectId'>): Promise<VaultObject> {
  const object = await openObject(s.path, s.key, s.objectId);
  opened.push(object);
  return object;
}

/** Collects what a range yields before (and if) it fails, so tests can check nothing unverified got out. */
async function drain(iterable: AsyncIterable<Buffer>): Promise<{ data: Buffer; error?: unknown }> {
  const parts: Buffer[] = [];
  try {
    for await (const part of iterable) parts.push(Buffer.from(part));
  } catch (error) {
    return { data: Buffer.concat(parts), error };
  }
  return { data: Buffer.concat(parts) };
}

async function flip(path: string, at: number): Promise<void> {
  const file = await readFile(path);
  file[at]! ^= 0x01;
  await writeFile(path, file);
}

function expectChunkFailure(error: unknown, objectId: string, chunk: number): void {
  expect(error).toBeInstanceOf(StationError);
  expect((error as StationError).toJSON()).toEqual({
    kind: 'verify',
    code: 'vault.object_corrupt',
    params: { objectId, chunk },
  });
}

describe('openObject', () => {
  it('derives the plaintext size and chunk layout from the file', async () => {
    const s = await store(5 * CHUNK + 3);
    const object = await open(s);
    expect(object).toMatchObject({ objectId: s.objectId, size: 5 * CHUNK + 3, chunkSize: CHUNK, chunkCount: 6 });
  });

  it('accepts the expected id in upper case', async () => {
    const s = await store(3);
    const object = await open({ ...s, objectId: s.objectId.toUpperCase() });
    expect(object.objectId).toBe(s.objectId);
  });

  it('reports a missing file as vault.object_missing', async () => {
    const objectId = randomUUID();
    await expect(openObject(join(root, 'gone'), randomKey(), objectId)).rejects.toMatchObject({
      kind: 'io',
      code: 'vault.object_missing',
      params: { objectId },
    });
  });

  it('reports a file shorter than a header as corrupt', async () => {
    const objectId = randomUUID();
    await writeFile(join(root, 'short'), Buffer.alloc(HEADER_LENGTH - 1));
    await expect(openObject(join(root, 'short'), randomKey(), objectId)).rejects.toMatchObject({
      code: 'vault.object_corrupt',
      params: { objectId, reason: 'truncated header' },
    });
  });

  it('refuses a bad key or object id', async () => {
    const s = await store(3);
    await expect(openObject(s.path, Buffer.alloc(31), s.objectId)).rejects.toMatchObject({ code: 'vault.bad_key' });
    await expect(openObject(s.path, s.key, 'x')).rejects.toMatchObject({ code: 'vault.bad_object_id' });
  });
});

describe('readRange', () => {
  it('returns every sub-range of a multi-chunk object, including first and last bytes and chunk edges', async () => {
    const s = await store(4 * CHUNK + 5);
    const object = await open(s);
    const n = s.data.length;
    const points = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK - 1, 2 * CHUNK, 4 * CHUNK - 1, 4 * CHUNK, n - 2, n - 1];
    for (const start of points) {
      for (const end of points) {
        if (end < start) continue;
        const { data, error } = await drain(object.readRange(start, end));
        expect(error).toBeUndefined();
        expect(data.equals(s.data.subarray(start, end + 1))).toBe(true);
      }
    }
  });

  it('yields one piece per touched chunk, in order', async () => {
    const s = await store(3 * CHUNK);
    const object = await open(s);
    const parts: Buffer[] = [];
    for await (const part of object.readRange(CHUNK - 2, 2 * CHUNK + 1)) parts.push(part);
    expect(parts.map((p) => p.length)).toEqual([2, CHUNK, 2]);
  });

  it('serves an empty range, also on an empty object', async () => {
    const empty = await open(await store(0));
    expect(empty.size).toBe(0);
    expect((await drain(empty.readRange(0, -1))).data.length).toBe(0);
    const other = await open(await store(40));
    expect((await drain(other.readRange(20, 19))).data.length).toBe(0);
  });

  it('refuses ranges outside the object', async () => {
    const object = await open(await store(40));
    for (const [start, end] of [
      [-1, 3],
      [0, 40],
      [10, 8],
      [0.5, 3],
      [41, 40],
    ] as const) {
      expect(() => object.readRange(start, end)).toThrow(
        expect.objectContaining({ kind: 'input', code: 'vault.bad_range' }),
      );
    }
    const empty = await open(await store(0));
    expect(() => empty.readRange(0, 0)).toThrow(expect.objectContaining({ code: 'vault.bad_range' }));
  });

  it('serves concurrent ranges of one open object', async () => {
    const s = await store(50 * CHUNK + 9);
    const object = await open(s);
    const ranges: [number, number][] = [
      [0, s.data.length - 1],
      [5, 300],
      [17, 17],
      [400, s.data.length - 1],
    ];
    const results = await Promise.all(ranges.map(([a, b]) => drain(object.readRange(a, b))));
    results.forEach((r, i) => expect(r.data.equals(s.data.subarray(ranges[i]![0], ranges[i]![1] + 1))).toBe(true));
  });

  it('can stop early', async () => {
    const s = await store(20 * CHUNK);
    const object = await open(s);
    for await (const part of object.readRange(0, s.data.length - 1)) {
      expect(part.equals(s.data.subarray(0, CHUNK))).toBe(true);
      break;
    }
  });

  it('works with the default 1 MiB chunks across a chunk boundary', async () => {
    const s = await store(2 * DEFAULT_CHUNK_SIZE + 100, DEFAULT_CHUNK_SIZE);
    const object = await open(s);
    expect(object.chunkCount).toBe(3);
    const start = DEFAULT_CHUNK_SIZE - 10;
    const end = 2 * DEFAULT_CHUNK_SIZE + 5;
    expect((await drain(object.readRange(start, end))).data.equals(s.data.subarray(start, end + 1))).toBe(true);
    const lastByte = await drain(object.readRange(s.data.length - 1, s.data.length - 1));
    expect(lastByte.data.equals(s.data.subarray(-1))).toBe(true);
  });

  it('refuses to read after close', async () => {
    const s = await store(40);
    const object = await openObject(s.path, s.key, s.objectId);
    await object.close();
    await object.close();
    const { error } = await drain(object.readRange(0, 39));
    expect(error).toMatchObject({ kind: 'state', code: 'vault.object_closed' });
  });
});

describe('verify', () => {
  it('re-hashes the plaintext and reports progress', async () => {
    for (const size of [0, 1, CHUNK, CHUNK + 1, 7 * CHUNK + 3]) {
      const s = await store(size);
      const object = await open(s);
      const progress: [number, number][] = [];
      const result = await object.verify((done, total) => progress.push([done, total]));
      expect(result).toEqual({ sha256: createHash('sha256').update(s.data).digest('hex'), size });
      expect(progress.at(-1)).toEqual([size, size]);
      expect(progress.length).toBe(object.chunkCount);
    }
  });
});

describe('tampering is detected', () => {
  const size = 5 * CHUNK + 7; // chunks 0…4 full, chunk 5 holds 7 bytes

  it('one flipped ciphertext byte: the chunk fails and none of it is released', async () => {
    const s = await store(size);
    await flip(s.path, chunkOffset(2, CHUNK) + 3);
    const object = await open(s);
    const whole = await drain(object.readRange(0, size - 1));
    expectChunkFailure(whole.error, s.objectId, 2);
    expect(whole.data.equals(s.data.subarray(0, 2 * CHUNK))).toBe(true);
    const inside = await drain(object.readRange(2 * CHUNK + 1, 2 * CHUNK + 4));
    expectChunkFailure(inside.error, s.objectId, 2);
    expect(inside.data.length).toBe(0);
    // Chunks not touched by the damage still read.
    expect((await drain(object.readRange(3 * CHUNK, size - 1))).data.equals(s.data.subarray(3 * CHUNK))).toBe(true);
    await expect(object.verify()).rejects.toSatisfy((e) => {
      expectChunkFailure(e, s.objectId, 2);
      return true;
    });
  });

  it('one flipped tag byte', async () => {
    const s = await store(size);
    await flip(s.path, chunkOffset(1, CHUNK) + CHUNK + 15);
    const object = await open(s);
    expectChunkFailure((await drain(object.readRange(CHUNK, CHUNK))).error, s.objectId, 1);
  });

  it('truncation at a chunk boundary: the new final chunk was not sealed as last', async () => {
    const s = await store(size);
    await truncate(s.path, chunkOffset(5, CHUNK));
    const object = await open(s);
    expect(object.size).toBe(5 * CHUNK);
    const { data, error } = await drain(object.readRange(0, object.size - 1));
    expectChunkFailure(error, s.objectId, 4);
    expect(data.equals(s.data.subarray(0, 4 * CHUNK))).toBe(true);
    await expect(object.verify()).rejects.toMatchObject({ params: { objectId: s.objectId, chunk: 4 } });
  });

  it('truncation to an exact multiple of whole chunks further back', async () => {
    const s = await store(size);
    await truncate(s.path, chunkOffset(1, CHUNK));
    const object = await open(s);
    expect(object.size).toBe(CHUNK);
    await expect(object.verify()).rejects.toMatchObject({ params: { objectId: s.objectId, chunk: 0 } });
  });

  it('truncation inside a chunk', async () => {
    const s = await store(size);
    // Cut 5 bytes off the last chunk: it still looks like a chunk, but its tag is now read from the wrong place.
    await truncate(s.path, chunkOffset(5, CHUNK) + 7 + TAG_LENGTH - 5);
    const object = await open(s);
    expect(object.size).toBe(5 * CHUNK + 2);
    expectChunkFailure((await drain(object.readRange(5 * CHUNK, 5 * CHUNK + 1))).error, s.objectId, 5);
    await expect(object.verify()).rejects.toMatchObject({ params: { chunk: 5 } });
  });

  it('truncation inside a tag leaves a size no writer makes', async () => {
    const s = await store(size);
    await truncate(s.path, chunkOffset(3, CHUNK) + 10);
    await expect(openObject(s.path, s.key, s.objectId)).rejects.toMatchObject({
      code: 'vault.object_corrupt',
      params: { objectId: s.objectId, reason: 'truncated' },
    });
  });

  it('an empty object truncated to its header', async () => {
    const s = await store(0);
    await truncate(s.path, HEADER_LENGTH);
    await expect(openObject(s.path, s.key, s.objectId)).rejects.toMatchObject({ code: 'vault.object_corrupt' });
  });

  it('a chunk appended after the last one', async () => {
    const s = await store(3 * CHUNK);
    const file = await readFile(s.path);
    await writeFile(s.path, Buffer.concat([file, file.subarray(chunkOffset(1, CHUNK), chunkOffset(2, CHUNK))]));
    const object = await open(s);
    await expect(object.verify()).rejects.toMatchObject({ params: { objectId: s.objectId, chunk: 2 } });
  });

  it('two chunks swapped', async () => {
    const s = await store(size);
    const file = await readFile(s.path);
    const a = Buffer.from(file.subarray(chunkOffset(1, CHUNK), chunkOffset(2, CHUNK)));
    file.copy(file, chunkOffset(1, CHUNK), chunkOffset(3, CHUNK), chunkOffset(4, CHUNK));
    a.copy(file, chunkOffset(3, CHUNK));
    await writeFile(s.path, file);
    const object = await open(s);
    const { data, error } = await drain(object.readRange(0, size - 1));
    expectChunkFailure(error, s.objectId, 1);
    expect(data.equals(s.data.subarray(0, CHUNK))).toBe(true);
    expectChunkFailure((await drain(object.readRange(3 * CHUNK, 3 * CHUNK))).error, s.objectId, 3);
  });

  it("a chunk spliced in from another object's file", async () => {
    const s = await store(size);
    const other = await store(size);
    const file = await readFile(s.path);
    const donor = await readFile(other.path);
    donor.copy(file, chunkOffset(2, CHUNK), chunkOffset(2, CHUNK), chunkOffset(3, CHUNK));
    await writeFile(s.path, file);
    const object = await open(s);
    expectChunkFailure((await drain(object.readRange(2 * CHUNK, 3 * CHUNK - 1))).error, s.objectId, 2);
  });

  it("two objects' files swapped: each is refused by its object id", async () => {
    const a = await store(size);
    const b = await store(size);
    await rename(a.path, join(root, 'swap'));
    await rename(b.path, a.path);
    await rename(join(root, 'swap'), b.path);
    for (const s of [a, b]) {
      await expect(openObject(s.path, s.key, s.objectId)).rejects.toMatchObject({
        kind: 'verify',
        code: 'vault.object_corrupt',
        params: { objectId: s.objectId, reason: 'object id mismatch' },
      });
    }
  });

  it("another object's file with its header rewritten to this id still fails on the key", async () => {
    const a = await store(size);
    const b = await store(size);
    const file = await readFile(b.path);
    (await readFile(a.path)).copy(file, 16, 16, 32);
    await writeFile(a.path, file);
    const object = await open(a);
    expectChunkFailure((await drain(object.readRange(0, 0))).error, a.objectId, 0);
    await expect(object.verify()).rejects.toMatchObject({ params: { objectId: a.objectId, chunk: 0 } });
  });

  it('the wrong key', async () => {
    const s = await store(size);
    const object = await open({ ...s, key: randomKey() });
    const { data, error } = await drain(object.readRange(0, size - 1));
    expectChunkFailure(error, s.objectId, 0);
    expect(data.length).toBe(0);
    await expect(object.verify()).rejects.toMatchObject({ params: { objectId: s.objectId, chunk: 0 } });
  });

  it('the wrong key on an empty object is caught by verify', async () => {
    const s = await store(0);
    const object = await open({ ...s, key: randomKey() });
    await expect(object.verify()).rejects.toMatchObject({ params: { objectId: s.objectId, chunk: 0 } });
  });

  it.each([
    ['nonce prefix', 33],
    ['last nonce prefix byte', 38],
  ])('header tampering: %s fails every chunk through the associated data', async (_name, at) => {
    const s = await store(size);
    await flip(s.path, at);
    const object = await open(s);
    expectChunkFailure((await drain(object.readRange(0, 0))).error, s.objectId, 0);
    expectChunkFailure((await drain(object.readRange(size - 1, size - 1))).error, s.objectId, 5);
  });

  it('header tampering: chunk size changed', async () => {
    const s = await store(6 * CHUNK);
    const file = await readFile(s.path);
    file.writeUInt32BE(2 * CHUNK + TAG_LENGTH, 12); // keeps the file size plausible: 3 sealed chunks of 48 bytes
    await writeFile(s.path, file);
    const object = await open(s);
    expect(object.chunkCount).toBe(3);
    await expect(object.verify()).rejects.toMatchObject({ params: { objectId: s.objectId, chunk: 0 } });
  });

  it.each([
    ['bad magic', 2, 'bad magic'],
    ['version', 8, 'unsupported version'],
    ['algorithm', 9, 'unsupported algorithm'],
    ['reserved', 11, 'reserved bytes set'],
  ])('header tampering: %s is refused on open', async (_name, at, reason) => {
    const s = await store(size);
    await flip(s.path, at);
    await expect(openObject(s.path, s.key, s.objectId)).rejects.toMatchObject({
      kind: 'verify',
      code: 'vault.object_corrupt',
      params: { objectId: s.objectId, reason },
    });
  });

  it('stopping early before a damaged chunk raises nothing', async () => {
    const s = await store(size);
    await flip(s.path, chunkOffset(2, CHUNK));
    const object = await open(s);
    const seen: Buffer[] = [];
    for await (const part of object.readRange(0, size - 1)) {
      seen.push(part);
      break;
    }
    expect(seen).toHaveLength(1);
    // Give the read-ahead's failed decrypt time to settle: it must not surface as an unhandled rejection.
    await new Promise((r) => setTimeout(r, 20));
  });
});
