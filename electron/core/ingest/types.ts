// The ingest feature's vocabulary: what a source, a file result and a session summary are, what
// the service is built from, and what its steps (session.ts, oneFile.ts, catalogueWrite.ts) pass
// one another.
import type { Clock } from '../clock.ts';
import type { WritableDB } from '../db/database.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Settings } from '../settings.ts';
import type { StationPaths } from '../paths.ts';
import type { Users } from '../access/users.ts';
import type { Vault } from '../vault/vault.ts';
import type { RecorderInfo } from '../devices/ports.ts';
import type { Recordings } from '../recordings/recordings.ts';
import type { ClockDrift } from './clockDrift.ts';
import type { WorkingDayCalendar } from './workingDays.ts';
import type { ProgressTracker } from './progress.ts';
import type { EventMessage, FileOutcome, FileResult, ProgressEvent, SessionStatus, SessionSummary } from '../../shared/events.ts';

export type { FileOutcome, FileResult, ProgressEvent, SessionStatus, SessionSummary };

/** How the session's recorder was identified; 'name' = its registered 产品序号 in the file names. */
export type RecorderIdentity = { serial: string; via: 'usb' | 'vendor' | 'name' | 'custodian' };

export type IngestSourceSpec = {
  kind: 'volume' | 'folder';
  root: string;
  /** Stable identity across docks: 'recorder:<serial>', 'volume-uuid:<file system UUID>', 'folder:<path>' ('volume:<path>' only where no UUID can be read). */
  sourceKey: string;
  device: string | null;
  fsType: string | null;
  label: string | null;
  recorder: RecorderIdentity | null;
  vendorInfo: RecorderInfo | null;
  /** The drift the dock measured on the recorder's own clock (vendor interface); else it is estimated. */
  clockDrift?: ClockDrift | null;
};

export type IngestEvent = EventMessage<'ingest.session' | 'ingest.progress' | 'ingest.file'>;

export type IngestListener = (event: IngestEvent) => void;

export type Committed = { recordingId: string; outcome: 'ingested' | 'duplicate' | 'already_ingested' };

/** Ends the session: the source is gone, the vault disk is full, or the session was stopped. */
export type Stop = { status: 'interrupted' | 'stopped'; code: string };

/** One session as its steps see it. */
export type Ctx = {
  sessionId: number;
  source: IngestSourceSpec;
  actor: string;
  signal: AbortSignal;
  progress: ProgressTracker;
  emitProgress: (force?: boolean) => void;
  clearAfter: boolean;
  rootDev: number;
  clockDrift: ClockDrift | null;
};

export type IngestDeps = {
  db: WritableDB;
  ledger: Pick<Ledger, 'append'>;
  clock: Clock;
  /** Read only: agency, time, hand-over, interruption and ingest settings. */
  settings: Pick<Settings, 'get'>;
  write: <T>(fn: () => T) => T;
  vault: Pick<Vault, 'put'>;
  users: Pick<Users, 'backed'>;
  /** The catalogue's owner: every read and write of table recordings goes through it. */
  recordings: Recordings;
  /** Throws station.locked unless the station's keys are unlocked. */
  requireUnlocked: () => void;
  paths: Pick<StationPaths, 'dataDir' | 'resources'>;
  /** The station's calendar with the administrator's edits: a stable object that answers from the calendar in force (liveCalendar). */
  calendar: () => WorkingDayCalendar | null;
};
