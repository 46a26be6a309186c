// The self-describing evidence package written for an approved copy (export) and on every disc.
// It must be checkable on any computer without the station: `sha256sum -c SHA256SUMS`, the
// manifest's signature and the ledger proofs with only the station's public key
// (`station disc verify PATH`), or verify.html in a browser.

import type { ManifestWitness } from '../witness/packageProofs.ts';

export const PACKAGE_FORMAT = 'evidence-station-package/1';

export const PATHS = {
  readme: 'README.txt',
  manifest: 'MANIFEST.json',
  manifestSignature: 'MANIFEST.json.sig',
  sums: 'SHA256SUMS',
  checkpoint: 'LEDGER/checkpoint.txt',
  proofs: 'LEDGER/proofs.json',
  files: 'FILES',
} as const;

export type PackageFile = {
  /** Path inside the package, always under FILES/, '/'-separated. */
  path: string;
  sha256: string;
  size: number;
  recordingId: string;
  originalName: string;
  /** Sequence number of the ledger entry that recorded this file's ingest (its proof is in LEDGER/proofs.json). */
  ingestSeq: number;
  recordedAt: string | null;
  officer: string | null;
  recorder: string | null;
};

export type PackageManifest = {
  format: typeof PACKAGE_FORMAT;
  packageId: string;
  kind: 'export' | 'disc';
  createdAt: string;
  agency: { code: string; name: string };
  station: { origin: string; verifierKey: string };
  /** Who asked, who approved, why (002 第二十三条, 004 第二十条): the written note travels with the copy. */
  request: {
    id: string;
    kind: string;
    purpose: string;
    requester: string;
    approvers: string[];
    approvalSeqs: number[];
    operator: string;
    /** The case's 案号 as the agency numbered it (older packages: the station's case id). */
    caseNumber: string | null;
    /** The station's own case id, for finding the case again at the station. */
    caseId?: string | null;
    /** People by real name with their login in brackets, as printed on the papers. */
    requesterName?: string;
    approverNames?: string[];
    operatorName?: string;
    /** The label the user typed for the disc, as typed (the ISO volume id may hold less of it). */
    label?: string;
  };
  /** For a set of discs: which disc this is, and what is on each one. */
  set: { setId: string; index: number; count: number; contents: { index: number; files: string[] }[] } | null;
  files: PackageFile[];
  /** Other files the package carries besides FILES/ and the fixed ones (notes, verify.html). */
  extras: { path: string; sha256: string; size: number }[];
  /**
   * The central witness (core/witness/packageProofs.ts): absent when the station is not enrolled;
   * else the cosigned checkpoint and one tlog-proof per file, or `cosigned: false` when the
   * witness could not cosign in time. Its files are listed in SHA256SUMS like the fixed ones.
   */
  witness?: ManifestWitness;
};

/** Names on discs must survive ISO 9660/Joliet (Windows) and Rock Ridge (Linux) alike. */
export function safePackageName(index: number, originalName: string): string {
  const base = originalName.split(/[\\/]/).pop() ?? '';
  const cleaned = [...base]
    .filter((ch) => ch.codePointAt(0)! >= 0x20 && ch !== '\u007f')
    .join('')
    .replace(/[<>:"|?*;]/g, '_')
    .replace(/^\.+/, '')
    .trim();
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 && cleaned.length - dot <= 6 ? cleaned.slice(dot) : '';
  const stem = shortenStem(ext ? cleaned.slice(0, dot) : cleaned, 48) || 'file';
  return `${String(index).padStart(4, '0')}_${stem}${ext}`;
}

// The part of a recorder name that identifies the file: _serial_officer_time_seq[_IMP], or the
// serial/officer with the date and time split (DCAM_…_20260804_100000_IMP).
const IDENTIFYING_TAIL = /(?:_[A-Za-z0-9]{1,32}_[A-Za-z0-9]{1,32}_[0-9]{14}_[0-9]{4}|_[A-Za-z0-9]{1,32}_[A-Za-z0-9]{1,32}_[0-9]{8}_[0-9]{6})(?:_IMP)?$/i;

/**
 * Fits a stem into `max` characters. A long name is shortened in its descriptive part and keeps
 * its identifying tail (issue 15: dropping the tail left names that said nothing about the file);
 * '~' marks where text was left out. MANIFEST.json keeps the original name in full.
 */
export function shortenStem(stem: string, max: number): string {
  const chars = [...stem];
  if (chars.length <= max) return stem;
  const tail = IDENTIFYING_TAIL.exec(stem)?.[0];
  if (tail === undefined || tail.length + 2 > max) return chars.slice(0, max).join('');
  const head = chars.slice(0, chars.length - tail.length).join('');
  const keep = [...head].slice(0, max - tail.length - 1).join('').replace(/[_\s-]+$/, '');
  return `${keep}~${tail}`;
}
