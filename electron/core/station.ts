import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerClock, systemClock, type Clock, type ClockAnomaly } from './clock.ts';
import { StationError } from './errors.ts';
import { assertRoomToWrite } from './storageErrors.ts';
import { openDatabase, type WritableDB } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { stationPaths, type StationPaths } from './paths.ts';
import { assertTimeZone, Settings } from './settings.ts';
import { Ledger, type LedgerAlarm } from './ledger/ledger.ts';
import { verifierKey } from './ledger/checkpoint.ts';
import { generateKeys, publicKeyOf, storeKeys, type UnlockedKeys } from './keys/keyring.ts';
import { unlockWithGuard } from './keys/unlockGuard.ts';
import { passwordFingerprint } from './access/authority.ts';
import { MIN_PASSPHRASE_LENGTH, newKdfParams, type KdfParams } from './keys/kdf.ts';
import { Users } from './access/users.ts';
import type { Role } from './access/roles.ts';
import { assertPasswordAcceptable, hashPassword } from './access/passwords.ts';
import { Vault } from './vault/vault.ts';
import { Requests } from './access/requests.ts';
import { Playback } from './access/playback.ts';
import { Recordings } from './recordings/recordings.ts';
import { Exporter } from './access/exporter.ts';
import { DiscService } from './discs/service.ts';
import { DockService, type DockRuntime } from './devices/dock.ts';
import { DutyRegister } from './devices/duty.ts';
import { IngestService } from './ingest/service.ts';
import { ReplicaService } from './replica/service.ts';
import { restoreFromReplica, type RestoreInput, type RestoreResult } from './replica/restore.ts';
import { createCaseServices, type CaseServices } from './cases/index.ts';
import { StationCalendar } from './calendar/stationCalendar.ts';
import { judgeUnknownDeadlines } from './ingest/deadlines.ts';
import { WitnessClient } from './witness/client.ts';
import { Attention } from './attention/attention.ts';
import { DashboardService } from './reports/dashboard.ts';
import { RequestForms } from './papers/requestForm.ts';
import { citeStationRule, loadRuleCatalogue, validateRuleSetting, type AgencyRuleSetting } from './rules/agencyRule.ts';
import { RecorderCatalogueStore } from './devices/recorderCatalogue.ts';
import { processAlive } from './processAlive.ts';

export const STATION_VERSION = '0.1.0';

export type InitInput = {
  agencyCode: string;
  agencyName: string;
  passphrase: string;
  admin: { username: string; displayName: string; password: string };
  timeZone?: string;
  /** The agency's own rule, picked in setup; it can also be picked later in Station settings. */
  rule?: AgencyRuleSetting;
};

export type StationStatus = {
  initialized: boolean;
  unlocked: boolean;
  dataDir: string;
  version: string;
  agency: { code: string; name: string } | null;
  ledgerSize: number;
  publicKey: string | null;
  verifierKey: string | null;
  /** The database holds less or other than what the station signed or saw: shown to every user. */
  ledgerAlarm: LedgerAlarm | null;
  /** The system clock trails the ledger: times are held at the ledger's last time. */
  clockAnomaly: ClockAnomaly | null;
};

type Services = { db: WritableDB; settings: Settings; ledger: Ledger; users: Users; vault: Vault; recordings: Recordings; requests: Requests; playback: Playback };

/** Services built on first use: one ingest queue, one burn queue, one replica queue per station. */
type Features = { ingest?: IngestService; discs?: DiscService; duty?: DutyRegister; cases?: CaseServices; replica?: ReplicaService };

/** Built on first use too: the calendar in force, the witness client, exports, and what is shown about them. */
type RecordFeatures = { calendar?: StationCalendar; witness?: WitnessClient; exports?: Exporter; attention?: Attention; dashboard?: DashboardService; requestForms?: RequestForms };

/** Composition root: owns the database handle and the unlocked keys, and wires the services. */
export class Station {
  readonly paths: StationPaths;
  /** Never earlier than the ledger's last time (clock.ts); every service gets this one. */
  readonly clock: LedgerClock;
  private services: Services | null = null;
  private readonly features: Features = {};
  private readonly records: RecordFeatures = {};
  private keys: UnlockedKeys | null = null;
  private ownsLock = false;

  private constructor(dataDir: string, clock: Clock, resourcesDir?: string) {
    this.paths = stationPaths(dataDir, resourcesDir);
    this.clock = new LedgerClock(clock);
  }

  static open(options: { dataDir: string; clock?: Clock; resourcesDir?: string }): Station {
    const station = new Station(options.dataDir, options.clock ?? systemClock, options.resourcesDir);
    if (existsSync(station.paths.database)) station.attach(openDatabase(station.paths.database, { create: false }));
    return station;
  }

  private attach(db: WritableDB): void {
    migrate(db);
    const settings = new Settings(db);
    const ledger = new Ledger(db, this.clock, { checkpointEvery: settings.get('ledger.checkpointEvery'), headDir: this.paths.dataDir });
    const write = <T>(fn: () => T): T => writeTransaction(db, ledger, fn, this.paths.dataDir);
    const users = new Users({ db, ledger, clock: this.clock, write });
    const vault = new Vault({ db, ledger, paths: this.paths, masterKey: () => this.requireUnlocked().masterKey, now: () => this.clock.now(), write });
    const recordings = new Recordings({ db, ledger, clock: this.clock, write, driftTolerance: () => settings.get('recorder.clockDriftToleranceSeconds') });
    const requests = new Requests({
      db,
      ledger,
      clock: this.clock,
      users,
      catalogue: { get: (id) => recordings.ref(id) },
      write,
      approvalDays: () => settings.get('requests.approvalDays'),
    });
    const playback = new Playback({ db, ledger, clock: this.clock, vault, requests, users, write });
    this.services = { db, settings, ledger, users, vault, recordings, requests, playback };
  }

  /** A lost station rebuilt into this empty data folder from its replica, then taken up by this process. */
  async restoreFromReplica(input: Omit<RestoreInput, 'dataDir' | 'open'>): Promise<RestoreResult> {
    if (this.initialized) throw new StationError('state', 'replica.restore_target_not_empty', { dataDir: this.paths.dataDir });
    const result = await restoreFromReplica({ ...input, dataDir: this.paths.dataDir, open: (dataDir) => Station.open({ dataDir }) });
    this.adoptRestored();
    return result;
  }

  /**
   * Takes up a station that another path put into this still empty data folder (a restore from
   * the replica), so the process that ran the restore can unlock it without a restart.
   */
  adoptRestored(): void {
    if (!this.services && existsSync(this.paths.database)) this.attach(openDatabase(this.paths.database, { create: false }));
  }

  get initialized(): boolean {
    return this.services !== null;
  }

  get unlocked(): boolean {
    return this.keys !== null;
  }

  private get s(): Services {
    if (!this.services) throw new StationError('state', 'station.not_initialized', {});
    return this.services;
  }

  get db(): WritableDB {
    return this.s.db;
  }
  get ledger(): Ledger {
    return this.s.ledger;
  }
  get users(): Users {
    return this.s.users;
  }
  get vault(): Vault {
    return this.s.vault;
  }
  get settings(): Settings {
    return this.s.settings;
  }
  get recordings(): Recordings {
    return this.s.recordings;
  }
  get requests(): Requests {
    return this.s.requests;
  }
  get playback(): Playback {
    return this.s.playback;
  }

  get ingest(): IngestService {
    return (this.features.ingest ??= new IngestService({
      db: this.db,
      ledger: this.ledger,
      clock: this.clock,
      settings: this.settings,
      write: (fn) => this.write(fn),
      vault: this.vault,
      users: this.users,
      recordings: this.recordings,
      requireUnlocked: () => void this.requireUnlocked(),
      paths: this.paths,
      calendar: () => this.calendar.live(),
    }));
  }
  get discs(): DiscService {
    // Front ends hand in their writers at start-up, before first-run setup attaches the database:
    // the attached parts are read at each use, not when the service is built.
    const s = (): Services => this.s;
    const witness = (): WitnessClient => this.witness;
    return (this.features.discs ??= new DiscService({
      get db() {
        return s().db;
      },
      get ledger() {
        return s().ledger;
      },
      get vault() {
        return s().vault;
      },
      get requests() {
        return s().requests;
      },
      clock: this.clock,
      write: (fn) => this.write(fn),
      paths: this.paths,
      findRecording: (id) => this.recordings.find(id),
      agency: () => ({ code: this.settings.get('agency.code'), name: this.settings.get('agency.name'), timeZone: this.settings.get('agency.timeZone') }),
      requireUnlocked: () => this.requireUnlocked(),
      origin: () => this.origin,
      verifierKey: () => this.verifierKey(),
      cite: (purpose) => citeStationRule(this, purpose),
      get witness() {
        return witness();
      },
    }));
  }
  /** Who is on duty at the dock: in the database, so every process (desktop, `station watch`) sees one record. */
  get duty(): DutyRegister {
    const s = (): Services => this.s;
    return (this.features.duty ??= new DutyRegister({
      get db() {
        return s().db;
      },
      get ledger() {
        return s().ledger;
      },
      get users() {
        return s().users;
      },
      clock: this.clock,
      write: (fn) => this.write(fn),
    }));
  }
  /** The dock is started by a front end with its platform's devices; the station supplies everything else. */
  createDock(runtime: DockRuntime): DockService {
    const s = (): Services => this.s;
    return new DockService({
      ...runtime,
      ingest: this.ingest,
      duty: this.duty,
      get ledger() {
        return s().ledger;
      },
      clock: this.clock,
      write: (fn) => this.write(fn),
      unlocked: () => this.unlocked,
      namingRules: () => this.ingest.namingRules.rules(),
      timeZone: () => this.settings.get('agency.timeZone'),
      syncClocks: () => this.settings.get('recorder.syncClocks'),
    });
  }
  get cases(): CaseServices {
    return (this.features.cases ??= createCaseServices({
      db: this.db,
      ledger: this.ledger,
      now: () => this.clock.now(),
      write: (fn) => this.write(fn),
      requests: this.requests,
      users: this.users,
      vault: this.vault,
      calendar: () => this.calendar.current(),
      catalogue: () => this.recordings,
      timeZone: () => this.settings.get('agency.timeZone'),
      agency: () => ({ code: this.settings.get('agency.code'), name: this.settings.get('agency.name') }),
      agencyName: () => this.settings.get('agency.name'),
      fileRetention: () => this.settings.get('cases.fileRetention'),
      archiveDeadline: () => this.settings.get('cases.archiveDeadline'),
      defaultPeriod: () => this.settings.get('retention.default'),
      signingKey: () => this.requireUnlocked().signingKey,
      publicKey: () => this.publicKey(),
      origin: () => this.origin,
      rule: { settings: this.settings, paths: this.paths },
    }));
  }
  get replica(): ReplicaService {
    return (this.features.replica ??= new ReplicaService({
      db: this.db,
      ledger: this.ledger,
      now: () => this.clock.now(),
      write: (fn) => this.write(fn),
      dataDir: this.paths.dataDir,
      objectPath: (objectId) => this.vault.objectPath(objectId),
      requireUnlocked: () => void this.requireUnlocked(),
      masterKey: () => this.requireUnlocked().masterKey,
      retention: this.cases.retention,
      agencyCode: () => this.settings.get('agency.code'),
      stationId: () => this.settings.get('station.id'),
      timeZone: () => this.settings.get('agency.timeZone'),
      defaultPeriod: () => this.settings.get('retention.default'),
    }));
  }

  private catalogueStore: RecorderCatalogueStore | null = null;
  /** The recorder catalogue (USB ids → vendor/model) an admin edits; read by the dock. */
  get recorderCatalogue(): RecorderCatalogueStore {
    return (this.catalogueStore ??= new RecorderCatalogueStore({
      dataDir: this.paths.dataDir,
      resources: this.paths.resources,
      ledgered: (entry) => this.write(() => this.ledger.append(entry)),
    }));
  }

  get calendar(): StationCalendar {
    return (this.records.calendar ??= new StationCalendar({
      db: this.db,
      ledger: this.ledger,
      write: (fn) => this.write(fn),
      calendarsDir: join(this.paths.resources, 'calendars'),
      judgeWaitingDeadlines: (actor, calendar, cause) =>
        judgeUnknownDeadlines({ recordings: this.recordings, ledger: this.ledger, timeZone: this.settings.get('agency.timeZone') }, actor, calendar, cause),
    }));
  }
  get witness(): WitnessClient {
    return (this.records.witness ??= new WitnessClient({ db: this.db, ledger: this.ledger, write: (fn) => this.write(fn), now: () => this.clock.now(), origin: () => this.origin }));
  }
  get exports(): Exporter {
    return (this.records.exports ??= new Exporter({
      db: this.db,
      ledger: this.ledger,
      write: (fn) => this.write(fn),
      now: () => this.clock.now(),
      requests: this.requests,
      vault: this.vault,
      witness: this.witness,
      signingKey: () => this.requireUnlocked().signingKey,
      origin: () => this.origin,
      verifierKey: () => this.verifierKey(),
      agency: () => ({ code: this.settings.get('agency.code'), name: this.settings.get('agency.name') }),
      resourcesDir: this.paths.resources,
    }));
  }
  get attention(): Attention {
    return (this.records.attention ??= new Attention({
      db: this.db,
      now: () => this.clock.now(),
      timeZone: () => this.settings.get('agency.timeZone'),
      requests: this.requests,
      catalogue: () => this.recordings,
      retention: this.cases.retention,
      replica: () => this.replica,
      witness: this.witness,
      calendar: () => this.calendar.current(),
    }));
  }
  get dashboard(): DashboardService {
    return (this.records.dashboard ??= new DashboardService({ db: this.db, now: () => this.clock.now(), cases: this.cases.cases, retention: this.cases.retention, requests: this.requests }));
  }
  get requestForms(): RequestForms {
    return (this.records.requestForms ??= new RequestForms({
      db: this.db,
      requests: this.requests,
      catalogue: () => this.recordings,
      timeZone: () => this.settings.get('agency.timeZone'),
      agencyName: () => this.settings.get('agency.name'),
      now: () => this.clock.now(),
      rule: { settings: this.settings, paths: this.paths },
    }));
  }

  /** One transaction for a state change and its ledger entries. */
  write<T>(fn: () => T): T {
    return writeTransaction(this.s.db, this.s.ledger, fn, this.paths.dataDir);
  }

  requireUnlocked(): UnlockedKeys {
    if (!this.keys) throw new StationError('state', this.initialized ? 'station.locked' : 'station.not_initialized', {});
    return this.keys;
  }

  get origin(): string {
    return `evidence-station/${this.settings.get('agency.code')}/${this.settings.get('station.id')}`;
  }

  async init(input: InitInput, options: { kdf?: Partial<Omit<KdfParams, 'algorithm' | 'salt'>> } = {}): Promise<{ publicKey: string; verifierKey: string }> {
    if (this.initialized) throw new StationError('state', 'station.already_initialized', { dataDir: this.paths.dataDir });
    if (input.passphrase.length < MIN_PASSPHRASE_LENGTH) throw new StationError('input', 'station.passphrase_too_short', { min: MIN_PASSPHRASE_LENGTH });
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(input.agencyCode)) throw new StationError('input', 'station.bad_agency_code', { code: input.agencyCode });
    if (!input.agencyName.trim()) throw new StationError('input', 'station.bad_agency_name', {});
    const timeZone = assertTimeZone(input.timeZone ?? 'Asia/Shanghai');
    const rule = input.rule ? validateRuleSetting(input.rule, loadRuleCatalogue(this.paths.resources)) : null;
    assertPasswordAcceptable(input.admin.password);
    const kdf = newKdfParams(options.kdf);
    const adminHash = await hashPassword(input.admin.password);
    mkdirSync(this.paths.dataDir, { recursive: true, mode: 0o700 });
    const db = openDatabase(this.paths.database, { create: true });
    try {
      migrate(db);
      const now = this.clock.now();
      // argon2 is async, the transaction is not: derive first, then commit everything at once.
      const keys = await generateKeys(input.passphrase, kdf);
      const stationId = randomUUID();
      db.transaction(() => {
        storeKeys(db, keys.material, now);
        const put = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
        put.run('agency.code', JSON.stringify(input.agencyCode));
        put.run('agency.name', JSON.stringify(input.agencyName.trim()));
        put.run('agency.timeZone', JSON.stringify(timeZone));
        put.run('station.id', JSON.stringify(stationId));
        const admin: Role[] = ['admin'];
        db.prepare('INSERT INTO users (username, display_name, password_hash, roles, created_at) VALUES (?, ?, ?, ?, ?)').run(
          input.admin.username,
          input.admin.displayName,
          adminHash,
          JSON.stringify(admin),
          now.toISOString(),
        );
      }).immediate();
      this.attach(db);
      this.keys = keys.unlocked;
      this.ledger.setSigner({ key: keys.unlocked.signingKey, keyName: this.origin, origin: this.origin });
      const pub = keys.unlocked.publicKey.toString('base64');
      const vkey = verifierKey(this.origin, keys.unlocked.publicKey);
      this.write(() => {
        this.ledger.append({
          actor: 'system',
          action: 'station.initialized',
          subject: `station:${stationId}`,
          details: {
            agencyCode: input.agencyCode,
            agencyName: input.agencyName.trim(),
            publicKey: pub,
            verifierKey: vkey,
            kdf: { algorithm: kdf.algorithm, memoryKiB: kdf.memoryKiB, iterations: kdf.iterations, parallelism: kdf.parallelism },
            version: STATION_VERSION,
          },
        });
        this.ledger.append({ actor: 'system', action: 'user.added', subject: `user:${input.admin.username}`, details: { displayName: input.admin.displayName, roles: ['admin'], passwordFingerprint: passwordFingerprint(adminHash) } });
        // The admin picked it in setup, so the ledger names them, not the system.
        if (rule) this.settings.set(this.ledger, input.admin.username, 'rules.agencyRule', rule);
        this.ledger.checkpoint();
      });
      this.ledger.guardOnUnlock(keys.unlocked.masterKey, keys.unlocked.publicKey, (fn) => this.write(fn));
      return { publicKey: pub, verifierKey: vkey };
    } catch (e) {
      db.close();
      this.services = null;
      this.keys = null;
      for (const suffix of ['', '-wal', '-shm']) rmSync(this.paths.database + suffix, { force: true });
      throw e;
    }
  }

  async unlock(passphrase: string): Promise<void> {
    const keys = await unlockWithGuard({ db: this.db, ledger: this.ledger, clock: this.clock, write: (fn) => this.write(fn) }, passphrase);
    this.keys = keys;
    this.ledger.setSigner({ key: keys.signingKey, keyName: this.origin, origin: this.origin });
    // The head record outside station.db, the alarm, and checkpoints for what was appended while locked.
    this.ledger.guardOnUnlock(keys.masterKey, keys.publicKey, (fn) => this.write(fn));
    this.users.recordBaselines('unlock');
    if (this.acquireOwnerLock()) await this.vault.sweep();
    // Start-up recovery, in this order: decrypted burn staging left by a crashed process (live burns
    // are keyed by pid and kept); likewise a crashed export's hidden half-written copy, or its
    // committed copy not yet in place.
    const recovery: (() => Promise<void>)[] = [() => this.discs.recover(), () => this.exports.recover()];
    for (const recover of recovery) await recover();
  }

  lock(): void {
    this.keys?.masterKey.fill(0);
    this.keys = null;
    this.services?.ledger.setSigner(null);
  }

  publicKey(): Buffer {
    return publicKeyOf(this.db);
  }

  verifierKey(): string {
    return verifierKey(this.origin, this.publicKey());
  }

  status(): StationStatus {
    if (!this.services) {
      return {
        initialized: false,
        unlocked: false,
        dataDir: this.paths.dataDir,
        version: STATION_VERSION,
        agency: null,
        ledgerSize: 0,
        publicKey: null,
        verifierKey: null,
        ledgerAlarm: null,
        clockAnomaly: this.clock.anomaly(),
      };
    }
    return {
      initialized: true,
      unlocked: this.unlocked,
      dataDir: this.paths.dataDir,
      version: STATION_VERSION,
      agency: { code: this.settings.get('agency.code'), name: this.settings.get('agency.name') },
      ledgerSize: this.ledger.size,
      publicKey: this.publicKey().toString('base64'),
      verifierKey: this.verifierKey(),
      ledgerAlarm: this.ledger.lockedAlarm(this.publicKey(), this.origin),
      clockAnomaly: this.clock.anomaly(),
    };
  }

  /**
   * Only one process sweeps crash leftovers: another (the desktop app and a `station watch`
   * side by side) may be mid-write, and its temp files are not leftovers.
   */
  private acquireOwnerLock(): boolean {
    if (this.ownsLock) return true;
    const lockPath = `${this.paths.dataDir}/station.lock`;
    try {
      writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      this.ownsLock = true;
      return true;
    } catch {
      const pid = Number(readFileSync(lockPath, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) return false;
      writeFileSync(lockPath, String(process.pid));
      this.ownsLock = true;
      return true;
    }
  }

  close(): void {
    this.lock();
    if (this.ownsLock) rmSync(`${this.paths.dataDir}/station.lock`, { force: true });
    this.ownsLock = false;
    this.services?.db.close();
    this.services = null;
  }
}

/**
 * One IMMEDIATE transaction for a state change and its ledger entries; any throw rolls back both.
 * The ledger head is re-read first in case another process (the desktop app beside `station
 * watch`) appended, and the running Merkle root is rebuilt after a rollback.
 */
function writeTransaction<T>(db: WritableDB, ledger: Ledger, fn: () => T, dataDir: string): T {
  // A commit on a disk with no room left is refused before SQLite starts it (see storageErrors.ts).
  assertRoomToWrite(dataDir);
  let result: T;
  try {
    result = db
      .transaction(() => {
        ledger.syncHead();
        return fn();
      })
      .immediate();
  } catch (e) {
    ledger.reload();
    throw e;
  }
  // Committed (unless this was nested in an outer write, which commits later): the ledger's head
  // record outside the database follows (ledger/README.md).
  if (!db.inTransaction) ledger.afterCommit();
  return result;
}

