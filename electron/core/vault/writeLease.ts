// Live writes announce themselves to every process that shares the vault (see README.md in this folder).
// A write holds a lease file `<objectId>.lease` in vault/tmp from before its temp file exists until after
// its catalogue row has committed (or it has cleaned up after itself). The lease names the writing process
// by pid, the kernel's start time of that process and the boot id, so a pid reused after a crash or a
// reboot never passes for the writer that died.
import { readFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fromSystemError } from '../errors.ts';
import { processAlive } from '../processAlive.ts';

export const LEASE_SUFFIX = '.lease';

export type LeaseOwner = {
  pid: number;
  /** /proc/<pid>/stat field 22 (clock ticks after boot); null where there is no /proc */
  startTicks: string | null;
  /** /proc/sys/kernel/random/boot_id; null where there is none */
  bootId: string | null;
  host: string;
};

export type WriterState = 'alive' | 'dead' | 'none';

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may itself contain spaces and parentheses). */
function procStat(pid: number): { state: string; startTicks: string } | null {
  const text = readText(`/proc/${pid}/stat`);
  if (text === null) return null;
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); field 22 (starttime) is rest[19].
  return { state: rest[0] ?? '', startTicks: rest[19] ?? '' };
}

const hasProc = (): boolean => readText('/proc/self/stat') !== null;

let self: LeaseOwner | null = null;
export function currentProcess(): LeaseOwner {
  self ??= {
    pid: process.pid,
    startTicks: procStat(process.pid)?.startTicks ?? null,
    bootId: readText('/proc/sys/kernel/random/boot_id')?.trim() ?? null,
    host: hostname(),
  };
  return self;
}

/**
 * Whether the process a lease names is still running. Errs towards 'alive' whenever it cannot prove
 * otherwise (another host sharing the folder, no /proc): a temp file kept too long costs disk space, one
 * removed from under a live write costs evidence.
 */
export function ownerAlive(owner: LeaseOwner): boolean {
  const me = currentProcess();
  if (owner.host !== me.host) return true;
  if (owner.bootId && me.bootId && owner.bootId !== me.bootId) return false;
  if (owner.pid === me.pid && owner.startTicks === me.startTicks) return true;
  if (hasProc()) {
    const st = procStat(owner.pid);
    if (st === null) return false;
    if (st.state === 'Z' || st.state === 'X') return false;
    if (owner.startTicks !== null && st.startTicks !== owner.startTicks) return false;
    return true;
  }
  return processAlive(owner.pid);
}

function parseOwner(text: string | null): LeaseOwner | null {
  if (text === null) return null;
  try {
    const v = JSON.parse(text) as Partial<LeaseOwner>;
    if (typeof v.pid !== 'number' || typeof v.host !== 'string') return null;
    return { pid: v.pid, startTicks: v.startTicks ?? null, bootId: v.bootId ?? null, host: v.host };
  } catch {
    return null;
  }
}

export const leasePath = (tmpDir: string, objectId: string): string => join(tmpDir, `${objectId}${LEASE_SUFFIX}`);

/** The state of the writer of `objectId`: no lease at all, or a lease whose process is alive or dead. */
export function writerState(tmpDir: string, objectId: string): { state: WriterState; owner: LeaseOwner | null } {
  const text = readText(leasePath(tmpDir, objectId));
  if (text === null) return { state: 'none', owner: null };
  const owner = parseOwner(text);
  // Leases are renamed into place whole, so an unreadable one was damaged by something else: keep out.
  if (owner === null) return { state: 'alive', owner: null };
  return { state: ownerAlive(owner) ? 'alive' : 'dead', owner };
}

/** The pid in the name of a lease still being written (`.<objectId>.lease.<pid>`), else null. */
export function stagedLeasePid(name: string): number | null {
  const m = /^\.[0-9a-f-]+\.lease\.(\d+)$/.exec(name);
  return m ? Number(m[1]) : null;
}

export type Lease = { release(): Promise<void> };

/**
 * Announces a write of `objectId`. The lease is on disk (fsynced) before the caller creates anything
 * else, so a sweeper that sees the temp file or the renamed object also sees the lease.
 */
export async function takeLease(tmpDir: string, objectId: string): Promise<Lease> {
  const path = leasePath(tmpDir, objectId);
  // Written beside and renamed into place, so no process ever reads a half-written lease.
  // The name carries the pid so that a sweep can tell a dead writer's staged lease (stagedLeasePid).
  const staged = join(tmpDir, `.${objectId}${LEASE_SUFFIX}.${process.pid}`);
  let fh;
  try {
    fh = await open(staged, 'wx');
    await fh.writeFile(JSON.stringify(currentProcess()));
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(staged, path);
  } catch (e) {
    await fh?.close().catch(() => {});
    await rm(staged, { force: true }).catch(() => {});
    throw fromSystemError(e, path);
  }
  return { release: () => rm(path, { force: true }).catch(() => {}) };
}
