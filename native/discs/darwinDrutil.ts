// macOS: hdiutil makehybrid builds the ISO 9660 + Joliet + UDF image from the staged folder, drutil
// burns it and mounts the disc, and the read-back hashes every file from the mounted disc. NOT
// EXERCISED: written from the hdiutil(1) and drutil(1) manuals with no Mac or drive here; only the
// argument building and the `drutil status` parser are tested, on output written from those formats.
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { StationError } from '../../electron/core/errors.ts';
import { folderSource } from '../../electron/core/evidencePackage/source.ts';
import type { BurnTarget, DiscWriter, LoadedMedium, Md5Check, MediumReader, OpticalDrive, OpticalDrives, WriteRequest, WrittenMedium } from '../../electron/core/discs/ports.ts';

const run = promisify(execFile);

export function makehybridArgs(p: { sourceDir: string; volumeId: string; image: string }): string[] {
  return ['makehybrid', '-iso', '-joliet', '-udf', '-default-volume-name', p.volumeId, '-o', p.image, p.sourceDir];
}

/** drutil's drive selector is its list index (1-based); the station's device string is that index. */
export function drutilBurnArgs(p: { drive: string; image: string }): string[] {
  return ['-drive', p.drive, 'burn', '-noverify', '-mount', p.image];
}

/**
 * `drutil status` (one drive):
 *            Type: DVD+R              Name: /dev/disk2
 *     ...
 *      Space Free:  510:03:00         blocks:  2295104 /   4.70GB /   4.38GiB
 *     Writability: appendable, blank, overwritable
 * or "No Media Inserted".
 */
export function parseDrutilStatus(text: string): LoadedMedium {
  if (/No Media Inserted/i.test(text)) return { state: 'none', kind: null, capacityBytes: null, freeBytes: null };
  const type = /Type:\s*(\S+)/.exec(text)?.[1] ?? null;
  const free = /Space Free:.*?blocks:\s*(\d+)/.exec(text);
  const used = /Space Used:.*?blocks:\s*(\d+)/.exec(text);
  const writability = /Writability:\s*(.+)/.exec(text)?.[1] ?? '';
  const state = /\bblank\b/.test(writability) ? 'blank' : /\bappendable\b/.test(writability) ? 'appendable' : writability.trim() ? 'closed' : 'unknown';
  const freeBytes = free ? Number(free[1]) * 2048 : null;
  return { state, kind: type, capacityBytes: freeBytes !== null && used ? freeBytes + Number(used[1]) * 2048 : freeBytes, freeBytes };
}

/** `drutil list`: fixed columns under a "Vendor Product Rev …" header (product names hold spaces). */
export function parseDrutilList(text: string): { index: string; vendor: string | null; model: string | null }[] {
  const lines = text.split('\n');
  const header = lines.find((l) => /Vendor\s+Product\s+Rev/.test(l));
  if (!header) return [];
  const vendorAt = header.indexOf('Vendor');
  const productAt = header.indexOf('Product');
  const revAt = header.indexOf('Rev');
  const out: { index: string; vendor: string | null; model: string | null }[] = [];
  for (const line of lines) {
    const m = /^\s*(\d+)\s/.exec(line);
    if (!m) continue;
    out.push({ index: m[1]!, vendor: line.slice(vendorAt, productAt).trim() || null, model: line.slice(productAt, revAt).trim() || null });
  }
  return out;
}

export class DarwinWriter implements DiscWriter {
  readonly id = 'darwin-drutil';
  readonly exercised = false;

  supports(target: BurnTarget): boolean {
    return target.kind === 'drive';
  }

  async write(req: WriteRequest): Promise<WrittenMedium> {
    if (req.target.kind !== 'drive') throw new StationError('state', 'disc.no_writer', { target: req.target.kind });
    // The image lives beside the staged folder, inside the private staging area.
    const image = join(dirname(req.sourceDir), `${req.volumeId}.iso`);
    try {
      req.onProgress({ phase: 'preparing', bytes: 0, totalBytes: req.totalBytes });
      await run('hdiutil', makehybridArgs({ sourceDir: req.sourceDir, volumeId: req.volumeId, image }), { signal: req.signal });
      req.onProgress({ phase: 'writing', bytes: 0, totalBytes: req.totalBytes });
      await run('drutil', drutilBurnArgs({ drive: req.target.device, image }), { signal: req.signal });
      req.onProgress({ phase: 'writing', bytes: req.totalBytes, totalBytes: req.totalBytes });
    } catch (e) {
      if (req.signal.aborted) throw req.signal.reason;
      throw new StationError('io', 'disc.write_failed', { location: req.target.device, detail: (e as Error).message });
    } finally {
      await rm(image, { force: true });
    }
    return { writer: this.id, target: req.target, volumeId: req.volumeId, createdAt: req.createdAt.toISOString() };
  }

  async openMedium(written: WrittenMedium): Promise<MediumReader> {
    // drutil -mount mounts the burned disc under its volume name.
    const source = folderSource(join('/Volumes', written.volumeId));
    const stamp = written.createdAt.replace(/[-:.TZ]/g, '');
    return {
      ...source,
      async checkRecordedMd5(): Promise<Md5Check> {
        return { checked: false, reason: 'drutil' };
      },
      async identity() {
        return { volumeId: null, mediaId: `${written.volumeId}/${stamp}` };
      },
      async close() {},
    };
  }

  async discard(): Promise<void> {}
}

export class DarwinDrives implements OpticalDrives {
  readonly id = 'darwin-drutil';
  readonly exercised = false;

  async list(): Promise<OpticalDrive[]> {
    const { stdout } = await run('drutil', ['list']).catch(() => ({ stdout: '' }));
    const out: OpticalDrive[] = [];
    for (const d of parseDrutilList(stdout)) {
      const status = await run('drutil', ['-drive', d.index, 'status']).catch(() => ({ stdout: '' }));
      out.push({ device: d.index, vendor: d.vendor, model: d.model, medium: parseDrutilStatus(status.stdout) });
    }
    return out;
  }

  async inspect(device: string): Promise<OpticalDrive> {
    const found = (await this.list()).find((d) => d.device === device);
    if (!found) throw new StationError('io', 'disc.drive_unavailable', { device, detail: 'not found' });
    return found;
  }

  async eject(device: string): Promise<void> {
    await run('drutil', ['-drive', device, 'eject']).catch(() => undefined);
  }
}
