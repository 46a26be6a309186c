import { parseVerifierKey, verifyCheckpoint, type ParsedVerifierKey } from '../ledger/checkpoint.ts';
import { verifyProofBundle, type ProofBundle } from '../ledger/proofBundle.ts';
import { PACKAGE_FORMAT, PATHS, type PackageManifest } from './format.ts';
import { manifestSignatureValid } from './manifestSignature.ts';
import { sha256Bytes } from './hashing.ts';
import { folderSource, type PackageSource } from './source.ts';
import { checkPackageWitness, type WitnessCheck } from '../witness/packageProofs.ts';
import type { TrustPolicy } from '../witness/proof.ts';

/** Files every package carries besides FILES/ and its extras; each must be listed in SHA256SUMS. */
const FIXED_FILES = [PATHS.manifest, PATHS.manifestSignature, PATHS.checkpoint, PATHS.proofs, PATHS.readme] as const;

export type PackageVerifyResult =
  | {
      ok: true;
      packageId: string;
      files: number;
      bytes: number;
      verifierKey: string;
      /** True when checked against a key the caller supplied, not only the one the package carries. */
      keyTrusted: boolean;
      checkpointSize: number;
      /** What the package carries of the central witness, and with a policy who vouched. */
      witness: WitnessCheck;
    }
  | { ok: false; reason: PackageFailure; path: string; detail?: string };

export type PackageFailure =
  | 'missing'
  | 'unreadable'
  | 'not_a_package'
  | 'untrusted_key'
  | 'manifest_signature'
  | 'checkpoint_signature'
  | 'proof_invalid'
  | 'not_in_ledger'
  | 'hash_mismatch'
  | 'size_mismatch'
  | 'sums_mismatch'
  | 'unexpected_file'
  | 'witness_proof'
  | 'witness_quorum'
  | 'not_witnessed';

/**
 * Checks a package (an export folder or a mounted/extracted disc) with nothing but what it
 * carries, or against a trusted verifier key: manifest signature, checkpoint signature, the
 * inclusion proof of every file's ingest entry (which must name the same SHA-256), every file's
 * hash read from the medium, and SHA256SUMS. Stops at, and names, the first problem.
 * `root` is a folder, or any PackageSource (a burned disc read back through its writer).
 */
export async function verifyPackage(
  root: string | PackageSource,
  options: { trustedVerifierKey?: string; policy?: TrustPolicy; onProgress?: (p: { bytes: number; totalBytes: number; path: string }) => void } = {},
): Promise<PackageVerifyResult> {
  const fail = (reason: PackageFailure, path: string, detail?: string): PackageVerifyResult =>
    detail === undefined ? { ok: false, reason, path } : { ok: false, reason, path, detail };
  const source = typeof root === 'string' ? folderSource(root) : root;
  const read = (path: string): Promise<Buffer | null> => source.read(path);

  const manifestBytes = await read(PATHS.manifest);
  if (!manifestBytes) return fail('missing', PATHS.manifest);
  let manifest: PackageManifest;
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8')) as PackageManifest;
  } catch {
    return fail('unreadable', PATHS.manifest);
  }
  if (manifest?.format !== PACKAGE_FORMAT || !Array.isArray(manifest.files)) return fail('not_a_package', PATHS.manifest);

  let key: ParsedVerifierKey;
  try {
    key = parseVerifierKey(manifest.station.verifierKey);
    if (options.trustedVerifierKey !== undefined) {
      const trusted = parseVerifierKey(options.trustedVerifierKey);
      if (!trusted.publicKey.equals(key.publicKey) || trusted.keyName !== key.keyName) return fail('untrusted_key', PATHS.manifest);
    }
  } catch {
    return fail('untrusted_key', PATHS.manifest);
  }

  const signature = await read(PATHS.manifestSignature);
  if (!signature) return fail('missing', PATHS.manifestSignature);
  if (!manifestSignatureValid(signature.toString('utf8'), manifest.packageId, manifestBytes, key.publicKey, key.keyName)) {
    return fail('manifest_signature', PATHS.manifest);
  }

  const checkpoint = await read(PATHS.checkpoint);
  if (!checkpoint) return fail('missing', PATHS.checkpoint);
  let checkpointSize: number;
  try {
    checkpointSize = verifyCheckpoint(checkpoint.toString('utf8'), key.publicKey, key.keyName).size;
  } catch {
    return fail('checkpoint_signature', PATHS.checkpoint);
  }
  const proofsBytes = await read(PATHS.proofs);
  if (!proofsBytes) return fail('missing', PATHS.proofs);
  let bundle: ProofBundle;
  try {
    bundle = JSON.parse(proofsBytes.toString('utf8')) as ProofBundle;
  } catch {
    return fail('unreadable', PATHS.proofs);
  }
  const proofResult = verifyProofBundle(bundle, { publicKey: key.publicKey });
  if (!proofResult.ok) return fail('proof_invalid', PATHS.proofs, `${proofResult.reason}${proofResult.seq ? ` #${proofResult.seq}` : ''}`);
  if (bundle.checkpoint !== checkpoint.toString('utf8')) return fail('proof_invalid', PATHS.proofs, 'checkpoint differs');
  const proven = new Map(bundle.entries.map((e) => [e.seq, e.entry]));
  for (const seq of manifest.request.approvalSeqs) {
    if (!proven.has(seq)) return fail('not_in_ledger', PATHS.manifest, `approval #${seq}`);
  }
  for (const f of manifest.files) {
    const entry = proven.get(f.ingestSeq);
    if (!entry || entry.details.sha256 !== f.sha256) return fail('not_in_ledger', f.path, `ingest #${f.ingestSeq}`);
  }
  const witness = await checkPackageWitness(manifest, checkpointSize, read, (seq) => proven.get(seq), options.policy ?? null);
  if (!witness.ok) return fail(witness.reason, witness.path, witness.detail);
  const fixedFiles: string[] = [...FIXED_FILES];
  if (manifest.witness?.cosigned) fixedFiles.push(manifest.witness.checkpoint, ...manifest.witness.proofs.map((p) => p.path));

  const sumsBytes = await read(PATHS.sums);
  if (!sumsBytes) return fail('missing', PATHS.sums);
  const sums = new Map<string, string>();
  for (const line of sumsBytes.toString('utf8').split('\n').filter(Boolean)) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m) return fail('unreadable', PATHS.sums);
    sums.set(m[2]!, m[1]!);
  }

  const totalBytes = manifest.files.reduce((s, f) => s + f.size, 0);
  let bytes = 0;
  const expected = new Map<string, { sha256: string; size: number | null }>();
  for (const f of manifest.files) expected.set(f.path, { sha256: f.sha256, size: f.size });
  for (const e of manifest.extras) expected.set(e.path, { sha256: e.sha256, size: e.size });
  for (const [path, want] of expected) {
    const got = await source.hash(path, (n) => {
      bytes += n;
      options.onProgress?.({ bytes, totalBytes, path });
    });
    if (!got) return fail('missing', path);
    if (want.size !== null && got.size !== want.size) return fail('size_mismatch', path);
    if (got.sha256 !== want.sha256) return fail('hash_mismatch', path);
    if (sums.get(path) !== got.sha256) return fail('sums_mismatch', path);
  }
  for (const path of fixedFiles) {
    const data = await read(path);
    if (!data) return fail('missing', path);
    if (sums.get(path) !== sha256Bytes(data)) return fail('sums_mismatch', path);
  }
  const listed = new Set([...sums.keys(), PATHS.sums]);
  for (const path of await source.list()) {
    if (!listed.has(path)) return fail('unexpected_file', path);
  }
  for (const path of sums.keys()) {
    if (!expected.has(path) && !fixedFiles.includes(path)) {
      return fail('unexpected_file', path);
    }
  }
  return { ok: true, packageId: manifest.packageId, files: manifest.files.length, bytes: totalBytes, verifierKey: manifest.station.verifierKey, keyTrusted: options.trustedVerifierKey !== undefined, checkpointSize, witness: witness.check };
}
