import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStagingDir, removeStagingDir, sweepStaging } from './staging.ts';

let root: string;
beforeEach(() => {
  root = join(mkdtempSync(join(tmpdir(), 'staging-test-')), 'staging');
});
afterEach(() => rmSync(join(root, '..'), { recursive: true, force: true }));

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

describe('burn staging', () => {
  it('is private (0700) at both levels, named after its process', async () => {
    const dir = await createStagingDir(root);
    expect(statSync(root).mode & 0o777).toBe(0o700);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(dir).toMatch(new RegExp(`/burn-${process.pid}-[0-9a-f]{12}$`));
    await removeStagingDir(dir);
    expect(readdirSync(root)).toEqual([]);
  });

  it('the sweep removes folders of dead processes only, and leaves what is not a burn folder alone', async () => {
    const mine = await createStagingDir(root);
    const dead = join(root, `burn-${await deadPid()}-abcdef012345`);
    mkdirSync(join(dead, 'disc-1', 'FILES'), { recursive: true });
    writeFileSync(join(dead, 'disc-1', 'FILES', 'plaintext.MP4'), 'decrypted evidence');
    const other = join(root, 'something-else');
    mkdirSync(other);
    expect(await sweepStaging(root)).toEqual([dead.split('/').pop()]);
    expect(readdirSync(root).sort()).toEqual([mine.split('/').pop(), 'something-else'].sort());
    expect(await sweepStaging(join(root, 'missing'))).toEqual([]);
  });
});
