// The station's events: every name a client may subscribe to, with its payload. Producers (core
// services, api commands) are typed against this map through `Emit`, and subscribers (the renderer,
// main's notifications) through `Subscribe`, so a changed payload fails to compile on both sides.
// The payload shapes are plain data declared here; core re-exports them under its old names.
import type { ErrorParams } from './ipc.ts';

// ---- ingest (electron/core/ingest) ----

export type EntryType = 'file' | 'symlink' | 'other' | 'directory';

export type RecordingFlag =
  | 'late'
  | 'interruption'
  | 'unparseable'
  | 'changed_during_read'
  | 'unknown_officer'
  | 'unknown_recorder'
  | 'duplicate'
  | 'needs_explanation'
  // Issue 15: doubtful times. They ask the custodian to look, not for a 书面说明 the rules require,
  // so they do not count as needs_explanation.
  | 'time_in_future'
  | 'time_mismatch'
  | 'deadline_unknown'
  // No naming rule of the recorder catalogue matched the name: said so, not silently dated.
  | 'name_unrecognized'
  // The recorder's clock was ahead of the station's at dock by more than the setting.
  | 'clock_drift'
  // Destroyed by an executed destruction batch: the row stays as a tombstone (000 第十二条).
  | 'destroyed';

export type FileOutcome = 'ingested' | 'duplicate' | 'already_ingested' | 'skipped' | 'failed' | 'aborted';

export type FileResult = {
  sessionId: number;
  seq: number;
  path: string;
  entryType: EntryType;
  size: number | null;
  outcome: FileOutcome | 'pending';
  /** A translatable code (errors.<reason>) for skipped, failed and aborted files. */
  reason: string | null;
  params: ErrorParams | null;
  recordingId: string | null;
  flags: RecordingFlag[];
};

export type SessionStatus = 'running' | 'completed' | 'interrupted' | 'stopped';

export type SessionSummary = {
  id: number;
  sourceKind: 'volume' | 'folder';
  sourceKey: string;
  root: string;
  device: string | null;
  fsType: string | null;
  label: string | null;
  recorderSerial: string | null;
  custodian: string;
  status: SessionStatus;
  stopCode: string | null;
  filesTotal: number;
  bytesTotal: number;
  startedAt: string;
  endedAt: string | null;
  counts: Record<FileOutcome | 'pending', number>;
  flagged: { late: number; interruption: number; unparseable: number; changedDuringRead: number; needsExplanation: number };
  /** The recorder's clock minus the station's at dock, and how it was measured (issue 15); null when unknown. */
  clockDrift: { seconds: number; source: string; beyondTolerance: boolean } | null;
  /** Every file has its final outcome: the recorder may be undocked. */
  mayUndock: boolean;
};

export type ProgressSnapshot = {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  /** Smoothed read speed of this source, bytes per second; 0 until measured. */
  bytesPerSecond: number;
  /** Seconds left at the current speed; null until a speed is known. */
  etaSeconds: number | null;
  /** The file started last among those being read. */
  currentPath: string | null;
  /** Every file being read now, with the bytes read so far. */
  reading: { path: string; bytes: number }[];
};

export type ProgressEvent = ProgressSnapshot & { sessionId: number; sourceKey: string; recorderSerial: string | null; root: string };

// ---- dock (electron/core/devices) ----

export type UsbDeviceInfo = {
  vendorId: number;
  productId: number;
  /** iSerialNumber string descriptor where the OS exposes it without opening the device (sysfs, SetupAPI). */
  serialNumber: string | null;
  manufacturer: string | null;
  product: string | null;
  /** Platform path that ties the device to its block devices (linux: /sys/bus/usb/devices/1-2). */
  portPath: string | null;
};

export type RecorderInfo = {
  deviceSerial: string | null; // 产品序号
  officerId: string | null; // 警号
  officerName: string | null; // 姓名
  unitCode: string | null; // 单位编号
  unitName: string | null; // 单位名称
};

export type DockState =
  | 'identifying'
  | 'unrecognized' // not a known recorder: reported, waits for a custodian to accept it
  | 'waiting' // a recorder, but no custodian on duty or the station is locked
  | 'queued' // waiting for a free ingest slot
  | 'ingesting'
  | 'done' // every file has its outcome: may be undocked
  | 'interrupted'
  | 'stopped' // e.g. the vault disk is full: retry after freeing space
  | 'failed'
  | 'removed';

export type DockedVolume = {
  mountPoint: string;
  device: string;
  fsType: string;
  label: string | null;
  usb: UsbDeviceInfo | null;
  state: DockState;
  /** Why it is waiting, unrecognized, stopped or failed: a translatable code (errors.<code>). */
  reason: string | null;
  reasonParams: ErrorParams | null;
  recorder: {
    serial: string;
    via: string;
    vendor: string | null;
    model: string | null;
    officerBadge: string | null;
    officerName: string | null;
  } | null;
  /** What the file names say, for the custodian deciding about unrecognized storage. */
  serialsFromNames: string[];
  catalogueModel: { vendor: string; model: string; verified: boolean } | null;
  vendorInfo: RecorderInfo | null;
  sessionId: number | null;
  progress: ProgressEvent | null;
  session: SessionSummary | null;
  mayUndock: boolean;
  detectedAt: string;
};

// ---- burn (electron/core/discs) ----

/** Media the station burns to (electron/core/discs/profiles.ts holds their capacities). */
export const MEDIA_IDS = ['cd', 'dvd', 'dvd-dl', 'bd25', 'bd50', 'usb'] as const;
export type MediaId = (typeof MEDIA_IDS)[number];

/** Where a burn goes: an ISO image file (xorriso's stdio: pseudo-drive), an optical drive, a folder. */
export type BurnTarget = { kind: 'iso'; path: string } | { kind: 'drive'; device: string } | { kind: 'dir'; path: string };

/** What a drive reports about the medium in it. */
export type LoadedMediumState = 'blank' | 'appendable' | 'closed' | 'none' | 'unknown';

export type LoadedMedium = {
  state: LoadedMediumState;
  /** The drive's name for the medium: 'CD-R', 'DVD+R', 'BD-R', 'stdio file' … */
  kind: string | null;
  capacityBytes: number | null;
  freeBytes: number | null;
};

export type Md5Check = { checked: true; files: number; mismatches: string[] } | { checked: false; reason: string };

export type ShaCheck = { ok: true; files: number; bytes: number; checkpointSize: number } | { ok: false; reason: string; path: string; detail?: string };

/** What reading the medium back found; stored with the medium and shown on the cover sheet. */
export type Verification = {
  md5: Md5Check | null;
  sha256: ShaCheck | null;
  manifestSha256: string | null;
  /** Every planned recording is on the medium with the hash the catalogue holds. */
  catalogue: 'match' | 'mismatch' | null;
  /** The volume id read from the medium. */
  volumeId: string | null;
};

export type JobState = 'running' | 'waiting_medium' | 'completed' | 'failed' | 'interrupted' | 'cancelled';
/** Where one written medium of a job stands. */
export type BurnMediumState = 'writing' | 'verifying' | 'verified' | 'failed';

export type BurnMedium = {
  id: number;
  disc: number;
  copy: number;
  attempt: number;
  state: BurnMediumState;
  writer: string;
  location: string;
  mediaId: string | null;
  volumeId: string;
  verification: Verification | null;
  error: { code: string; params: ErrorParams } | null;
  startedAt: string;
  endedAt: string | null;
  ledgerSeq: number | null;
};

export type BurnDisc = {
  index: number;
  recordings: string[];
  names: string[];
  bytes: number;
  volumeId: string;
  packageId: string | null;
  createdAt: string | null;
  manifestSha256: string | null;
  media: BurnMedium[];
};

export type BurnJob = {
  id: string;
  requestId: string;
  operator: string;
  media: MediaId;
  capacityBytes: number;
  target: BurnTarget;
  copies: number;
  setId: string;
  discCount: number;
  volumeLabel: string | null;
  place: string | null;
  remarks: string | null;
  state: JobState;
  ownerPid: number | null;
  error: { code: string; params: ErrorParams } | null;
  createdAt: string;
  endedAt: string | null;
  discs: BurnDisc[];
  /** Media verified so far out of discCount × copies. */
  verified: number;
};

export type BurnPhase = 'staging' | 'writing' | 'closing' | 'checking_md5' | 'reading_back';

export type BurnProgress = {
  jobId: string;
  disc: number;
  discs: number;
  copy: number;
  copies: number;
  phase: BurnPhase;
  bytes: number;
  totalBytes: number;
  file: string | null;
};

export type InsertMedium = {
  jobId: string;
  device: string;
  disc: number;
  discs: number;
  copy: number;
  copies: number;
  /** Why the loaded medium (if any) will not do. */
  reason: 'no_medium' | 'not_blank' | 'too_small';
  found: LoadedMedium | null;
  neededBytes: number;
};

// ---- replica (electron/core/replica) ----

export type RunResult = {
  stored: number;
  extended: number;
  waiting: number;
  failed: number;
  error: { code: string; params: ErrorParams } | null;
  snapshot: { ledgerSize: number; versionId: string | null } | null;
  /** Set when the off-peak window is closed: nothing (more) was started. */
  deferred: 'replica.outside_window' | null;
  /** Seconds this run paused because an ingest session was running. */
  waitedForIngestSeconds: number;
  /** Parts dropped mid-send because an ingest began; each was sent again after it. */
  partsYielded: number;
};

export type RunnerEvent = { type: 'ran'; result: RunResult } | { type: 'error'; code: string; params: ErrorParams };

// ---- long commands' progress (sent to the calling client only) ----

export type ExportProgress = { phase: 'writing' | 'verifying'; bytes: number; totalBytes: number; file: string };
export type DestroyPhase = 'tombstones' | 'shredding' | 'certificate';
export type DestroyProgress = { batchId: string; phase: DestroyPhase; done: number; total: number };
export type PackageVerifyProgress = { bytes: number; totalBytes: number; path: string };
export type VaultVerifyProgress = { objects: number; totalObjects: number; bytes: number; totalBytes: number; current: string };

/** Every event and its payload. */
export type EventMap = {
  'ledger.verify.progress': { done: number; total: number };
  'vault.verify.progress': VaultVerifyProgress;
  /** The session ended without a logout (idle timeout); the window returns to the login screen. */
  'session.ended': { reason: string };
  'export.progress': ExportProgress & { requestId: string };
  'package.verify.progress': PackageVerifyProgress;
  'dock.volume': DockedVolume;
  'ingest.session': SessionSummary;
  'ingest.progress': ProgressEvent;
  'ingest.file': FileResult;
  'destroy.progress': DestroyProgress;
  'burn.job': BurnJob;
  'burn.progress': BurnProgress;
  'burn.medium': BurnMedium & { jobId: string };
  'burn.insert': InsertMedium;
  'replica.run': RunnerEvent;
};
export type EventName = keyof EventMap;

/** Every event name, for allow-lists (preload, IPC): `satisfies` keeps it equal to the map's keys. */
export const EVENTS = [
  'ledger.verify.progress',
  'vault.verify.progress',
  'session.ended',
  'export.progress',
  'package.verify.progress',
  'dock.volume',
  'ingest.session',
  'ingest.progress',
  'ingest.file',
  'destroy.progress',
  'burn.job',
  'burn.progress',
  'burn.medium',
  'burn.insert',
  'replica.run',
] as const satisfies readonly EventName[];
// The reverse direction: an event added to the map but not to the list fails here.
const everyEventListed: [Exclude<EventName, (typeof EVENTS)[number]>] extends [never] ? true : never = true;
void everyEventListed;

export function isEventName(name: string): name is EventName {
  return (EVENTS as readonly string[]).includes(name);
}

/** One event with its payload, as services hand them to a listener. */
export type EventMessage<E extends EventName = EventName> = { [K in E]: { type: K; payload: EventMap[K] } }[E];

/** Sends an event; the payload must be the map's. */
export type Emit = <E extends EventName>(event: E, payload: EventMap[E]) => void;

/** An untyped transport's listener: IPC and the api server's observers deliver (name, unknown). */
export type RawListener = (event: string, payload: unknown) => void;

/**
 * A typed listener for one event over an untyped transport. The one cast of a payload lives here:
 * the sending side is typed by `Emit`, and the transport carries what was sent.
 */
export function listenerFor<E extends EventName>(name: E, cb: (payload: EventMap[E]) => void): RawListener {
  return (event, payload) => {
    if (event === name) cb(payload as EventMap[E]);
  };
}
