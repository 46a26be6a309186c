import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** SHA-256 of a file read from the medium itself, in 4 MiB reads; memory stays flat. */
export async function sha256File(path: string, onBytes?: (n: number) => void): Promise<{ sha256: string; size: number }> {
  const handle = await open(path, 'r');
  try {
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(4 << 20);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      size += bytesRead;
      onBytes?.(bytesRead);
    }
    return { sha256: hash.digest('hex'), size };
  } finally {
    await handle.close();
  }
}

export function sha256Bytes(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
