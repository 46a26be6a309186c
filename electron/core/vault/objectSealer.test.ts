import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { closeSync, constants, existsSync, openSync, readlinkSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomKey } from './keyWrap.ts';
import { createHeader, encodeHeader } from './objectFormat.ts';
import { openObject } from './objectReader.ts';
import { ObjectSealer } from './objectSealer.ts';
import { type LendingSource, writeObject } from './objectWriter.ts';

let root: string;
let tmpDir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vault-sealer-'));
  tmpDir = join(root, 'tmp');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/**
 * A source lending blocks of `blockSize` bytes from a small pool, as ingest's readSource does. It counts the blocks it
 * lends and gets back, and notes any block that comes back unusable (moved elsewhere, cut short). A block reused while
 * the writer still held it would change the bytes stored: the read-back and the hash below would see it.
 */
function lender(data: Buffer, blockSize: number, poolSize = 2): LendingSource & { lent: number; returned: number; problems: string[] } {
  const free: Buffer[] = [];
  const state = {
    lent: 0,
    returned: 0,
    problems: [] as string[],
    giveBack(block: Buffer) {
      state.returned++;
      if (block.buffer.byteLength !== blockSize) state.problems.push(`came back with ${block.buffer.byteLength} bytes`);
      else if (free.length < poolSize) free.push(Buffer.from(block.buffer as ArrayBuffer));
    },
    async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
      for (let at = 0; at < data.length; at += blockSize) {
        const block = free.pop() ?? Buffer.allocUnsafeSlow(blockSize);
        const n = data.copy(block, 0, at, at + blockSize);
        state.lent++;
        // The last block may be shorter: a view of the start of the block, as readSource yields it.
        yield n === blockSize ? block : block.subarray(0, n);
      }
    },
  };
  return state;
}

async function readBack(path: string, key: Buffer, objectId: string): Promise<Buffer> {
  const object = await openObject(path, key, objectId);
  try {
    const parts: Buffer[] = [];
    if (object.size > 0) for await (const part of object.readRange(0, object.size - 1)) parts.push(part);
    return Buffer.concat(parts);
  } finally {
    await object.close();
  }
}

describe('writing from a source that lends its blocks', () => {
  it.each([
    ['blocks of whole chunks', 64, 16, 64 * 5],
    ['blocks that split chunks', 40, 16, 40 * 7 + 3],
    ['chunks larger than blocks', 10, 32, 333],
    ['a size that is a whole number of chunks', 48, 16, 96],
    ['one short block', 64, 16, 5],
  ])('%s: the object reads back, every block comes back once', async (_name, blockSize, chunkSize, size) => {
    const data = randomBytes(size);
    const source = lender(data, blockSize);
    const key = randomKey();
    const objectId = randomUUID();
    const destPath = join(root, 'objects', objectId);
    const result = await writeObject({ source, key, objectId, destPath, tmpDir, chunkSize });
    expect(result).toEqual({ sha256: createHash('sha256').update(data).digest('hex'), size });
    expect((await readBack(destPath, key, objectId)).equals(data)).toBe(true);
    expect(source.problems).toEqual([]);
    expect(source.returned).toBe(source.lent);
  });

  it.runIf(process.platform === 'linux')('a full disk fails the write with io.disk_full and leaves nothing', async () => {
    const objectId = randomUUID();
    await mkdir(tmpDir, { recursive: true });
    // The temp file's name pointing at /dev/full makes every write fail with ENOSPC, as a full disk would.
    await symlink('/dev/full', join(tmpDir, `${objectId}.partial`));
    const source = lender(randomBytes(4000), 1000);
    await expect(
      writeObject({ source, key: randomKey(), objectId, destPath: join(root, 'o'), tmpDir, chunkSize: 256 }),
    ).rejects.toMatchObject({ kind: 'io', code: 'io.disk_full' });
    expect(await readdir(tmpDir)).toEqual([]);
    expect(source.problems).toEqual([]);
  });
});

describe('ObjectSealer', () => {
  it.runIf(process.platform === 'linux')('discard() returns only after the worker closed the file', async () => {
    const path = join(root, 'object.partial');
    const header = createHeader(randomUUID(), 16);
    const sealer = new ObjectSealer({ path, key: randomKey(), header: encodeHeader(header), chunkSize: 16 });
    await sealer.update(randomBytes(100));
    // Until the worker answers, something has the file open; after discard nothing in this process does.
    await sealer.discard();
    expect(existsSync(path)).toBe(true);
    expect(openDescriptorsOf(path)).toEqual([]);
  });

  it.runIf(process.platform === 'linux')('discard() with staged writes in flight closes every descriptor it opened', async () => {
    for (const writeMode of ['auto', 'misaligned-direct'] as const) {
      const path = join(root, `${writeMode}.partial`);
      const sealer = new ObjectSealer({ path, key: randomKey(), header: encodeHeader(createHeader(randomUUID(), 65536)), chunkSize: 65536, writeMode });
      // 4 MiB + a bit: the first staging area is being written (or was refused and rewritten) when discard arrives.
      await sealer.update(randomBytes((4 << 20) + 5000));
      await sealer.discard();
      expect(openDescriptorsOf(path)).toEqual([]);
    }
  });

  it('leaves the caller copying its buffer untouched, and gives a given-up buffer no way back', async () => {
    const path = join(root, 'object.partial');
    const sealer = new ObjectSealer({ path, key: randomKey(), header: encodeHeader(createHeader(randomUUID(), 16)), chunkSize: 16 });
    const kept = Buffer.from(randomBytes(64));
    const copy = Buffer.from(kept);
    await sealer.update(kept, 'copy');
    const given = Buffer.allocUnsafeSlow(64).fill(7);
    await sealer.update(given, 'give');
    const sha = await sealer.finish();
    expect(kept.equals(copy)).toBe(true);
    // Moved to the worker: this side's view is empty.
    expect(given.length).toBe(0);
    expect(sha).toBe(createHash('sha256').update(copy).update(Buffer.alloc(64, 7)).digest('hex'));
  });

  it('reports an object it cannot write as soon as the next update', async () => {
    const path = join(root, 'no-such-dir', 'object.partial');
    const sealer = new ObjectSealer({ path, key: randomKey(), header: encodeHeader(createHeader(randomUUID(), 16)), chunkSize: 16 });
    let error: unknown;
    for (let i = 0; i < 10 && !error; i++) await sealer.update(randomBytes(4 << 20)).catch((e: unknown) => (error = e));
    if (!error) error = await sealer.finish().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ENOENT' });
    await sealer.discard();
  });
});

/** Whether the file system of `dir` takes O_DIRECT (Linux, and not every file system there). */
function takesDirectIo(dir: string): boolean {
  if (!constants.O_DIRECT) return false;
  const path = join(dir, 'probe');
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_DIRECT));
    return true;
  } catch {
    return false;
  } finally {
    void rm(path, { force: true });
  }
}

describe('ObjectSealer writing with direct I/O', () => {
  // Every path must write the same bytes: a sealed object is defined by its key, header and plaintext alone.
  const cases: [string, number, number][] = [
    ['an empty object', 0, 4080],
    ['one short chunk', 100, 4080],
    // 40 header bytes + sealed chunks of 4096 end exactly at the end of the second staging area.
    ['an object ending exactly at a staging boundary', 1023 * 4080 + 4040, 4080],
    ['an object over several staging areas, chunks across them', 5 * 1024 * 1024 + 12345, 65536 + 7],
  ];

  async function seal(
    data: Buffer,
    chunkSize: number,
    header: Buffer,
    key: Buffer,
    writeMode: 'auto' | 'buffered' | 'misaligned-direct',
    cipher: 'auto' | 'node' | 'system' = 'auto',
  ) {
    const path = join(root, `${writeMode}-${cipher}.partial`);
    const sealer = new ObjectSealer({ path, key, header, chunkSize, writeMode, cipher });
    await sealer.started();
    // Pieces of odd sizes, as a source's blocks would come.
    for (let at = 0; at < data.length; at += 777_777) await sealer.update(data.subarray(at, at + 777_777));
    const sha256 = await sealer.finish();
    return { sha256, bytes: await readFile(path), direct: sealer.wroteDirect, native: sealer.sealedNative, path };
  }

  it.each(cases)('%s: direct, buffered and the fallback from a refused direct write give identical files', async (_n, size, chunkSize) => {
    await mkdir(tmpDir, { recursive: true });
    const direct = takesDirectIo(tmpDir);
    const data = randomBytes(size);
    const key = randomKey();
    const objectId = randomUUID();
    const header = encodeHeader(createHeader(objectId, chunkSize));
    const buffered = await seal(data, chunkSize, header, key, 'buffered');
    const auto = await seal(data, chunkSize, header, key, 'auto');
    const refused = await seal(data, chunkSize, header, key, 'misaligned-direct');
    expect(buffered.direct).toBe(false);
    expect(auto.direct).toBe(direct);
    // The kernel refuses the misaligned memory (EINVAL) at its first staged write: the rest goes through the cache.
    expect(refused.direct).toBe(false);
    expect(auto.bytes.equals(buffered.bytes)).toBe(true);
    expect(refused.bytes.equals(buffered.bytes)).toBe(true);
    const sha = createHash('sha256').update(data).digest('hex');
    expect([buffered.sha256, auto.sha256, refused.sha256]).toEqual([sha, sha, sha]);
    expect((await readBack(auto.path, key, objectId)).equals(data)).toBe(true);
  });

  it.each(cases)('%s: OpenSSL through koffi and createCipheriv seal the same bytes, on every write path', async (_n, size, chunkSize) => {
    await mkdir(tmpDir, { recursive: true });
    const data = randomBytes(size);
    const key = randomKey();
    const objectId = randomUUID();
    const header = encodeHeader(createHeader(objectId, chunkSize));
    const reference = await seal(data, chunkSize, header, key, 'buffered', 'node');
    expect(reference.native).toBe(false);
    // 'system': the system's libcrypto.so.3 beside Node's own OpenSSL, as Electron would load it (Linux).
    for (const cipher of ['auto', 'system'] as const) {
      for (const writeMode of ['auto', 'buffered', 'misaligned-direct'] as const) {
        const sealed = await seal(data, chunkSize, header, key, writeMode, cipher);
        // Node (not Electron) on Linux, with koffi installed, as in these tests: the native path must have been used.
        expect(sealed.native).toBe(process.platform === 'linux');
        expect(sealed.bytes.equals(reference.bytes)).toBe(true);
        expect(sealed.sha256).toBe(reference.sha256);
      }
    }
  });

  it('after a refused direct write, the same worker writes its next object directly again', async () => {
    await mkdir(tmpDir, { recursive: true });
    const key = randomKey();
    const data = randomBytes(3 << 20);
    const header = encodeHeader(createHeader(randomUUID(), 65536));
    const refused = await seal(data, 65536, header, key, 'misaligned-direct');
    const auto = await seal(data, 65536, header, key, 'auto');
    expect(auto.direct).toBe(takesDirectIo(tmpDir));
    expect(auto.bytes.equals(refused.bytes)).toBe(true);
  });

  it.runIf(process.platform === 'linux')('the header is on disk, and the file exactly that long, once started() resolves', async () => {
    const path = join(root, 'object.partial');
    const header = encodeHeader(createHeader(randomUUID(), 4080));
    const sealer = new ObjectSealer({ path, key: randomKey(), header, chunkSize: 4080 });
    await sealer.started();
    expect((await readFile(path)).equals(header)).toBe(true);
    await sealer.discard();
    expect(openDescriptorsOf(path)).toEqual([]);
  });
});

describe('ObjectSealer when its thread is gone', () => {
  it('a worker that dies mid-write fails the write with vault.hash_failed; the next object gets a fresh worker', async () => {
    const path = join(root, 'object.partial');
    const sealer = new ObjectSealer({ path, key: randomKey(), header: encodeHeader(createHeader(randomUUID(), 16)), chunkSize: 16 });
    await sealer.started();
    await sealer.update(randomBytes(100));
    // What an out-of-memory kill of the thread or a crash in native code would look like from here.
    await (sealer as unknown as { worker: Worker }).worker.terminate();
    await expect(sealer.finish()).rejects.toMatchObject({ code: 'vault.hash_failed' });
    await sealer.discard();

    const data = randomBytes(1000);
    const next = new ObjectSealer({ path: join(root, 'next.partial'), key: randomKey(), header: encodeHeader(createHeader(randomUUID(), 16)), chunkSize: 16 });
    await next.update(data);
    expect(await next.finish()).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('ending the thread while it seals through OpenSSL, again and again, leaves the process and the next object sound', async () => {
    for (let round = 0; round < 6; round++) {
      // Node's own OpenSSL and the system's libcrypto (as Electron would use it), in turn.
      const cipher = round % 2 === 0 ? 'auto' : 'system';
      const sealer = new ObjectSealer({ path: join(root, `t${round}.partial`), key: randomKey(), header: encodeHeader(createHeader(randomUUID(), 65536)), chunkSize: 65536, cipher });
      await sealer.started();
      // A large block in flight: the thread is inside EVP_EncryptUpdate calls when it is told to end.
      const pending = sealer.update(randomBytes(16 << 20), 'give').catch(() => {});
      await new Promise((r) => setTimeout(r, round * 3));
      await (sealer as unknown as { worker: Worker }).worker.terminate();
      await pending;
      await expect(sealer.finish()).rejects.toMatchObject({ code: 'vault.hash_failed' });
      await sealer.discard();
    }
    const data = randomBytes(3 << 20);
    const next = new ObjectSealer({ path: join(root, 'after.partial'), key: randomKey(), header: encodeHeader(createHeader(randomUUID(), 65536)), chunkSize: 65536 });
    await next.update(data);
    expect(await next.finish()).toBe(createHash('sha256').update(data).digest('hex'));
    expect(next.sealedNative).toBe(process.platform === 'linux');
  });

  it('refuses use after it has finished', async () => {
    const sealer = new ObjectSealer({ path: join(root, 'o.partial'), key: randomKey(), header: encodeHeader(createHeader(randomUUID(), 16)), chunkSize: 16 });
    await sealer.finish();
    await expect(sealer.update(randomBytes(8))).rejects.toMatchObject({ code: 'vault.hash_failed' });
    await sealer.discard();
  });
});

function openDescriptorsOf(path: string): string[] {
  const dir = '/proc/self/fd';
  return readdirSync(dir).filter((fd) => {
    try {
      return readlinkSync(join(dir, fd)) === path;
    } catch {
      return false;
    }
  });
}
