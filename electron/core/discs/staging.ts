import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from '../processAlive.ts';

// Decrypted originals exist outside the vault only while a disc is being made, and only here: a
// private (0700) folder per burn under the station's staging folder, named after the process
// that owns it. It is removed when the burn ends, and a folder whose process is gone (a crash,
// kill -9) is swept at the next start.

const PREFIX = 'burn-';

export async function createStagingDir(stagingRoot: string): Promise<string> {
  await mkdir(stagingRoot, { recursive: true, mode: 0o700 });
  // mkdir's mode does not apply to an existing folder, and the umask may have widened a new one.
  await chmod(stagingRoot, 0o700);
  const dir = join(stagingRoot, `${PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
  await mkdir(dir, { mode: 0o700 });
  await chmod(dir, 0o700);
  return dir;
}

export async function removeStagingDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}


/**
 * Removes staging folders whose owner process is dead. A live owner (a `station burn` next to the
 * desktop app) keeps its folder; pid reuse can only delay a sweep, never remove a live burn's files.
 */
export async function sweepStaging(stagingRoot: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(stagingRoot);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    // Only burn folders: another feature's folders here are not this sweep's to judge.
    const m = /^burn-(\d+)-[0-9a-f]+$/.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    await rm(join(stagingRoot, name), { recursive: true, force: true, maxRetries: 3 });
    removed.push(name);
  }
  return removed;
}
