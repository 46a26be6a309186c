// Whether a docked recorder's file may leave the recorder as far as the replica is concerned
// (replica/README.md, "Clearing recorders"). Read by ingest, which clears only verified files: with
// the replica's option on, a file also waits until its vault object is stored and locked on the
// store, so at every moment each recording exists in at least two places.
import type { ReadableDB } from '../db/database.ts';
import { recordingRef } from '../recordings/recordings.ts';

export type ReplicaClearance =
  | { required: false }
  | { required: true; ready: false }
  | { required: true; ready: true; versionId: string | null; retainUntil: string | null; legalHold: boolean };

export function replicaClearance(db: ReadableDB, recordingId: string): ReplicaClearance {
  const cfg = db.prepare('SELECT clear_after_replication FROM replica_config WHERE id = 1').get() as { clear_after_replication: number } | undefined;
  if (!cfg || cfg.clear_after_replication !== 1) return { required: false };
  const objectId = recordingRef(db, recordingId)?.objectId;
  const q = objectId
    ? (db.prepare('SELECT state, remote_version, retain_until, legal_hold FROM replica_queue WHERE object_id = ?').get(objectId) as
        | { state: string; remote_version: string | null; retain_until: string | null; legal_hold: number }
        | undefined)
    : undefined;
  // Stored means the lock was read back from the store before the row said so (service.ts).
  if (!q || q.state !== 'stored' || (q.retain_until === null && q.legal_hold !== 1)) return { required: true, ready: false };
  return { required: true, ready: true, versionId: q.remote_version, retainUntil: q.retain_until, legalHold: q.legal_hold === 1 };
}
