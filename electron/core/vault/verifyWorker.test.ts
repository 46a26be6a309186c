import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { closeSync, constants, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomKey } from './keyWrap.ts';
import { chunkOffset, decodeHeader, HEADER_LENGTH, layoutFromFileSize } from './objectFormat.ts';
import { openObject } from './objectReader.ts';
import { writeObject } from './objectWriter.ts';
import type { VerifyJob } from './verifyWorker.ts';
import { verifyOnWorker, verifyPaths } from './verifyWorker.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vault-verify-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

type Stored = { data: Buffer; key: Buffer; objectId: string; path: string };

async function store(size: number, chunkSize: number): Promise<Stored> {
  const data = randomBytes(size);
  const key = randomKey();
  const objectId = randomUUID();
  const path = join(root, objectId);
  async function* source(): AsyncGenerator<Buffer> {
    for (let at = 0; at < size; at += 100_000) yield data.subarray(at, at + 100_000);
  }
  await writeObject({ source: source(), key, objectId, destPath: path, tmpDir: join(root, 'tmp'), chunkSize });
  return { data, key, objectId, path };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The job openObject would give the worker, built here by hand to reach the worker's own error paths. */
function jobFor(s: Stored, fd: number): VerifyJob {
  const header = readFileSync(s.path).subarray(0, HEADER_LENGTH);
  const decoded = decodeHeader(header, s.objectId);
  const layout = layoutFromFileSize(statSync(s.path).size, decoded.chunkSize, s.objectId);
  return { fd, path: s.path, objectId: s.objectId, key: s.key, header, noncePrefix: decoded.noncePrefix, ...layout };
}

describe('verify on a worker', () => {
  it('verifies several objects at once, each with its own key, and leaves the caller its key', async () => {
    const stored = await Promise.all([0, 1, 4096, 3 * 4096 + 5, 200_000, 1 << 20].map((size) => store(size, 4096)));
    const keys = stored.map((s) => Buffer.from(s.key));
    const objects = await Promise.all(stored.map((s) => openObject(s.path, s.key, s.objectId)));
    try {
      const results = await Promise.all(objects.map((o) => o.verify()));
      expect(results).toEqual(stored.map((s) => ({ sha256: sha256(s.data), size: s.data.length })));
      // The caller's key is still there (the worker got a copy), and a second verify of the same reader works.
      expect(stored.map((s) => s.key)).toEqual(keys);
      expect(await objects[5]!.verify()).toEqual(results[5]);
    } finally {
      await Promise.all(objects.map((o) => o.close()));
    }
  });

  it('decrypts in slices across chunk sizes that are not multiples of the slice', async () => {
    for (const chunkSize of [1, 100_003, (1 << 20) + 3, 2 * (1 << 20) + 1]) {
      const s = await store(chunkSize * 3 + 17, chunkSize);
      const object = await openObject(s.path, s.key, s.objectId);
      try {
        expect(await object.verify()).toEqual({ sha256: sha256(s.data), size: s.data.length });
      } finally {
        await object.close();
      }
    }
  });

  it('a file that shrank after it was opened is corrupt (truncated), not a short success', async () => {
    const s = await store(10 * 4096, 4096);
    const object = await openObject(s.path, s.key, s.objectId);
    try {
      await truncate(s.path, chunkOffset(3, 4096));
      await expect(object.verify()).rejects.toMatchObject({
        kind: 'verify',
        code: 'vault.object_corrupt',
        params: { objectId: s.objectId, reason: 'truncated' },
      });
    } finally {
      await object.close();
    }
  });

  it('close() during a verify waits for the worker to stop before the descriptor is closed', async () => {
    const s = await store(4 << 20, 4096);
    const object = await openObject(s.path, s.key, s.objectId);
    let outcome: { ok: true; value: unknown } | { ok: false; error: unknown } | null = null;
    const verifying = object.verify().then(
      (value) => (outcome = { ok: true, value }),
      (error: unknown) => (outcome = { ok: false, error }),
    );
    await object.close();
    // Settled by the time close() returns: the worker no longer reads a descriptor that is now closed.
    expect(outcome).not.toBeNull();
    await verifying;
    // Stopped after a few of its 1,024 chunks as a rule; a machine that stalled this thread for the whole object
    // may have let it finish, and then the result must be the right one.
    const settled = outcome as unknown as { ok: true; value: unknown } | { ok: false; error: unknown };
    if (settled.ok) expect(settled.value).toEqual({ sha256: sha256(s.data), size: s.data.length });
    else expect(settled.error).toMatchObject({ kind: 'state', code: 'vault.object_closed' });
    await expect(object.verify()).rejects.toMatchObject({ code: 'vault.object_closed' });
  });

  it('a stop before the first chunk ends the verify as closed', async () => {
    const s = await store(8 * 4096, 4096);
    const fd = openSync(s.path, 'r');
    try {
      const progress: number[] = [];
      const verifying = verifyOnWorker(jobFor(s, fd), (d) => progress.push(d), (control) => control.stop());
      await expect(verifying).rejects.toMatchObject({ code: 'vault.object_closed' });
      expect(progress).toEqual([]);
    } finally {
      closeSync(fd);
    }
  });

  it('a read error is reported as an io error naming the file', async () => {
    const s = await store(3 * 4096, 4096);
    const fd = openSync(s.path, 'r');
    closeSync(fd);
    // The descriptor is closed: reading it fails (EBADF) in the worker.
    await expect(verifyOnWorker(jobFor(s, fd))).rejects.toMatchObject({ kind: 'io', code: 'io.failed', params: { path: s.path, code: 'EBADF' } });
  });

  it('the worker that reported a failure serves the next object correctly', async () => {
    const bad = await store(5 * 4096, 4096);
    const good = await store(5 * 4096, 4096);
    const file = readFileSync(bad.path);
    file[chunkOffset(1, 4096) + 5]! ^= 1;
    writeFileSync(bad.path, file);
    for (let round = 0; round < 3; round++) {
      const a = await openObject(bad.path, bad.key, bad.objectId);
      const b = await openObject(good.path, good.key, good.objectId);
      try {
        await expect(a.verify()).rejects.toMatchObject({ params: { objectId: bad.objectId, chunk: 1 } });
        expect(await b.verify()).toEqual({ sha256: sha256(good.data), size: good.data.length });
      } finally {
        await a.close();
        await b.close();
      }
    }
  });
});

/** Whether the file system under `dir` takes O_DIRECT (Linux, and not every file system there). */
function takesDirectIo(path: string): boolean {
  if (!constants.O_DIRECT) return false;
  try {
    closeSync(openSync(path, constants.O_RDONLY | constants.O_DIRECT));
    return true;
  } catch {
    return false;
  }
}

describe('verify reading with direct I/O, through the cache, and falling back', () => {
  const modes = ['auto', 'buffered', 'misaligned-direct'] as const;

  async function verifyAs(s: Stored, readMode: (typeof modes)[number], cipher: 'auto' | 'node' | 'system' = 'auto') {
    const fd = openSync(s.path, 'r');
    const before = { ...verifyPaths };
    try {
      const result = await verifyOnWorker({ ...jobFor(s, fd), readMode, cipher });
      return { result, direct: verifyPaths.direct - before.direct === 1, native: verifyPaths.native - before.native === 1 };
    } finally {
      closeSync(fd);
    }
  }

  it.each([
    // sizes around the 2 MiB read windows, chunks across them, a chunk larger than both windows
    ['one empty chunk', 0, 4096],
    ['a few chunks in the first window', 3 * 4096 + 5, 4096],
    ['chunks across several windows', 5 * (1 << 20) + 777, (1 << 20) + 3],
    ['a chunk larger than the windows', 5 * (1 << 20), 5 * (1 << 20)],
    ['a stream ending exactly at a window', 2 * (1 << 20) - 40 - 16, 2 * (1 << 20)],
  ])('%s: every way of reading gives the same verified result', async (_n, size, chunkSize) => {
    const s = await store(size, chunkSize);
    const expected = { sha256: sha256(s.data), size };
    const auto = await verifyAs(s, 'auto');
    const buffered = await verifyAs(s, 'buffered');
    const refused = await verifyAs(s, 'misaligned-direct');
    const node = await verifyAs(s, 'auto', 'node');
    const nodeBuffered = await verifyAs(s, 'buffered', 'node');
    const system = await verifyAs(s, 'buffered', 'system');
    expect([auto.result, buffered.result, refused.result, node.result, nodeBuffered.result, system.result]).toEqual([expected, expected, expected, expected, expected, expected]);
    // Node (not Electron) on Linux with koffi, as in these tests: OpenSSL's EVP decrypted, unless told otherwise;
    // 'system' is the system's libcrypto.so.3 beside Node's own OpenSSL, as Electron would load it.
    expect([auto.native, buffered.native, refused.native, node.native, system.native]).toEqual([true, true, true, false, true].map((n) => n && process.platform === 'linux'));
    expect(auto.direct).toBe(takesDirectIo(s.path));
    expect(buffered.direct).toBe(false);
    // The kernel refuses the misaligned memory (EINVAL): the caller's descriptor is read through the cache instead.
    expect(refused.direct).toBe(false);
  });

  it.each(modes.flatMap((m) => [[m, 'auto'], [m, 'node'], [m, 'system']] as const))('%s, cipher %s: a flipped bit in a chunk of a later window is found, with its index', async (readMode, cipher) => {
    const s = await store(6 << 20, 65536);
    const file = readFileSync(s.path);
    // chunk 70 starts past the first 4 MiB: the third window
    file[chunkOffset(70, 65536) + 100]! ^= 4;
    writeFileSync(s.path, file);
    const fd = openSync(s.path, 'r');
    try {
      await expect(verifyOnWorker({ ...jobFor(s, fd), readMode, cipher })).rejects.toMatchObject({
        code: 'vault.object_corrupt',
        params: { objectId: s.objectId, chunk: 70 },
      });
    } finally {
      closeSync(fd);
    }
  });

  it.each(modes)('%s: a tag cut off at the end of the file is truncation', async (readMode) => {
    const s = await store(3 << 20, 65536);
    const fd = openSync(s.path, 'r');
    try {
      const job = jobFor(s, fd);
      await truncate(s.path, statSync(s.path).size - 5);
      await expect(verifyOnWorker({ ...job, readMode })).rejects.toMatchObject({ code: 'vault.object_corrupt', params: { reason: 'truncated' } });
    } finally {
      closeSync(fd);
    }
  });
});
