// Media the station burns to (issue 6 item 1). Capacities are the smallest data capacity of the
// recordable kinds sold under each name, in 2048-byte sectors as drives report them (DVD-R DL
// holds a little less than DVD+R DL, so DL plans for DVD-R DL), never the marketing figure.

import { MEDIA_IDS, type MediaId } from '../../shared/events.ts';

export { MEDIA_IDS, type MediaId };

export const SECTOR = 2048;

export type MediaProfile = {
  id: MediaId;
  optical: boolean;
  /** Data capacity in bytes; null for removable drives, whose free space is measured at burn time. */
  capacityBytes: number | null;
};

export const MEDIA_PROFILES: Record<MediaId, MediaProfile> = {
  cd: { id: 'cd', optical: true, capacityBytes: 359_847 * SECTOR }, // 80 min CD-R, "700 MB"
  dvd: { id: 'dvd', optical: true, capacityBytes: 2_295_104 * SECTOR }, // DVD+R, "4.7 GB"
  'dvd-dl': { id: 'dvd-dl', optical: true, capacityBytes: 4_171_712 * SECTOR }, // DVD-R DL, "8.5 GB"
  bd25: { id: 'bd25', optical: true, capacityBytes: 12_219_392 * SECTOR },
  bd50: { id: 'bd50', optical: true, capacityBytes: 24_438_784 * SECTOR },
  usb: { id: 'usb', optical: false, capacityBytes: null },
};

/**
 * Room kept on every medium for what is not an original: ISO 9660 + Joliet + Rock Ridge trees,
 * xorriso's MD5 array and padding, the manifest, proofs, README, NOTE.html and verify.html.
 * Generous on purpose: a plan that does not fit is found only when the drive refuses the disc.
 */
export const FIXED_RESERVE_BYTES = 8 << 20;
export const PER_FILE_RESERVE_BYTES = 32 << 10;

/** Bytes a file occupies on an ISO 9660 medium: whole sectors. */
export function onMediumBytes(size: number): number {
  return Math.ceil(size / SECTOR) * SECTOR;
}
