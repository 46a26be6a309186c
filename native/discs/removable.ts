// Removable drives (003_7f4f373c13ea7ee8.txt 第十七条: 移动存储介质): the staged package copied file by
// file onto the drive with every file and folder fsync'd, then read back from the drive. Before
// the read-back each file's pages are dropped from the page cache (GNU dd iflag=nocache on Linux),
// so the bytes come from the device; where that is not possible (other platforms, or a FUSE volume
// whose block device keeps its own cache) the read-back may be served from memory — the code says
// so rather than claiming more.
import { spawnSync } from 'node:child_process';
import { mkdir, open, readdir, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fromSystemError } from '../../electron/core/errors.ts';
import { folderSource } from '../../electron/core/evidencePackage/source.ts';
import type { BurnTarget, DiscWriter, Md5Check, MediumReader, WriteRequest, WrittenMedium } from '../../electron/core/discs/ports.ts';

export const REMOVABLE_WRITER_ID = 'removable';

async function syncPath(path: string): Promise<void> {
  try {
    const h = await open(path, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    // Windows cannot open a folder to fsync it; its file system commits the entries with the files.
  }
}

export function dropFromPageCache(path: string, platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== 'linux') return false;
  return spawnSync('dd', [`if=${path}`, 'iflag=nocache', 'count=0', 'status=none'], { stdio: 'ignore' }).status === 0;
}

export class RemovableWriter implements DiscWriter {
  readonly id = REMOVABLE_WRITER_ID;
  readonly exercised = true;

  supports(target: BurnTarget): boolean {
    return target.kind === 'dir';
  }

  async write(req: WriteRequest): Promise<WrittenMedium> {
    if (req.target.kind !== 'dir') throw new Error('removable writer takes folders');
    const root = req.target.path;
    let bytes = 0;
    try {
      await mkdir(root, { recursive: false });
      const entries = (await readdir(req.sourceDir, { recursive: true, withFileTypes: true })).sort((a, b) =>
        join(a.parentPath, a.name) < join(b.parentPath, b.name) ? -1 : 1,
      );
      const dirs = new Set<string>([root]);
      const buf = Buffer.allocUnsafe(4 << 20);
      for (const e of entries) {
        const rel = relative(req.sourceDir, join(e.parentPath, e.name));
        const dest = join(root, rel);
        if (e.isDirectory()) {
          await mkdir(dest, { recursive: true });
          dirs.add(dest);
          continue;
        }
        if (!e.isFile()) continue;
        await mkdir(dirname(dest), { recursive: true });
        dirs.add(dirname(dest));
        const src = await open(join(e.parentPath, e.name), 'r');
        const out = await open(dest, 'wx');
        try {
          for (;;) {
            req.signal.throwIfAborted();
            const { bytesRead } = await src.read(buf, 0, buf.length, null);
            if (bytesRead === 0) break;
            await out.write(buf.subarray(0, bytesRead));
            bytes += bytesRead;
            req.onProgress({ phase: 'writing', bytes, totalBytes: req.totalBytes });
          }
          await out.sync();
        } finally {
          await src.close();
          await out.close();
        }
      }
      req.onProgress({ phase: 'closing', bytes, totalBytes: req.totalBytes });
      for (const d of [...dirs].sort((a, b) => b.split(sep).length - a.split(sep).length)) await syncPath(d);
      await syncPath(dirname(root));
    } catch (e) {
      if (req.signal.aborted) throw req.signal.reason;
      throw fromSystemError(e, root);
    }
    return { writer: this.id, target: req.target, volumeId: req.volumeId, createdAt: req.createdAt.toISOString() };
  }

  async openMedium(written: WrittenMedium): Promise<MediumReader> {
    if (written.target.kind !== 'dir') throw new Error('removable writer takes folders');
    const root = written.target.path;
    const source = folderSource(root);
    for (const p of await source.list()) dropFromPageCache(join(root, p));
    const stamp = written.createdAt.replace(/[-:.TZ]/g, '');
    return {
      ...source,
      async checkRecordedMd5(): Promise<Md5Check> {
        return { checked: false, reason: 'folder' };
      },
      async identity() {
        // A folder has no volume id of its own; the media id names the folder's volume id and time.
        return { volumeId: null, mediaId: `${written.volumeId}/${stamp}` };
      },
      async close() {},
    };
  }

  async discard(written: WrittenMedium): Promise<void> {
    if (written.target.kind === 'dir') await rm(written.target.path, { recursive: true, force: true });
  }
}
