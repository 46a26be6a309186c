// What the benches dock: recorder files (a valid MP4 around a payload, moov at the end as recorders write it) on a
// recorder volume — an exFAT image on a loop device through FUSE where this machine allows it, as a docked recorder
// appears, else a plain folder — and the station the benches ingest them with. One place, so that the ingest,
// recorders, replica and playback benches measure the same kind of source and set the station up the same way.
import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Station } from '../../electron/core/station.ts';
import { type IngestSourceSpec } from '../../electron/core/ingest/service.ts';
import { loopExfatCapability, Volumes, type LoopVolume } from '../support/loopVolumes.ts';
import { mp4AroundPayload } from '../fixtures/mediaFixtures.ts';

const MiB = 2 ** 20;
export const BENCH_PASSPHRASE = 'benchmark passphrase';
export const BENCH_ADMIN_PASSWORD = 'admin-password';

/**
 * A recorder file of `bytes` payload. Random by default (each 16 MiB block stamped with `index`, so no two files
 * share content and no dedup or compression flatters a contender); `sparse` leaves the payload a hole that reads as
 * zeros, so a multi-GiB file costs nothing to make — its reader still reads, and the station hashes, encrypts, writes
 * and verifies, every byte of it.
 */
export function writeRecording(path: string, bytes: number, index: number, options: { sparse?: boolean } = {}): void {
  const { before, after } = mp4AroundPayload({ mdatBytes: bytes, durationSeconds: 600 });
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, before);
    if (options.sparse) {
      writeSync(fd, after, 0, after.length, before.length + bytes);
      return;
    }
    const block = Buffer.allocUnsafe(Math.min(16 * MiB, Math.max(1, bytes)));
    for (let done = 0; done < bytes; done += block.length) {
      randomFillSync(block);
      block.writeUInt32BE(index, 0);
      writeSync(fd, block, 0, Math.min(block.length, bytes - done));
    }
    writeSync(fd, after);
  } finally {
    closeSync(fd);
  }
}

/** Runs a command without blocking the event loop (a station may be ingesting beside it). */
export function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}`))));
  });
}

export type RecorderFile = { name: string; bytes: number; index: number };
export type RecorderSource = { root: string; files: string[]; volume: LoopVolume | null };

/** Recorders for one bench: each an exFAT/FUSE volume when the machine can loop-mount one, else a folder under `dir`. */
export class RecorderSources {
  private readonly dir: string;
  private volumes: Volumes | null;
  /** Why these are folders, or null when they are exFAT volumes. */
  readonly foldersBecause: string | null;

  constructor(dir: string) {
    this.dir = dir;
    const cap = loopExfatCapability();
    this.volumes = cap.ok ? new Volumes() : null;
    this.foldersBecause = cap.ok ? null : cap.reason;
  }

  get exfat(): boolean {
    return this.volumes !== null;
  }

  /** A recorder holding `files`, filled before it is docked (mounted), so the station only ever sees it complete. */
  dock(name: string, files: RecorderFile[]): RecorderSource {
    const fill = (root: string) => files.forEach((f) => writeRecording(join(root, f.name), f.bytes, f.index));
    const names = files.map((f) => f.name);
    if (this.volumes) {
      const payload = files.reduce((n, f) => n + f.bytes + MiB, 0);
      const volume = this.volumes.exfat({ sizeMiB: Math.ceil(payload / MiB) + 64, name });
      volume.prepare(fill);
      volume.mount();
      return { root: volume.mountPoint, files: names, volume };
    }
    const root = join(this.dir, `src-${name}`);
    mkdirSync(root, { recursive: true });
    fill(root);
    return { root, files: names, volume: null };
  }

  /**
   * Docks them again: every contender then reads through a fresh mount (no FUSE page cache of these files), like a
   * newly docked recorder, and starts with nothing of the previous one still waiting to be written back.
   *
   * The recorder's blocks are then read once, so each contender finds them in the page cache (issue 16's premise) and
   * pays for the FUSE daemon's work as it would with a real recorder. Mounting drops the loop device's cache, and
   * refilling it meant a kernel worker copying every page from the image file during the timed run — a cost of
   * emulating a recorder with a loop device (measured 0.6–2.3 core-seconds per GiB, "kworker" in the machine CPU
   * rows), which no USB recorder has, and which fell on the other core that a one-thread contender leaves idle.
   */
  async redock(sources: RecorderSource[]): Promise<void> {
    await run('sync', []);
    for (const s of sources) {
      if (!s.volume) continue;
      await s.volume.unmount();
      s.volume.mount();
      if (s.volume.device) await run('dd', [`if=${s.volume.device}`, 'of=/dev/null', 'bs=4M', 'status=none']);
    }
  }

  async undock(sources: RecorderSource[]): Promise<void> {
    for (const s of sources) await s.volume?.unmount();
  }

  cleanup(): void {
    this.volumes?.cleanup();
    this.volumes = null;
  }
}

/** What the dock hands the ingest service for a recorder mounted at `root`. */
export function volumeSpec(root: string, key: string): IngestSourceSpec {
  return { kind: 'volume', root, sourceKey: `recorder:${key}`, device: null, fsType: null, label: null, recorder: { serial: key, via: 'custodian' }, vendorInfo: null };
}

/** A fresh, unlocked station with its admin and a custodian `keeper` (the ingest's actor). */
export async function benchStation(dataDir: string): Promise<Station> {
  const station = Station.open({ dataDir });
  await station.init({ agencyCode: 'BENCH', agencyName: 'bench', passphrase: BENCH_PASSPHRASE, admin: { username: 'admin', displayName: 'admin', password: BENCH_ADMIN_PASSWORD } });
  await station.users.add('admin', { username: 'keeper', displayName: 'keeper', roles: ['custodian'], password: 'keeper-password' });
  return station;
}
