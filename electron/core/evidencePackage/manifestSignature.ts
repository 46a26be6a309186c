import type { KeyObject } from 'node:crypto';
import { openNote, signNote } from '../ledger/checkpoint.ts';
import { sha256Bytes } from './hashing.ts';

// The manifest's detached signature is a C2SP signed note over its SHA-256, so one verifier (and
// one key, the one that signs ledger checkpoints) checks both the manifest and the checkpoint.
function manifestNoteText(packageId: string, manifestBytes: Buffer): string {
  return `evidence-station manifest\n${packageId}\n${sha256Bytes(manifestBytes)}\n`;
}

export function signManifest(packageId: string, manifestBytes: Buffer, key: KeyObject, keyName: string): string {
  return signNote(manifestNoteText(packageId, manifestBytes), key, keyName);
}

/** True only if the note is signed by the key and names exactly these manifest bytes. */
export function manifestSignatureValid(note: string, packageId: string, manifestBytes: Buffer, publicKey: Buffer, keyName: string): boolean {
  try {
    return openNote(note, publicKey, keyName) === manifestNoteText(packageId, manifestBytes);
  } catch {
    return false;
  }
}
