import type { Clock } from '../clock.ts';
import { StationError, isStationError } from '../errors.ts';
import type { WritableDB } from '../db/database.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { lastSeqOf, latestEntryOf, timesOfAfter } from '../ledger/query.ts';
import { unlockKeys, type UnlockedKeys } from './keyring.ts';

// Wrong station passphrases are slowed and recorded. The count lives in the ledger itself, not in
// a table or a file: it is shared by every process on the data folder (the app, `station watch`,
// each CLI run), survives restarts, and cannot be reset by deleting a row, since the ledger only
// grows. Appending does not need the keys, so a failure is ledgered at once, while still locked.

/** Failures tolerated before the delay starts, the first delay, and its ceiling. */
export const UNLOCK_FREE_FAILURES = 2;
export const UNLOCK_FIRST_DELAY_SECONDS = 5;
export const UNLOCK_MAX_DELAY_SECONDS = 60 * 60;

/** Doubling: 5 s after the third failure, then 10 s, 20 s … up to an hour. */
export function unlockDelaySeconds(failures: number): number {
  if (failures <= UNLOCK_FREE_FAILURES) return 0;
  return Math.min(UNLOCK_FIRST_DELAY_SECONDS * 2 ** (failures - UNLOCK_FREE_FAILURES - 1), UNLOCK_MAX_DELAY_SECONDS);
}

type Streak = { failures: number; retryAt: string | null; sinceSeq: number };

/** The failures since the last successful unlock that followed any, from the newest such entry. */
function currentStreak(db: WritableDB): Streak {
  const row = latestEntryOf(db, ['station.unlock_failed', 'station.unlock_failures_cleared']);
  if (!row || row.action === 'station.unlock_failures_cleared') return { failures: 0, retryAt: null, sinceSeq: row?.seq ?? 0 };
  const d = JSON.parse(row.details) as { failures?: number; retryAt?: string | null };
  return { failures: Number(d.failures) || 1, retryAt: d.retryAt ?? null, sinceSeq: lastSeqOf(db, 'station.unlock_failures_cleared') };
}

export type UnlockDeps = { db: WritableDB; ledger: Ledger; clock: Clock; write: <T>(fn: () => T) => T };

/**
 * Unlocks the keys, refusing while a delay from earlier failures runs (before any argon2 work),
 * ledgering each wrong passphrase, and at the first success after failures ledgering their count
 * and times. A v1 master-key wrap is replaced by one bound to its KDF parameters, ledgered.
 */
export async function unlockWithGuard(deps: UnlockDeps, passphrase: string): Promise<UnlockedKeys> {
  const { db, ledger, clock, write } = deps;
  const before = currentStreak(db);
  const now = clock.now();
  if (before.retryAt && new Date(before.retryAt) > now) {
    throw new StationError('denied', 'station.unlock_throttled', { seconds: Math.ceil((new Date(before.retryAt).getTime() - now.getTime()) / 1000) });
  }
  let keys: Awaited<ReturnType<typeof unlockKeys>>;
  try {
    keys = await unlockKeys(db, passphrase);
  } catch (e) {
    if (!isStationError(e) || e.code !== 'station.wrong_passphrase') throw e;
    const delay = write(() => {
      const streak = currentStreak(db); // another process may have failed meanwhile
      const failures = streak.failures + 1;
      const seconds = unlockDelaySeconds(failures);
      const at = clock.now();
      ledger.append({
        actor: 'anonymous',
        action: 'station.unlock_failed',
        subject: 'station',
        details: { failures, delaySeconds: seconds, retryAt: seconds > 0 ? new Date(at.getTime() + seconds * 1000).toISOString() : null, pid: process.pid },
      });
      return seconds;
    });
    throw delay > 0 ? new StationError('denied', 'station.wrong_passphrase_delay', { seconds: delay }) : e;
  }
  const { rewrap, ...unlocked } = keys;
  if (before.failures === 0 && !rewrap) return unlocked;
  write(() => {
    const streak = currentStreak(db);
    if (streak.failures > 0) {
      const times = timesOfAfter(db, 'station.unlock_failed', streak.sinceSeq);
      ledger.append({
        actor: 'system',
        action: 'station.unlock_failures_cleared',
        subject: 'station',
        // Every time is already in its own entry; this one says they ended, with the first and last few.
        details: { failures: streak.failures, first: times[0] ?? null, last: times.at(-1) ?? null, times: times.slice(-20) },
      });
    }
    if (rewrap) {
      const changed = db
        .prepare('UPDATE station_keys SET kdf = ?, wrapped_master_key = ? WHERE id = 1 AND wrapped_master_key = ?')
        .run(JSON.stringify(rewrap.kdf), rewrap.wrappedMasterKey, rewrap.previous).changes;
      if (changed === 1) {
        const { algorithm, memoryKiB, iterations, parallelism } = rewrap.kdf;
        ledger.append({ actor: 'system', action: 'station.key_wrap_upgraded', subject: 'station', details: { binding: rewrap.kdf.binding ?? null, kdf: { algorithm, memoryKiB, iterations, parallelism } } });
      }
    }
  });
  return unlocked;
}
