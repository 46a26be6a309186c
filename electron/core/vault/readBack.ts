// The read-back of a put, begun while the object is still being written (issue 16). Read back only after the final
// fsync, an object's decryption and re-hash ran after all its other work, and with one file per recorder four
// recorders left the second core idle for the last quarter of the ingest while four read-backs ran alone. Now the
// verify worker follows the sealer: it reads each range of the file once the sealer has written it (direct reads:
// from the disk, as before), decrypts a chunk once something is written after it, and ends with the last chunk once
// the object is complete, fsynced and renamed. What is checked is unchanged: every chunk's tag against the header in
// the file, the plaintext's SHA-256 and size against what the sealer hashed, the file's length, and that the name the
// catalogue will use leads to this very file.
import type { FileHandle } from 'node:fs/promises';
import { open, stat } from 'node:fs/promises';
import { onPath, StationError } from '../errors.ts';
import { corrupt, decodeHeader, fileSizeForPlaintext, HEADER_LENGTH } from './objectFormat.ts';
import { completeGrowing, verifyOnWorker, type VerifyStop } from './verifyWorker.ts';

export class FollowingReadBack {
  /** [0] bytes of the file written so far (the sealer publishes them), [1] plaintext size + 1 once complete. */
  readonly written = new BigInt64Array(new SharedArrayBuffer(16));
  private fh: FileHandle | null = null;
  private control: VerifyStop | null = null;
  private result: Promise<{ sha256: string; size: number }> | null = null;
  private chunkSize = 0;
  private readonly objectId: string;
  private readonly key: Buffer;

  constructor(objectId: string, key: Buffer) {
    this.objectId = objectId;
    this.key = key;
  }

  /** Once the temp file holds its header (ObjectSealer.started): opens it and starts the verify behind the writer. */
  async start(tmpPath: string): Promise<void> {
    const fh = await onPath(tmpPath, () => open(tmpPath, 'r'));
    this.fh = fh;
    const headerBytes = Buffer.alloc(HEADER_LENGTH);
    const { bytesRead } = await onPath(tmpPath, () => fh.read(headerBytes, 0, HEADER_LENGTH, 0));
    if (bytesRead !== HEADER_LENGTH) throw corrupt(this.objectId, 'truncated header');
    const header = decodeHeader(headerBytes, this.objectId);
    this.chunkSize = header.chunkSize;
    this.result = verifyOnWorker(
      {
        fd: fh.fd,
        path: tmpPath,
        objectId: this.objectId,
        key: this.key,
        header: headerBytes,
        noncePrefix: header.noncePrefix,
        chunkSize: header.chunkSize,
        chunkCount: 0,
        size: 0,
        growing: this.written,
      },
      undefined,
      (control) => (this.control = control),
    );
    // Observed here: a write that fails before finish() is awaited must not leave an unhandled rejection.
    this.result.catch(() => {});
  }

  /**
   * The object was written, fsynced and renamed to `destPath` with `size` plaintext bytes: the read-back reads what
   * is left and resolves with the SHA-256 and size it found.
   */
  async finish(destPath: string, size: number): Promise<{ sha256: string; size: number }> {
    if (!this.fh || !this.result) throw new StationError('state', 'vault.object_closed', { objectId: this.objectId });
    const fh = this.fh;
    completeGrowing(this.written, size, this.chunkSize);
    const [file, named] = await Promise.all([onPath(destPath, () => fh.stat()), onPath(destPath, () => stat(destPath))]);
    if (file.dev !== named.dev || file.ino !== named.ino) throw new StationError('state', 'vault.object_vanished', { objectId: this.objectId });
    if (file.size !== fileSizeForPlaintext(size, this.chunkSize)) throw corrupt(this.objectId, 'truncated');
    return await this.result;
  }

  /** The verify's own outcome, settled early when a chunk already written fails (finish() waits for it). */
  get verdict(): Promise<{ sha256: string; size: number }> | null {
    return this.result;
  }

  /** Stops a verify still running and closes the file; safe to call in any state, more than once. */
  async close(): Promise<void> {
    this.control?.stop();
    await this.result?.catch(() => {});
    const fh = this.fh;
    this.fh = null;
    await fh?.close().catch(() => {});
  }
}
