import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomKey } from './keyWrap.ts';
import { DEFAULT_CHUNK_SIZE, fileSizeForPlaintext, HEADER_LENGTH, objectIdToBytes } from './objectFormat.ts';
import { openObject } from './objectReader.ts';
import { sweepTemp, writeObject } from './objectWriter.ts';

let root: string;
let tmpDir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vault-writer-'));
  tmpDir = join(root, 'tmp');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function* pieces(data: Buffer, pieceSize: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += pieceSize) yield data.subarray(at, at + pieceSize);
}

async function* varied(data: Buffer): AsyncGenerator<Uint8Array> {
  const sizes = [1, 0, 3, 16, 17, 15, 64, 2, 33, 100];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = sizes[i % sizes.length]!;
    yield new Uint8Array(data.buffer, data.byteOffset + at, Math.min(n, data.length - at));
    at += n;
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function readBack(path: string, key: Buffer, objectId: string): Promise<Buffer> {
  const object = await openObject(path, key, objectId);
  try {
    const parts: Buffer[] = [];
    if (object.size > 0) for await (const part of object.readRange(0, object.size - 1)) parts.push(part);
    const verified = await object.verify();
    const data = Buffer.concat(parts);
    expect(verified).toEqual({ sha256: sha256(data), size: data.length });
    return data;
  } finally {
    await object.close();
  }
}

async function writeAndCheck(data: Buffer, chunkSize: number | undefined, source: AsyncIterable<Uint8Array>) {
  const key = randomKey();
  const objectId = randomUUID();
  const destPath = join(root, 'objects', objectId.slice(0, 2), objectId);
  const progress: number[] = [];
  const result = await writeObject({
    source,
    key,
    objectId,
    destPath,
    tmpDir,
    chunkSize,
    onProgress: (n) => progress.push(n),
  });
  expect(result).toEqual({ sha256: sha256(data), size: data.length });
  expect((await stat(destPath)).size).toBe(fileSizeForPlaintext(data.length, chunkSize ?? DEFAULT_CHUNK_SIZE));
  expect(await readdir(tmpDir)).toEqual([]);
  if (data.length > 0) expect(progress.at(-1)).toBe(data.length);
  expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  expect((await readBack(destPath, key, objectId)).equals(data)).toBe(true);
  return { key, objectId, destPath };
}

describe('writeObject round trips', () => {
  const chunk = 16;
  it.each([
    ['empty', 0],
    ['one byte', 1],
    ['one byte short of a chunk', chunk - 1],
    ['exactly one chunk', chunk],
    ['one chunk and one byte', chunk + 1],
    ['exactly three chunks', 3 * chunk],
    ['several chunks and a tail', 5 * chunk + 7],
  ])('%s with 16-byte chunks', async (_name, size) => {
    const data = randomBytes(size);
    await writeAndCheck(data, chunk, pieces(data, 5));
    await writeAndCheck(data, chunk, varied(data));
    await writeAndCheck(data, chunk, pieces(data, Math.max(1, size)));
  });

  it('feeds whole source buffers larger than a chunk straight through', async () => {
    const data = randomBytes(10 * 16 + 3);
    await writeAndCheck(data, 16, pieces(data, 10 * 16 + 3));
    await writeAndCheck(data, 16, pieces(data, 48));
    await writeAndCheck(data, 16, pieces(data, 47));
  });

  it('copes with a source that reuses one buffer for every piece', async () => {
    const data = randomBytes(1000);
    async function* reusing(): AsyncGenerator<Buffer> {
      const scratch = Buffer.alloc(64);
      for (let at = 0; at < data.length; at += 64) {
        const n = data.copy(scratch, 0, at, at + 64);
        yield scratch.subarray(0, n);
        scratch.fill(0xee);
      }
    }
    await writeAndCheck(data, 100, reusing());
  });

  it.each([
    ['empty', 0],
    ['one byte', 1],
    ['exactly one chunk', DEFAULT_CHUNK_SIZE],
    ['one chunk and one byte', DEFAULT_CHUNK_SIZE + 1],
    ['three chunks and a tail', 3 * DEFAULT_CHUNK_SIZE + 12345],
  ])('%s with the default 1 MiB chunks', async (_name, size) => {
    const data = randomBytes(size);
    await writeAndCheck(data, undefined, pieces(data, 64 * 1024));
  });

  it('reads a file read stream, the way ingest feeds it', async () => {
    const data = randomBytes(3 * 1000 + 17);
    const sourcePath = join(root, 'source.mp4');
    await writeFile(sourcePath, data);
    await writeAndCheck(data, 1000, createReadStream(sourcePath, { highWaterMark: 1000 }));
    await writeAndCheck(data, 1000, createReadStream(sourcePath, { highWaterMark: 4096 }));
  });

  it('says once when the source is read to its end, before the object is complete', async () => {
    const data = randomBytes(5000);
    const objectId = randomUUID();
    const destPath = join(root, 'objects', objectId);
    const seen: string[] = [];
    async function* source(): AsyncGenerator<Buffer> {
      yield* pieces(data, 1000);
      seen.push('source ended');
    }
    const result = await writeObject({ source: source(), key: randomKey(), objectId, destPath, tmpDir, chunkSize: 256, onSourceRead: () => seen.push(`read, renamed: ${existsSync(destPath)}`) });
    expect(seen).toEqual(['source ended', 'read, renamed: false']);
    expect(result).toEqual({ sha256: sha256(data), size: data.length });
  });

  it('writes the object id into the header and creates the destination directories', async () => {
    const data = randomBytes(40);
    const { objectId, destPath } = await writeAndCheck(data, 16, pieces(data, 40));
    const file = await readFile(destPath);
    expect(file.subarray(16, 32).equals(objectIdToBytes(objectId))).toBe(true);
    expect(file.length).toBe(HEADER_LENGTH + 40 + 3 * 16);
    // No plaintext reaches the disk.
    expect(file.includes(data.subarray(0, 16))).toBe(false);
  });
});

describe('writeObject failures leave nothing behind', () => {
  const leftovers = async (destPath: string) => ({
    dest: existsSync(destPath),
    temp: existsSync(tmpDir) ? await readdir(tmpDir) : [],
  });

  it('rethrows an error from the source mid-write', async () => {
    const destPath = join(root, 'objects', 'x');
    const boom = new Error('device went away');
    async function* failing(): AsyncGenerator<Buffer> {
      yield randomBytes(100);
      yield randomBytes(100);
      throw boom;
    }
    let sourceRead = false;
    await expect(
      writeObject({ source: failing(), key: randomKey(), objectId: randomUUID(), destPath, tmpDir, chunkSize: 16, onSourceRead: () => (sourceRead = true) }),
    ).rejects.toBe(boom);
    expect(await leftovers(destPath)).toEqual({ dest: false, temp: [] });
    // A source that failed was not read to its end.
    expect(sourceRead).toBe(false);
  });

  it('stops on abort while the source is streaming, and closes the source', async () => {
    const destPath = join(root, 'objects', 'x');
    const controller = new AbortController();
    let closed = false;
    async function* endless(): AsyncGenerator<Buffer> {
      try {
        for (let i = 0; ; i++) {
          if (i === 50) controller.abort();
          yield randomBytes(100);
        }
      } finally {
        closed = true;
      }
    }
    const write = writeObject({
      source: endless(),
      key: randomKey(),
      objectId: randomUUID(),
      destPath,
      tmpDir,
      chunkSize: 64,
      signal: controller.signal,
    });
    await expect(write).rejects.toMatchObject({ name: 'AbortError' });
    expect(closed).toBe(true);
    expect(await leftovers(destPath)).toEqual({ dest: false, temp: [] });
  });

  it('stops on abort while the source is stuck waiting on a device', async () => {
    const destPath = join(root, 'objects', 'x');
    const controller = new AbortController();
    let delivered = false;
    async function* stuck(): AsyncGenerator<Buffer> {
      yield randomBytes(1000);
      delivered = true;
      await new Promise(() => {});
    }
    const reason = new Error('operator cancelled');
    const write = writeObject({
      source: stuck(),
      key: randomKey(),
      objectId: randomUUID(),
      destPath,
      tmpDir,
      chunkSize: 16,
      signal: controller.signal,
      onProgress: () => setTimeout(() => controller.abort(reason), 20),
    });
    await expect(write).rejects.toBe(reason);
    expect(delivered).toBe(true);
    expect(await leftovers(destPath)).toEqual({ dest: false, temp: [] });
  });

  it('refuses to start when already aborted', async () => {
    const destPath = join(root, 'objects', 'x');
    const data = randomBytes(10);
    await expect(
      writeObject({
        source: pieces(data, 10),
        key: randomKey(),
        objectId: randomUUID(),
        destPath,
        tmpDir,
        signal: AbortSignal.abort(),
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(await leftovers(destPath)).toEqual({ dest: false, temp: [] });
  });

  it.runIf(process.platform === 'linux')('maps a full disk to io.disk_full and removes the temp file', async () => {
    const objectId = randomUUID();
    const destPath = join(root, 'objects', objectId);
    await mkdir(tmpDir, { recursive: true });
    // The temp file's name pointing at /dev/full makes every write fail with ENOSPC, as a full disk would.
    await symlink('/dev/full', join(tmpDir, `${objectId}.partial`));
    const data = randomBytes(5000);
    await expect(
      writeObject({ source: pieces(data, 1000), key: randomKey(), objectId, destPath, tmpDir, chunkSize: 256 }),
    ).rejects.toMatchObject({ kind: 'io', code: 'io.disk_full' });
    expect(await leftovers(destPath)).toEqual({ dest: false, temp: [] });
  });

  it('maps a destination it cannot create to an io error and removes the temp file', async () => {
    await writeFile(join(root, 'blocker'), 'a file where a directory should be');
    const destPath = join(root, 'blocker', 'sub', 'object');
    const data = randomBytes(100);
    await expect(
      writeObject({ source: pieces(data, 30), key: randomKey(), objectId: randomUUID(), destPath, tmpDir }),
    ).rejects.toMatchObject({ kind: 'io', code: 'io.failed' });
    expect(await readdir(tmpDir)).toEqual([]);
  });

  it('refuses a bad key, object id or chunk size before touching the disk', async () => {
    const base = { destPath: join(root, 'o'), tmpDir, source: pieces(Buffer.alloc(1), 1) };
    await expect(writeObject({ ...base, key: Buffer.alloc(16), objectId: randomUUID() })).rejects.toMatchObject({
      kind: 'input',
      code: 'vault.bad_key',
    });
    await expect(writeObject({ ...base, key: randomKey(), objectId: 'nope' })).rejects.toMatchObject({
      kind: 'input',
      code: 'vault.bad_object_id',
    });
    await expect(
      writeObject({ ...base, key: randomKey(), objectId: randomUUID(), chunkSize: 0 }),
    ).rejects.toMatchObject({ kind: 'input', code: 'vault.bad_chunk_size' });
    expect(existsSync(tmpDir)).toBe(false);
  });

  it('refuses a second concurrent write of the same object id', async () => {
    const objectId = randomUUID();
    let release = (): void => {};
    const gate = new Promise<void>((r) => (release = r));
    let running = (): void => {};
    const started = new Promise<void>((r) => (running = r));
    async function* slow(): AsyncGenerator<Buffer> {
      yield Buffer.from('first');
      running();
      await gate;
      yield Buffer.from(' write');
    }
    const key = randomKey();
    const first = writeObject({ source: slow(), key, objectId, destPath: join(root, 'a'), tmpDir });
    await started;
    await expect(
      writeObject({ source: pieces(Buffer.from('x'), 1), key, objectId, destPath: join(root, 'b'), tmpDir }),
    ).rejects.toMatchObject({ kind: 'state', code: 'vault.write_in_progress' });
    release();
    await expect(first).resolves.toMatchObject({ size: 11 });
    expect((await readBack(join(root, 'a'), key, objectId)).toString()).toBe('first write');
  });
});

describe('sweepTemp', () => {
  it('deletes leftover .partial files only, and reports their names', async () => {
    await mkdir(tmpDir, { recursive: true });
    const a = `${randomUUID()}.partial`;
    const b = `${randomUUID()}.partial`;
    await writeFile(join(tmpDir, a), 'x');
    await writeFile(join(tmpDir, b), 'y');
    await writeFile(join(tmpDir, 'keep.txt'), 'z');
    expect(await sweepTemp(tmpDir)).toEqual([a, b].sort());
    expect(await readdir(tmpDir)).toEqual(['keep.txt']);
    expect(await sweepTemp(tmpDir)).toEqual([]);
  });

  it('answers an empty list for a temp directory that does not exist', async () => {
    expect(await sweepTemp(join(root, 'never-made'))).toEqual([]);
  });

  it('leaves the temp file of a write still running in this process alone', async () => {
    const objectId = randomUUID();
    let release = (): void => {};
    const gate = new Promise<void>((r) => (release = r));
    let running = (): void => {};
    const started = new Promise<void>((r) => (running = r));
    async function* slow(): AsyncGenerator<Buffer> {
      yield randomBytes(100);
      running();
      await gate;
      yield randomBytes(100);
    }
    const key = randomKey();
    const write = writeObject({ source: slow(), key, objectId, destPath: join(root, 'o'), tmpDir, chunkSize: 16 });
    await started;
    expect(await readdir(tmpDir)).toEqual([`${objectId}.partial`]);
    expect(await sweepTemp(tmpDir)).toEqual([]);
    release();
    await expect(write).resolves.toMatchObject({ size: 200 });
  });
});

describe('writeObject at scale', () => {
  it('keeps memory flat while writing a 64 MiB object', async () => {
    const total = 64 * 1024 * 1024;
    const piece = randomBytes(256 * 1024);
    async function* generate(): AsyncGenerator<Buffer> {
      // Fresh buffers, as a file read stream would hand out.
      for (let at = 0; at < total; at += piece.length) yield Buffer.from(piece);
    }
    const expected = createHash('sha256');
    for (let at = 0; at < total; at += piece.length) expected.update(piece);

    // The hashing thread costs a fixed amount of memory once (its JS heap and malloc arena settle during its first
    // large object); one such object is written first, so what is measured below is what a write holds.
    await writeObject({ source: generate(), key: randomKey(), objectId: randomUUID(), destPath: join(root, 'warm-up'), tmpDir });
    const before = process.memoryUsage().rss;
    let peak = before;
    const started = performance.now();
    const result = await writeObject({
      source: generate(),
      key: randomKey(),
      objectId: randomUUID(),
      destPath: join(root, 'big'),
      tmpDir,
      onProgress: () => {
        peak = Math.max(peak, process.memoryUsage().rss);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    expect(result).toEqual({ sha256: expected.digest('hex'), size: total });
    expect((await stat(join(root, 'big'))).size).toBe(fileSizeForPlaintext(total, DEFAULT_CHUNK_SIZE));
    const growth = peak - before;
    console.info(`64 MiB write: ${(64 / seconds).toFixed(0)} MiB/s, rss growth ${(growth / 2 ** 20).toFixed(1)} MiB`);
    expect(growth).toBeLessThan(48 * 1024 * 1024);
  });
});
