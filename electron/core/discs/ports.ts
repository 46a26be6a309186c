// Ports: what burning needs from the operating system. Core declares them; native/discs implements
// them per platform (Linux: xorriso for images and /dev/srN, a removable-drive writer for folders;
// Windows: IMAPI2 through PowerShell; macOS: drutil/hdiutil). `exercised` says honestly whether an
// adapter has ever run for real in our tests, so the UI can say so.
import type { PackageSource } from '../evidencePackage/source.ts';
import type { BurnTarget, LoadedMediumState as MediumState, LoadedMedium, Md5Check } from '../../shared/events.ts';
export type { BurnTarget, MediumState, LoadedMedium, Md5Check };

export type OpticalDrive = {
  /** What to pass as `drive:` (/dev/sr0, E:, disk2). */
  device: string;
  vendor: string | null;
  model: string | null;
  medium: LoadedMedium | null;
};

export interface OpticalDrives {
  readonly id: string;
  readonly exercised: boolean;
  list(): Promise<OpticalDrive[]>;
  /** The drive and its loaded medium now (after the operator inserted one). */
  inspect(device: string): Promise<OpticalDrive>;
  eject?(device: string): Promise<void>;
}

export type WritePhase = 'preparing' | 'writing' | 'closing';
export type WriteProgress = { phase: WritePhase; bytes: number; totalBytes: number };

export type WriteRequest = {
  /** The staged package: decrypted originals in the station's private staging folder. */
  sourceDir: string;
  /** This one medium: an image path or folder not yet existing, or a drive with a blank medium. */
  target: BurnTarget;
  /** ISO 9660 volume identifier (≤ 32 of A–Z 0–9 _). */
  volumeId: string;
  /** Recorded as the volume's creation time; distinct per medium, so it also identifies it. */
  createdAt: Date;
  totalBytes: number;
  signal: AbortSignal;
  onProgress: (p: WriteProgress) => void;
};

/** What a writer wrote, enough to open it again for reading back. */
export type WrittenMedium = { writer: string; target: BurnTarget; volumeId: string; createdAt: string };

/**
 * A written medium opened for reading back. As a PackageSource it is what the station's verifier
 * (the same as `station disc verify`) reads: every byte comes from the medium, not the staging copy.
 */
export interface MediumReader extends PackageSource {
  /** Each file against the MD5 recorded when it was written (xorriso -check_md5); not every medium records one. */
  checkRecordedMd5(onBytes?: (bytes: number) => void): Promise<Md5Check>;
  /** Volume id as read from the medium and a media id (volume id + creation time, or a serial where the OS gives one). */
  identity(): Promise<{ volumeId: string | null; mediaId: string }>;
  close(): Promise<void>;
}

export interface DiscWriter {
  readonly id: string;
  readonly exercised: boolean;
  supports(target: BurnTarget): boolean;
  write(request: WriteRequest): Promise<WrittenMedium>;
  openMedium(written: WrittenMedium): Promise<MediumReader>;
  /** Removes what a failed attempt left (an image file, a folder); a burned disc cannot be unburned. */
  discard(written: WrittenMedium): Promise<void>;
}

export type DiscPorts = { writers: DiscWriter[]; drives: OpticalDrives | null };
