// Linux (and anywhere xorriso is installed): burns to an optical drive (/dev/srN) or to an ISO image
// file through xorriso's stdio: pseudo-drive — the same commands either way, so the image path the
// tests exercise is the path a real drive takes. Reading back goes through the medium itself:
// xorriso -check_md5 against the MD5s recorded at write time, and every file's bytes for SHA-256
// either straight from the image at the extents the ISO directory gives (image files), or streamed
// by xorriso from the drive (-concat into a pipe).
import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { StationError } from '../../electron/core/errors.ts';
import type { BurnTarget, DiscWriter, Md5Check, MediumReader, WriteRequest, WrittenMedium } from '../../electron/core/discs/ports.ts';
import { checkMd5Args, concatArgs, driveAddress, inspectImageArgs, writeArgs } from './xorrisoArgs.ts';
import { lastProblem, parseCheckMd5, parsePvdInfo, parseProgress, parseReportLba, type ImageFile } from './xorrisoParse.ts';
import { runXorriso } from './xorrisoProcess.ts';

export const XORRISO_WRITER_ID = 'xorriso';

function writeError(lines: string[], code: number, location: string): StationError {
  const problem = lastProblem(lines) ?? `exit ${code}`;
  if (/exceeds free space|not enough (free )?space|Image size.*exceeds/i.test(problem)) return new StationError('io', 'disc.medium_too_small', { location, detail: problem });
  if (/No space left on device/i.test(problem)) return new StationError('io', 'io.disk_full', { path: location });
  if (/Permission denied/i.test(problem)) return new StationError('io', 'io.permission', { path: location });
  if (/not present|No media/i.test(problem)) return new StationError('io', 'disc.no_medium', { device: location });
  return new StationError('io', 'disc.write_failed', { location, detail: problem });
}

type Addressable = { kind: 'iso'; path: string } | { kind: 'drive'; device: string };

function addressable(target: BurnTarget): Addressable {
  if (target.kind === 'dir') throw new StationError('state', 'disc.no_writer', { target: target.kind });
  return target;
}

export class XorrisoWriter implements DiscWriter {
  readonly id = XORRISO_WRITER_ID;
  /** Image files: exercised by the tests on every run. Real drives: the same commands, no drive here. */
  readonly exercised = true;
  private readonly binary: string;
  private readonly drives: boolean;

  constructor(options: { binary: string; drives?: boolean }) {
    this.binary = options.binary;
    this.drives = options.drives ?? process.platform === 'linux';
  }

  supports(target: BurnTarget): boolean {
    return target.kind === 'iso' || (target.kind === 'drive' && this.drives);
  }

  async write(req: WriteRequest): Promise<WrittenMedium> {
    const target = addressable(req.target);
    const location = target.kind === 'iso' ? target.path : target.device;
    req.onProgress({ phase: 'preparing', bytes: 0, totalBytes: req.totalBytes });
    let result;
    try {
      result = await runXorriso(this.binary, writeArgs({ sourceDir: req.sourceDir, target, volumeId: req.volumeId, createdAt: req.createdAt }), {
        signal: req.signal,
        onLine: (line) => {
          const p = parseProgress(line);
          if (p?.kind === 'write') req.onProgress({ phase: 'writing', bytes: Math.round((p.percent / 100) * req.totalBytes), totalBytes: req.totalBytes });
          else if (p?.kind === 'closing') req.onProgress({ phase: 'closing', bytes: req.totalBytes, totalBytes: req.totalBytes });
        },
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new StationError('state', 'disc.xorriso_missing', {});
      throw e;
    }
    if (result.code !== 0) throw writeError(result.lines, result.code, location);
    req.onProgress({ phase: 'writing', bytes: req.totalBytes, totalBytes: req.totalBytes });
    if (target.kind === 'iso') await flushImage(target.path);
    return { writer: this.id, target, volumeId: req.volumeId, createdAt: req.createdAt.toISOString() };
  }

  async openMedium(written: WrittenMedium): Promise<MediumReader> {
    const target = addressable(written.target);
    return XorrisoMediumReader.open(this.binary, target, { stream: target.kind === 'drive' });
  }

  async discard(written: WrittenMedium): Promise<void> {
    // An image is plaintext evidence outside the vault: a failed one is deleted. A disc stays a disc.
    if (written.target.kind === 'iso') await rm(written.target.path, { force: true });
  }
}

/**
 * Pushes the image to the disk and drops its pages from the page cache (GNU dd iflag=nocache), so
 * the read-back reads what is on the disk rather than what xorriso just wrote into memory.
 */
async function flushImage(path: string): Promise<void> {
  const h = await open(path, 'r+');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
  spawnSync('dd', [`if=${path}`, 'iflag=nocache', 'count=0', 'status=none'], { stdio: 'ignore' });
}

/**
 * A written ISO 9660 medium opened for reading back. `stream` mode reads file content through
 * xorriso (a real drive, where the kernel's view of a just-burned disc may be stale); otherwise the
 * image file is read directly at each file's extents.
 */
export class XorrisoMediumReader implements MediumReader {
  readonly location: string;
  private readonly binary: string;
  private readonly address: string;
  private readonly target: Addressable;
  private readonly files: Map<string, ImageFile>;
  private readonly volume: { volumeId: string | null; creationTime: string | null };
  private readonly stream: boolean;

  private constructor(binary: string, target: Addressable, files: ImageFile[], volume: { volumeId: string | null; creationTime: string | null }, stream: boolean) {
    this.binary = binary;
    this.target = target;
    this.address = driveAddress(target);
    this.location = target.kind === 'iso' ? target.path : target.device;
    this.files = new Map(files.map((f) => [f.path.replace(/^\/+/, ''), f]));
    this.volume = volume;
    this.stream = stream;
  }

  static async open(binary: string, target: Addressable, options: { stream: boolean }): Promise<XorrisoMediumReader> {
    const address = driveAddress(target);
    const result = await runXorriso(binary, inspectImageArgs(address));
    if (result.code !== 0) throw new StationError('io', 'disc.read_failed', { location: address, detail: lastProblem(result.lines) ?? `exit ${result.code}` });
    return new XorrisoMediumReader(binary, target, parseReportLba(result.lines), parsePvdInfo(result.lines), options.stream);
  }

  async list(): Promise<string[]> {
    return [...this.files.keys()].sort();
  }

  async read(path: string): Promise<Buffer | null> {
    const chunks: Buffer[] = [];
    const ok = await this.content(path, (c) => chunks.push(Buffer.from(c)));
    return ok ? Buffer.concat(chunks) : null;
  }

  async hash(path: string, onBytes?: (n: number) => void): Promise<{ sha256: string; size: number } | null> {
    const hash = createHash('sha256');
    let size = 0;
    const ok = await this.content(path, (c) => {
      hash.update(c);
      size += c.length;
      onBytes?.(c.length);
    });
    return ok ? { sha256: hash.digest('hex'), size } : null;
  }

  private async content(path: string, sink: (chunk: Buffer) => void): Promise<boolean> {
    const f = this.files.get(path);
    if (!f) return false;
    return this.stream ? this.streamContent(f, sink) : this.extentContent(f, sink);
  }

  /** Reads a file where the ISO directory says it lies: extent after extent, the last one cut to size. */
  private async extentContent(f: ImageFile, sink: (chunk: Buffer) => void): Promise<boolean> {
    if (this.target.kind !== 'iso') return false;
    const handle = await open(this.target.path, 'r');
    try {
      const buf = Buffer.allocUnsafe(4 << 20);
      let remaining = f.size;
      for (const extent of f.extents) {
        if (!extent) return false;
        let pos = extent.lba * 2048;
        let left = Math.min(remaining, extent.blocks * 2048);
        while (left > 0) {
          const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, left), pos);
          if (bytesRead === 0) return false;
          sink(buf.subarray(0, bytesRead));
          pos += bytesRead;
          left -= bytesRead;
          remaining -= bytesRead;
        }
      }
      return remaining === 0;
    } catch {
      return false;
    } finally {
      await handle.close();
    }
  }

  private async streamContent(f: ImageFile, sink: (chunk: Buffer) => void): Promise<boolean> {
    let size = 0;
    const result = await runXorriso(this.binary, concatArgs(this.address, f.path.startsWith('/') ? f.path : `/${f.path}`), {
      onData: (chunk) => {
        size += chunk.length;
        sink(chunk);
      },
    });
    return result.code === 0 && size === f.size;
  }

  async checkRecordedMd5(onBytes?: (bytes: number) => void): Promise<Md5Check> {
    const result = await runXorriso(this.binary, checkMd5Args(this.address), {
      onLine: (line) => {
        const p = parseProgress(line);
        if (p?.kind === 'read') onBytes?.(p.bytes);
      },
    });
    const md5 = parseCheckMd5(result.lines);
    const files = this.files.size;
    switch (md5.outcome) {
      case 'match':
        return { checked: true, files, mismatches: [] };
      case 'mismatch':
        return { checked: true, files, mismatches: md5.mismatches.map((p) => p.replace(/^\/+/, '')) };
      case 'none_recorded':
        // Every disc this station writes records MD5s; a medium without them is not what was written.
        throw new StationError('verify', 'disc.verify_failed', { path: '/', reason: 'md5_missing' });
      case 'unknown':
        throw new StationError('io', 'disc.read_failed', { location: this.location, detail: md5.detail ?? lastProblem(result.lines) ?? `exit ${result.code}` });
    }
  }

  async identity(): Promise<{ volumeId: string | null; mediaId: string }> {
    return { volumeId: this.volume.volumeId, mediaId: `${this.volume.volumeId ?? '?'}/${this.volume.creationTime ?? '?'}` };
  }

  async close(): Promise<void> {}
}
