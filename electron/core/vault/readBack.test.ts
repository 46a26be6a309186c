// The read-back that follows the writer (readBack.ts, VerifyJob.growing): driven here by a hand-made "writer" that
// copies a finished object into a new file piece by piece and publishes how far it got, so each step is under the
// test's control; the put that uses it end to end is in vault.test.ts.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomKey } from './keyWrap.ts';
import { HEADER_LENGTH, TAG_LENGTH } from './objectFormat.ts';
import { writeObject } from './objectWriter.ts';
import { FollowingReadBack } from './readBack.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vault-readback-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const CHUNK = 4096;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A finished object's bytes, to be "written" again by the test. */
async function sealed(size: number, chunkSize = CHUNK) {
  const data = randomBytes(size);
  const key = randomKey();
  const objectId = randomUUID();
  const path = join(root, `${objectId}.done`);
  await writeObject({ source: (async function* () { yield data; })(), key, objectId, destPath: path, tmpDir: join(root, 'tmp'), chunkSize });
  return { data, key, objectId, file: readFileSync(path) };
}

/** Writes `file` into `path` as the sealer would, publishing each step's end; `upTo` moves it on. */
function writer(path: string, file: Buffer, readBack: FollowingReadBack) {
  const fd = openSync(path, 'w');
  let at = 0;
  return {
    upTo(end: number) {
      writeSync(fd, file, at, end - at, at);
      at = end;
      Atomics.store(readBack.written, 0, BigInt(at));
      Atomics.notify(readBack.written, 0);
    },
    close: () => closeSync(fd),
  };
}

/** The header written to `name` and the read-back started behind it, as a put does. */
async function startedBehind(name: string, file: Buffer, readBack: FollowingReadBack) {
  const path = join(root, name);
  const w = writer(path, file, readBack);
  try {
    w.upTo(HEADER_LENGTH);
    await readBack.start(path);
  } catch (e) {
    w.close();
    throw e;
  }
  return { path, w };
}

/** As startedBehind, then the rest of the file; `meanwhile` runs between the two. */
async function writeWhole(name: string, file: Buffer, readBack: FollowingReadBack, meanwhile?: (path: string) => void): Promise<string> {
  const { path, w } = await startedBehind(name, file, readBack);
  try {
    meanwhile?.(path);
    w.upTo(file.length);
  } finally {
    w.close();
  }
  return path;
}

const tick = (ms = 60) => new Promise((r) => setTimeout(r, ms));

describe('a read-back following the writer', () => {
  it('verifies what is written as it is written, and the last chunk only once the object is complete', async () => {
    // A whole number of chunks, so the last is as long as the others and only completion says which one it is; and a
    // file of exactly two read windows (2 MiB each: 40 + 24 × (174,745 + 16) bytes), so all of it is read and every
    // chunk but the last decrypted before that.
    const s = await sealed(24 * 174_745, 174_745);
    expect(s.file.length).toBe(4 * 1024 * 1024);
    const readBack = new FollowingReadBack(s.objectId, s.key);
    try {
      const { path: tmp, w } = await startedBehind('obj.tmp', s.file, readBack);
      const dest = join(root, 'obj');
      // Everything written, but not yet said to be complete: the last chunk (as long as the others) is not decided.
      w.upTo(s.file.length);
      const waiting = await Promise.race([readBack.verdict!.then(() => 'verified', () => 'failed'), tick(300).then(() => 'still waiting')]);
      expect(waiting).toBe('still waiting');
      w.close();
      renameSync(tmp, dest);
      expect(await readBack.finish(dest, s.data.length)).toEqual({ sha256: sha256(s.data), size: s.data.length });
    } finally {
      await readBack.close();
    }
  });

  it('fails at a chunk changed on the disk before the writer is done, and the name must lead to the very file read', async () => {
    // Over three read windows (2 MiB each): the first is read while the writer is still at the third.
    const s = await sealed(6 * 1024 * 1024 + 100);
    const readBack = new FollowingReadBack(s.objectId, s.key);
    const bad = Buffer.from(s.file);
    bad[HEADER_LENGTH + CHUNK + TAG_LENGTH + 10]! ^= 1;
    try {
      const { path: tmp, w } = await startedBehind('obj.tmp', bad, readBack);
      // Written up to the third window: the verify fails at the changed chunk, without waiting for the rest.
      w.upTo(5 * 1024 * 1024);
      const early = await Promise.race([readBack.verdict!.then(() => 'verified', (e: { params?: { chunk?: number } }) => `failed at chunk ${e.params?.chunk}`), tick(10_000).then(() => 'still waiting')]);
      expect(early).toBe('failed at chunk 1');
      w.upTo(bad.length);
      w.close();
      const dest = join(root, 'obj');
      renameSync(tmp, dest);
      await expect(readBack.finish(dest, s.data.length)).rejects.toMatchObject({ code: 'vault.object_corrupt', params: { chunk: 1 } });
    } finally {
      await readBack.close();
    }

    // Whole and sound, but the catalogue's name leads to another file.
    const again = new FollowingReadBack(s.objectId, s.key);
    try {
      await writeWhole('b.tmp', s.file, again);
      await expect(again.finish(join(root, 'obj'), s.data.length)).rejects.toMatchObject({ code: 'vault.object_vanished' });
    } finally {
      await again.close();
    }
  });

  it('a header rewritten after the read-back took it, or a size that is not the file\'s, fails the object', async () => {
    const s = await sealed(3 * CHUNK);
    const readBack = new FollowingReadBack(s.objectId, s.key);
    try {
      const tmp = await writeWhole('obj.tmp', s.file, readBack, (path) => {
        // The nonce prefix changed under it (the chunks were sealed with the old one): the header is not the file's.
        const fd = openSync(path, 'r+');
        writeSync(fd, Buffer.from([s.file[40]! ^ 0xff]), 0, 1, 33);
        closeSync(fd);
      });
      await expect(readBack.finish(tmp, s.data.length)).rejects.toMatchObject({ code: 'vault.object_corrupt', params: { reason: 'header changed' } });
    } finally {
      await readBack.close();
    }

    const other = new FollowingReadBack(s.objectId, s.key);
    try {
      const path = await writeWhole('c.tmp', s.file, other);
      await expect(other.finish(path, s.data.length - 1)).rejects.toMatchObject({ code: 'vault.object_corrupt', params: { reason: 'truncated' } });
    } finally {
      await other.close();
    }
  });

  it('close() ends a read-back still waiting for the writer, at once', async () => {
    const s = await sealed(4 * CHUNK);
    const readBack = new FollowingReadBack(s.objectId, s.key);
    const { w } = await startedBehind('obj.tmp', s.file, readBack);
    try {
      w.upTo(HEADER_LENGTH + CHUNK);
      await tick();
      const verdict = readBack.verdict!;
      await readBack.close();
      // Stopped where it waited: neither verified nor failed.
      await expect(verdict).rejects.toMatchObject({ code: 'vault.object_closed' });
    } finally {
      w.close();
      await readBack.close();
    }
  });
});
