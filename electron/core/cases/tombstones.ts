// A destroyed recording keeps its catalogue row as a tombstone (destroyed_recordings, written by
// destruction.ts). Features that must refuse a destroyed recording ask here; the file imports
// nothing of a feature, so any of them can use it without an import cycle.
import type { ReadableDB } from '../db/database.ts';

/** The recording was destroyed (it has a tombstone). */
export function isDestroyed(db: ReadableDB, recordingId: string): boolean {
  return db.prepare('SELECT 1 FROM destroyed_recordings WHERE recording_id = ?').get(recordingId) !== undefined;
}
