import { createHash, randomBytes } from 'node:crypto';
import { renameSync, statSync, writeFileSync } from 'node:fs';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSource, READ_BLOCK, readSource, type ReadOutcome } from './sourceFile.ts';
import { loopExfatCapability, Volumes } from '../../../tests/support/loopVolumes.ts';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'source-file-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function opened(name: string, data: Buffer) {
  const path = join(root, name);
  await writeFile(path, data);
  const st = statSync(path);
  return openSource(Buffer.from(path), { dev: st.dev, ino: st.ino }, name);
}

describe('readSource', () => {
  it('streams the file exactly, in blocks it lends and reuses once given back', async () => {
    const data = randomBytes(2 * READ_BLOCK + 12345);
    const a = await opened('a.mp4', data);
    const outcome: ReadOutcome = { bytes: 0, changed: false };
    const blocks = readSource(a, outcome);
    const hash = createHash('sha256');
    const seen = new Set<ArrayBufferLike>();
    for await (const block of blocks) {
      hash.update(block);
      seen.add(block.buffer);
      blocks.giveBack(block);
    }
    await a.handle.close();
    expect(hash.digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    expect(outcome).toEqual({ bytes: data.length, changed: false });

    // The next file is read into memory given back by the last one rather than fresh allocations.
    const b = await opened('b.mp4', randomBytes(100));
    const next = readSource(b, { bytes: 0, changed: false });
    const first = await next.next();
    expect(first.done).toBe(false);
    expect(seen.has((first.value as Buffer).buffer)).toBe(true);
    await next.return(undefined);
    await b.handle.close();
  });

  it('never reads into a block that was given back after moving elsewhere', async () => {
    const a = await opened('a.mp4', randomBytes(1000));
    const blocks = readSource(a, { bytes: 0, changed: false });
    const first = (await blocks.next()).value as Buffer;
    const memory = first.buffer;
    // Moved to another thread (as the vault's writer does); what is left here is detached and empty.
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(memory, [memory as ArrayBuffer]);
    port1.close();
    port2.close();
    blocks.giveBack(first);
    await blocks.return(undefined);
    await a.handle.close();
    const b = await opened('b.mp4', randomBytes(1000));
    const again = readSource(b, { bytes: 0, changed: false });
    const block = (await again.next()).value as Buffer;
    expect(block.length).toBe(1000);
    expect(block.buffer).not.toBe(memory);
    await again.return(undefined);
    await b.handle.close();
  });

  it('flags a file that grew while it was read, storing the size seen at open', async () => {
    const data = randomBytes(READ_BLOCK + 10);
    const a = await opened('a.mp4', data);
    const outcome: ReadOutcome = { bytes: 0, changed: false };
    let total = 0;
    for await (const block of readSource(a, outcome)) {
      if (total === 0) await appendFile(join(root, 'a.mp4'), 'more');
      total += block.length;
    }
    await a.handle.close();
    expect(total).toBe(data.length);
    expect(outcome).toEqual({ bytes: data.length, changed: true });
  });
});

/** Reads the whole source as ingest does, then closes it. */
async function readAll(src: Awaited<ReturnType<typeof openSource>>) {
  const outcome: ReadOutcome = { bytes: 0, changed: false };
  const blocks = readSource(src, outcome);
  const hash = createHash('sha256');
  for await (const block of blocks) {
    hash.update(block);
    blocks.giveBack(block);
  }
  await src.handle.close();
  return { sha256: hash.digest('hex'), pastPageCache: blocks.bytesPastPageCache, outcome };
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('readSource past the page cache (O_DIRECT)', () => {
  it('where direct reads are refused, in memory or length (the odd-sized tail), the same bytes come through the cache', async () => {
    // The test folder's file system (ext4 or tmpfs): direct reads partly or wholly refused; never a wrong byte.
    const data = randomBytes(2 * READ_BLOCK + 777);
    const got = await readAll(await opened('odd.mp4', data));
    expect(got.sha256).toBe(sha(data));
    expect(got.outcome).toEqual({ bytes: data.length, changed: false });
    expect(got.pastPageCache).toBeLessThan(data.length);
  });

  const cap = loopExfatCapability();
  it.skipIf(!cap.ok)('through FUSE (exFAT on a loop device): every byte read directly, from the very file opened even once renamed and replaced', async () => {
    const volumes = new Volumes();
    try {
      const volume = volumes.exfat({ sizeMiB: 64, name: 'rec' });
      const data = randomBytes(3 * READ_BLOCK + 4321);
      volume.prepare((at) => writeFileSync(join(at, 'a.mp4'), data));
      volume.mount();
      const path = join(volume.mountPoint, 'a.mp4');
      const st = statSync(path);
      const src = await openSource(Buffer.from(path), { dev: st.dev, ino: st.ino }, 'a.mp4');
      // After the open: the name now leads to another file.
      renameSync(path, join(volume.mountPoint, 'moved.mp4'));
      writeFileSync(path, randomBytes(1000));
      const got = await readAll(src);
      expect(got.sha256).toBe(sha(data));
      expect(got.outcome).toEqual({ bytes: data.length, changed: false });
      expect(got.pastPageCache).toBe(data.length);
      await volume.unmount();
    } finally {
      volumes.cleanup();
    }
  });
});
