import { StationError } from '../errors.ts';
import { FIXED_RESERVE_BYTES, PER_FILE_RESERVE_BYTES, onMediumBytes } from './profiles.ts';

export type PlanItem = { recordingId: string; size: number };
export type PlannedDisc = { index: number; items: string[]; bytes: number };

/** What one medium can take of originals once the package's own files are accounted for. */
export function usableBytes(capacityBytes: number, fileCount: number): number {
  return capacityBytes - FIXED_RESERVE_BYTES - PER_FILE_RESERVE_BYTES * fileCount;
}

/**
 * Spreads the recordings over as few media as first-fit in request order gives. Originals are
 * never split across media (each disc must verify and play on its own), so one file larger than
 * a medium is refused and a larger medium has to be chosen. Request order is kept on each disc
 * and mostly across discs, so disc 1 holds the earliest items of the request.
 */
export function planDiscs(items: PlanItem[], capacityBytes: number): PlannedDisc[] {
  const discs: { items: PlanItem[]; bytes: number }[] = [];
  const fits = (disc: { items: PlanItem[]; bytes: number }, item: PlanItem) =>
    disc.bytes + onMediumBytes(item.size) <= usableBytes(capacityBytes, disc.items.length + 1);
  for (const item of items) {
    if (onMediumBytes(item.size) > usableBytes(capacityBytes, 1)) {
      throw new StationError('input', 'disc.file_too_large', { recordingId: item.recordingId, size: item.size, capacity: capacityBytes });
    }
    const disc = discs.find((d) => fits(d, item));
    if (disc) {
      disc.items.push(item);
      disc.bytes += onMediumBytes(item.size);
    } else {
      discs.push({ items: [item], bytes: onMediumBytes(item.size) });
    }
  }
  return discs.map((d, i) => ({ index: i + 1, items: d.items.map((x) => x.recordingId), bytes: d.bytes }));
}

/**
 * ISO 9660 volume identifier: at most 32 of A–Z 0–9 _ (d-characters), so that every OS shows the
 * same label. Built from the case number where one exists (004 第十八条: the disc goes into that
 * case file), else the request number.
 */
export function volumeIdFor(parts: { agencyCode: string; caseNumber: string | null; requestId: string; disc: number; discs: number }): string {
  const clean = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const subject = (parts.caseNumber && clean(parts.caseNumber)) || clean(parts.requestId);
  const suffix = parts.discs > 1 ? `_${parts.disc}OF${parts.discs}` : '';
  const head = `${clean(parts.agencyCode)}_${subject}`.slice(0, 32 - suffix.length).replace(/_+$/, '');
  return `${head}${suffix}`;
}

/** A user-chosen label, reduced to what a volume identifier may hold; null if nothing is left. */
export function cleanVolumeLabel(label: string, disc: number, discs: number): string | null {
  const base = label.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (!base) return null;
  const suffix = discs > 1 ? `_${disc}OF${discs}` : '';
  return `${base.slice(0, 32 - suffix.length).replace(/_+$/, '')}${suffix}`;
}
