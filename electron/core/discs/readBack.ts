// Verification after writing (issue 6 item 4): the medium is read back — the MD5 xorriso recorded
// for each file checked against the data on the medium, then the station's own verifier (the same
// as `station disc verify`) hashes every file with SHA-256 as read from the medium, and the result
// is compared with the catalogue. Only a medium that passes all of it may be recorded as burned.
import { StationError } from '../errors.ts';
import { verifyPackage } from '../evidencePackage/verifier.ts';
import { PATHS, type PackageManifest } from '../evidencePackage/format.ts';
import { sha256Bytes } from '../evidencePackage/hashing.ts';
import type { MediumReader } from './ports.ts';
import type { Verification } from './jobStore.ts';

export type ReadBackProgress = { phase: 'checking_md5' | 'reading_back'; bytes: number; totalBytes: number; file: string | null };

export type Expected = {
  volumeId: string;
  manifestSha256: string;
  verifierKey: string;
  /** recording id → SHA-256 as the catalogue holds it. */
  catalogue: Map<string, string>;
  totalBytes: number;
};

/** Throws StationError('verify', 'disc.verify_failed', { path, reason }) naming the first problem. */
export async function readBack(
  reader: MediumReader,
  expected: Expected,
  onProgress: (p: ReadBackProgress) => void,
  signal: AbortSignal,
): Promise<{ verification: Verification; mediaId: string }> {
  const verification: Verification = { md5: null, sha256: null, manifestSha256: null, catalogue: null, volumeId: null };
  const fail = (path: string, reason: string, detail?: string): never => {
    throw Object.assign(new StationError('verify', 'disc.verify_failed', { path, reason, ...(detail ? { detail } : {}) }), { verification });
  };

  let md5Bytes = 0;
  onProgress({ phase: 'checking_md5', bytes: 0, totalBytes: expected.totalBytes, file: null });
  verification.md5 = await reader.checkRecordedMd5((n) => {
    md5Bytes = n;
    onProgress({ phase: 'checking_md5', bytes: md5Bytes, totalBytes: expected.totalBytes, file: null });
  });
  signal.throwIfAborted();
  if (verification.md5.checked && verification.md5.mismatches.length > 0) {
    fail(verification.md5.mismatches[0]!, 'md5_mismatch', verification.md5.mismatches.length > 1 ? `+${verification.md5.mismatches.length - 1}` : undefined);
  }

  const result = await verifyPackage(reader, {
    trustedVerifierKey: expected.verifierKey,
    onProgress: (p) => {
      signal.throwIfAborted();
      onProgress({ phase: 'reading_back', bytes: p.bytes, totalBytes: p.totalBytes, file: p.path });
    },
  });
  signal.throwIfAborted();
  verification.sha256 = result.ok
    ? { ok: true, files: result.files, bytes: result.bytes, checkpointSize: result.checkpointSize }
    : { ok: false, reason: result.reason, path: result.path, ...(result.detail ? { detail: result.detail } : {}) };
  if (!result.ok) fail(result.path, result.reason, result.detail);

  const manifestBytes = await reader.read(PATHS.manifest);
  if (!manifestBytes) return fail(PATHS.manifest, 'missing');
  verification.manifestSha256 = sha256Bytes(manifestBytes);
  // The signed manifest on the medium must be the one staged for this disc, byte for byte.
  if (verification.manifestSha256 !== expected.manifestSha256) fail(PATHS.manifest, 'manifest_differs');
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as PackageManifest;
  const onMedium = new Map(manifest.files.map((f) => [f.recordingId, f]));
  for (const [recordingId, sha256] of expected.catalogue) {
    const f = onMedium.get(recordingId);
    if (!f || f.sha256 !== sha256) {
      verification.catalogue = 'mismatch';
      fail(f?.path ?? recordingId, 'catalogue_mismatch');
    }
  }
  if (onMedium.size !== expected.catalogue.size) {
    verification.catalogue = 'mismatch';
    fail(PATHS.manifest, 'catalogue_mismatch');
  }
  verification.catalogue = 'match';

  const identity = await reader.identity();
  verification.volumeId = identity.volumeId;
  if (identity.volumeId !== null && identity.volumeId !== expected.volumeId) fail('/', 'volume_id', identity.volumeId);
  return { verification, mediaId: identity.mediaId };
}
