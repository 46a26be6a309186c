import { createHash, type KeyObject } from 'node:crypto';
import { mkdir, open, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StationError, fromSystemError } from '../errors.ts';
import type { ProofBundle } from '../ledger/proofBundle.ts';
import { PACKAGE_FORMAT, PATHS, safePackageName, type PackageFile, type PackageManifest } from './format.ts';
import { signManifest } from './manifestSignature.ts';
import { sha256Bytes } from './hashing.ts';

export type PackageSourceFile = Omit<PackageFile, 'path'> & {
  /** The plaintext as ingested; streamed from the vault, never staged elsewhere. */
  open: () => AsyncIterable<Buffer>;
};

export type PackageInput = {
  dir: string;
  manifest: Omit<PackageManifest, 'format' | 'files' | 'extras'>;
  files: PackageSourceFile[];
  /** Explicit names per recording (a disc set fixes them across discs); otherwise derived. */
  names?: Map<string, string>;
  proofBundle: ProofBundle;
  extras: { path: string; content: string | Buffer }[];
  /** The witness's cosigned checkpoint and tlog-proof files (named in manifest.witness). */
  witnessFiles?: { path: string; content: string }[];
  readme: string;
  signer: { key: KeyObject; keyName: string };
  onProgress?: (p: { bytes: number; totalBytes: number; file: string }) => void;
  signal?: AbortSignal;
};

async function writeDurable(path: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content, { flush: true });
}

/**
 * Writes the package into `dir`: each original streamed from the vault and hashed on the way,
 * refused if it does not hash to what the catalogue says, then the ledger proofs, the signed
 * manifest and SHA256SUMS over everything. The caller verifies by reading it back.
 */
export async function writePackage(input: PackageInput): Promise<{ manifest: PackageManifest; bytes: number }> {
  const totalBytes = input.files.reduce((s, f) => s + f.size, 0);
  let bytes = 0;
  const files: PackageFile[] = [];
  const sums: [string, string][] = [];
  try {
    await mkdir(join(input.dir, PATHS.files), { recursive: true });
    for (const [i, f] of input.files.entries()) {
      const name = input.names?.get(f.recordingId) ?? safePackageName(i + 1, f.originalName);
      const path = `${PATHS.files}/${name}`;
      const hash = createHash('sha256');
      let size = 0;
      let handle: FileHandle | null = await open(join(input.dir, path), 'wx');
      try {
        for await (const chunk of f.open()) {
          if (input.signal?.aborted) throw input.signal.reason;
          hash.update(chunk);
          await handle.write(chunk);
          size += chunk.length;
          bytes += chunk.length;
          input.onProgress?.({ bytes, totalBytes, file: path });
        }
        await handle.sync();
      } finally {
        await handle.close();
        handle = null;
      }
      const sha256 = hash.digest('hex');
      if (sha256 !== f.sha256 || size !== f.size) {
        throw new StationError('verify', 'package.source_mismatch', { recordingId: f.recordingId, path });
      }
      const { open: _open, ...meta } = f;
      files.push({ ...meta, path, sha256, size });
      sums.push([sha256, path]);
    }
    const fixed: { path: string; content: string | Buffer }[] = [
      { path: PATHS.checkpoint, content: input.proofBundle.checkpoint },
      { path: PATHS.proofs, content: `${JSON.stringify(input.proofBundle, null, 2)}\n` },
      { path: PATHS.readme, content: input.readme },
      ...(input.witnessFiles ?? []),
    ];
    const extras: PackageManifest['extras'] = [];
    for (const e of input.extras) {
      await writeDurable(join(input.dir, e.path), e.content);
      const sha = sha256Bytes(typeof e.content === 'string' ? Buffer.from(e.content) : e.content);
      extras.push({ path: e.path, sha256: sha, size: Buffer.byteLength(e.content) });
      sums.push([sha, e.path]);
    }
    for (const e of fixed) {
      await writeDurable(join(input.dir, e.path), e.content);
      sums.push([sha256Bytes(e.content), e.path]);
    }
    const manifest: PackageManifest = { format: PACKAGE_FORMAT, ...input.manifest, files, extras };
    const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    await writeDurable(join(input.dir, PATHS.manifest), manifestBytes);
    sums.push([sha256Bytes(manifestBytes), PATHS.manifest]);
    const signature = signManifest(manifest.packageId, manifestBytes, input.signer.key, input.signer.keyName);
    await writeDurable(join(input.dir, PATHS.manifestSignature), signature);
    sums.push([sha256Bytes(signature), PATHS.manifestSignature]);
    // Two spaces, as GNU sha256sum writes it, so `sha256sum -c SHA256SUMS` works from the package root.
    const sumsText = sums.sort((a, b) => (a[1] < b[1] ? -1 : 1)).map(([h, p]) => `${h}  ${p}\n`).join('');
    await writeDurable(join(input.dir, PATHS.sums), sumsText);
    return { manifest, bytes };
  } catch (e) {
    throw fromSystemError(e, input.dir);
  }
}
