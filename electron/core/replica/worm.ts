// The WORM self-test: the station never takes a store's word that it is write-once. Engines have
// shipped "locked object deletable" defects (replica/README.md), so each case is tried for real on
// a small test version that stays locked for one day.
import { createHash, randomBytes } from 'node:crypto';
import { StationError } from '../errors.ts';
import { refusedByStore, type ReplicaStore } from './store.ts';

export const WORM_CASES = ['versioning_enabled', 'object_lock_enabled', 'locked_version_created', 'delete_refused', 'delete_with_bypass_refused', 'shortening_refused', 'retention_read_back', 'default_retention_shortest'] as const;
export type WormCase = (typeof WORM_CASES)[number];

export type WormResult = { ok: boolean; failures: WormCase[]; cases: { name: WormCase; passed: boolean }[]; testKey: string | null; testVersion: string | null; defaultRetention: { mode: string | null; days: number | null } | null };

/** How long the test version stays locked: long enough to try deleting it, short enough not to pile up. */
const TEST_LOCK_MS = 24 * 60 * 60 * 1000;

/**
 * Runs every case. A store that cannot be reached, or that refuses the credentials, is not a WORM
 * verdict: that error is thrown. Everything the store answers is a verdict.
 */
export async function runWormTest(store: ReplicaStore, keyPrefix: string, now: Date, shortestDays: number): Promise<WormResult> {
  const passed = new Map<WormCase, boolean>();
  const mark = (c: WormCase, ok: boolean) => passed.set(c, ok);
  const fatal = (e: unknown): boolean => e instanceof StationError && ['replica.unreachable', 'replica.bad_credentials', 'replica.no_bucket', 'replica.clock_skew', 'replica.store_full'].includes(e.code);

  mark('versioning_enabled', (await store.versioning()) === 'Enabled');
  let defaultRetention: WormResult['defaultRetention'] = null;
  try {
    const lock = await store.objectLock();
    mark('object_lock_enabled', lock.enabled);
    // The bucket's default retention must be the shortest legal period (issue #12): a longer one
    // would keep anything written without its own lock past the date the rules let it be destroyed
    // (004_5e30f22f36db076d.txt 第十九条, 000_f52585dae22cddca.txt 第十二条); a missing one leaves it unlocked.
    if (lock.enabled && (lock.defaultMode !== 'COMPLIANCE' || lock.defaultDays !== shortestDays || lock.defaultYears !== null)) await store.putDefaultRetention(shortestDays);
    const back = lock.enabled ? await store.objectLock() : lock;
    defaultRetention = { mode: back.defaultMode, days: back.defaultDays };
    mark('default_retention_shortest', back.defaultMode === 'COMPLIANCE' && back.defaultDays === shortestDays && back.defaultYears === null);
  } catch (e) {
    if (fatal(e)) throw e;
    mark('object_lock_enabled', passed.get('object_lock_enabled') === true);
    mark('default_retention_shortest', false);
  }

  const key = `${keyPrefix}/${now.toISOString().replace(/[:.]/g, '')}-${randomBytes(4).toString('hex')}`;
  const body = Buffer.from(`evidence-station WORM self-test ${now.toISOString()}\n`);
  const retainUntil = new Date(Math.ceil((now.getTime() + TEST_LOCK_MS) / 1000) * 1000);
  let versionId: string | null = null;
  try {
    versionId = (await store.putSmall(key, body, createHash('md5').update(body).digest('base64'), { retainUntil })).versionId;
    if (!versionId) versionId = await store.latestVersion(key);
    mark('locked_version_created', versionId !== null);
  } catch (e) {
    if (fatal(e)) throw e;
    mark('locked_version_created', false);
  }

  if (versionId) {
    // Each refusal must be the store's own answer (403), not a lost connection.
    const plain = await store.deleteVersion(key, versionId, false);
    mark('delete_refused', !plain.ok && refusedByStore(plain.error));
    const bypass = plain.ok ? plain : await store.deleteVersion(key, versionId, true);
    mark('delete_with_bypass_refused', !bypass.ok && refusedByStore(bypass.error));
    const stillThere = plain.ok || bypass.ok ? false : (await store.head(key, versionId)) !== null;
    if (stillThere) {
      const shorter = await store.shortenRetention(key, versionId, new Date(retainUntil.getTime() - 60 * 60 * 1000));
      mark('shortening_refused', !shorter.ok && refusedByStore(shorter.error));
      const back = await store.retention(key, versionId);
      mark('retention_read_back', back.mode === 'COMPLIANCE' && back.retainUntil !== null && back.retainUntil.getTime() >= retainUntil.getTime());
    } else {
      mark('shortening_refused', false);
      mark('retention_read_back', false);
    }
  } else {
    for (const c of ['delete_refused', 'delete_with_bypass_refused', 'shortening_refused', 'retention_read_back'] as const) mark(c, false);
  }
  const cases = WORM_CASES.map((name) => ({ name, passed: passed.get(name) === true }));
  const failures = cases.filter((c) => !c.passed).map((c) => c.name);
  return { ok: failures.length === 0, failures, cases, testKey: key, testVersion: versionId, defaultRetention };
}
