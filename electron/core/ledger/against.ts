import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StationError } from '../errors.ts';
import { verifyCheckpoint } from './checkpoint.ts';
import { MerkleTree, verifyConsistency } from './merkle.ts';
import { loadLeaves, type Ledger } from './ledger.ts';
import type { ReadableDB } from '../db/database.ts';

// `station ledger verify --against PACKAGE_OR_DISC`: the signed checkpoint an export package or a
// disc carries (LEDGER/checkpoint.txt, see evidencePackage/format.ts) must be a prefix of this
// station's ledger. A package is only ever made from the ledger as it stood, so a ledger that
// does not contain it was put back behind it (an older station.db restored) or rewritten.

const CHECKPOINT_PATH = 'LEDGER/checkpoint.txt';

/** The checkpoint note of a package folder, a mounted disc, or an ISO image (read with xorriso). */
export function readPackageCheckpoint(path: string): string {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new StationError('input', 'ledger.against_not_found', { path });
  }
  if (isDir) {
    try {
      return readFileSync(join(path, CHECKPOINT_PATH), 'utf8');
    } catch {
      throw new StationError('input', 'ledger.against_no_checkpoint', { path });
    }
  }
  // An image: extract the one file into a private temporary folder, removed whatever happens.
  const tmp = mkdtempSync(join(tmpdir(), 'station-against-'));
  try {
    const out = join(tmp, 'checkpoint.txt');
    try {
      execFileSync('xorriso', ['-osirrox', 'on', '-indev', path, '-extract', `/${CHECKPOINT_PATH}`, out], { stdio: 'ignore', timeout: 120_000 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new StationError('io', 'ledger.against_needs_xorriso', { path });
      throw new StationError('input', 'ledger.against_no_checkpoint', { path });
    }
    try {
      return readFileSync(out, 'utf8');
    } catch {
      throw new StationError('input', 'ledger.against_no_checkpoint', { path });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export type AgainstResult =
  | { ok: true; size: number; root: string; ledgerSize: number; toSize: number; proof: string[] }
  | { ok: false; reason: 'signature_invalid' | 'rolled_back' | 'history_inconsistent'; size: number | null; ledgerSize: number };

/**
 * Checks a package's checkpoint against the ledger: signed by this station, and the ledger's tree
 * at its size has its root. On success, also a consistency proof from it to the ledger's newest
 * checkpoint, verified here. A failure raises the ledger alarm (Ledger.noteSeen).
 */
export function verifyAgainst(
  db: ReadableDB,
  ledger: Ledger,
  note: string,
  publicKey: Buffer,
  keyName: string,
): AgainstResult {
  const ledgerSize = ledger.size;
  let cp: { size: number; root: Buffer };
  try {
    cp = verifyCheckpoint(note, publicKey, keyName);
  } catch {
    return { ok: false, reason: 'signature_invalid', size: null, ledgerSize };
  }
  const verdict = ledger.noteSeen({ size: cp.size, root: cp.root.toString('hex'), note });
  if (verdict !== 'contained') return { ok: false, reason: verdict, size: cp.size, ledgerSize };
  const latest = ledger.latestCheckpoint();
  const toSize = latest && latest.size > cp.size ? latest.size : cp.size;
  let proof: Buffer[] = [];
  if (toSize > cp.size && cp.size > 0) {
    const tree = new MerkleTree(loadLeaves(db, toSize), toSize);
    proof = tree.consistencyProof(cp.size, toSize);
    if (!verifyConsistency(cp.size, toSize, proof, cp.root, Buffer.from((latest as { root: string }).root, 'hex'))) {
      return { ok: false, reason: 'history_inconsistent', size: cp.size, ledgerSize };
    }
  }
  return { ok: true, size: cp.size, root: cp.root.toString('hex'), ledgerSize, toSize, proof: proof.map((p) => p.toString('base64')) };
}
