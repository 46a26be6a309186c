// The dock service: the station's daily job (issue "Dock and ingest"). It watches for volumes (the
// platform's VolumeWatcher), identifies the recorder behind each, and ingests recognized recorders
// for the custodian on duty, several at once (setting ingest.maxConcurrentRecorders). Unrecognized
// storage is reported and ledgered, and waits for a custodian to accept it. Everything it knows is
// in status() and in 'dock.volume' events, so any number of windows can show the Dock screen.
import { StationError, isStationError } from '../errors.ts';
import type { IngestService, RecorderIdentity } from '../ingest/service.ts';
import type { Clock } from '../clock.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { NamingRule } from '../media/namingRules.ts';
import { measureVendorClock, type ClockDrift } from '../ingest/clockDrift.ts';
import { identifyVolume, type UnrecognizedReason, type VolumeIdentity } from './identify.ts';
import type { RecorderCatalogue } from './catalogue.ts';
import type { DutyRegister } from './duty.ts';
import { dockedSource } from './source.ts';
import type { MountedVolume, PlatformDevices, RecorderInfo, RecorderUnlocker, UsbDeviceInfo } from './ports.ts';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DockState, DockedVolume } from '../../shared/events.ts';
export type { DockState, DockedVolume };

type Entry = {
  volume: MountedVolume;
  view: DockedVolume;
  identity: VolumeIdentity | null;
  sourceKey: string | null;
  task: Promise<void> | null;
  /** The volume's files when its last ingest started: a different list later means new files. */
  files: string | null;
};

/** What a front end hands in when it starts the dock: its platform's devices and its event delivery. */
export type DockRuntime = {
  ports: PlatformDevices;
  /** Delivers 'dock.volume' events to every connected front end. */
  emit: (event: 'dock.volume', payload: DockedVolume) => void;
  /** The recorder catalogue in force (shipped entries merged with the admin's). */
  catalogue: () => Promise<RecorderCatalogue>;
  /** How often docked volumes are judged again (new files, a recorder registered elsewhere); default 10 s. */
  recheckMs?: number;
};

/** The rest comes from the composition root (Station.createDock). */
export type DockDeps = DockRuntime & {
  ingest: Pick<IngestService, 'on' | 'abort' | 'ingest' | 'registry' | 'runningCount'>;
  duty: DutyRegister;
  ledger: Pick<Ledger, 'append'>;
  clock: Clock;
  write: <T>(fn: () => T) => T;
  unlocked: () => boolean;
  /** The naming rules in force, read when a volume is identified (an admin may replace them meanwhile). */
  namingRules: () => NamingRule[];
  timeZone: () => string;
  /** Setting recorder.syncClocks: set a recorder's clock to the station's at unlock. */
  syncClocks: () => boolean;
};

/**
 * What is on a volume, cheaply: every file's path, size and modification time. Compared, not
 * hashed for content: a file that appears, grows or is rewritten changes it.
 */
async function fileList(root: string): Promise<string> {
  const lines: string[] = [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    const st = await stat(path).catch(() => null);
    if (st) lines.push(`${path}\t${st.size}\t${st.mtimeMs}`);
  }
  return lines.sort().join('\n');
}

function usbSubject(d: UsbDeviceInfo): string {
  return `usb:${d.vendorId.toString(16).padStart(4, '0')}:${d.productId.toString(16).padStart(4, '0')}`;
}

/** What the unlock learnt of the recorder's clock. */
export type ClockReport = {
  drift: ClockDrift | null;
  synced: { before: ClockDrift; after: ClockDrift | null; by: string } | null;
  /** An error code when the clock could not be read or set (the unlock went on). */
  problem: string | null;
};

function usbKey(d: UsbDeviceInfo): string {
  return `${d.vendorId}:${d.productId}:${d.serialNumber ?? ''}:${d.portPath ?? ''}`;
}

export class DockService {
  private readonly deps: DockDeps;
  private readonly entries = new Map<string, Entry>();
  private readonly vendorInfo = new Map<string, RecorderInfo>();
  /** The recorder clock read at unlock, for the session of the storage it exposes (used once). */
  private readonly measuredClock = new Map<string, ClockDrift>();
  private readonly stops: (() => Promise<void>)[] = [];
  private offIngest: (() => void) | null = null;
  private dutyUser: string | null = null;
  private started = false;
  private recheckTimer: ReturnType<typeof setInterval> | null = null;
  private rechecking: Promise<void> | null = null;

  constructor(deps: DockDeps) {
    this.deps = deps;
  }

  get duty(): string | null {
    return this.dutyUser;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.offIngest = this.deps.ingest.on((event) => {
      if (event.type === 'ingest.file') return;
      const entry = [...this.entries.values()].find((e) => e.sourceKey !== null && e.sourceKey === event.payload.sourceKey);
      if (!entry) return;
      if (event.type === 'ingest.progress') {
        entry.view.progress = event.payload;
        entry.view.sessionId = event.payload.sessionId;
      } else if (event.type === 'ingest.session') {
        entry.view.session = event.payload;
        entry.view.sessionId = event.payload.id;
        if (event.payload.status === 'running') this.update(entry, { state: 'ingesting', reason: null, reasonParams: null });
      }
    });
    try {
      const stopUsb = await this.deps.ports.usb.watch({
        attached: (d) => void this.readVendorInfo(d),
        detached: (d) => this.vendorInfo.delete(usbKey(d)),
      });
      this.stops.push(stopUsb);
      for (const d of await this.deps.ports.usb.list()) await this.readVendorInfo(d);
    } catch {
      // Without USB information volumes are still detected; identity then comes from the registry.
    }
    const stopVolumes = await this.deps.ports.volumes.watch({
      mounted: (v) => this.mounted(v),
      unmounted: (v) => this.unmounted(v),
    });
    this.stops.push(stopVolumes);
    // Volumes docked before the service started (or while it was down after a crash) are handled
    // like new ones; their finished files are "already ingested" and only the rest is read.
    for (const v of await this.deps.ports.volumes.current()) if (!this.entries.has(v.mountPoint)) this.mounted(v);
    // A volume is not judged once for all (issue #14 item 13): a recorder registered by another
    // process (`station recorders add` beside `station watch`) or files a recorder or vendor
    // software writes after mounting are picked up here; in this process registration rechecks at once.
    this.recheckTimer = setInterval(() => void this.reevaluate(), this.deps.recheckMs ?? 10_000);
    this.recheckTimer.unref?.();
  }

  /**
   * Judges again what was judged before: unrecognized storage is identified again (a recorder may
   * have been registered since), and a finished volume whose files changed is ingested again (what
   * is already in the vault is skipped, so only the new files are read).
   */
  reevaluate(): Promise<void> {
    this.rechecking ??= this.recheck().finally(() => {
      this.rechecking = null;
    });
    return this.rechecking;
  }

  private async recheck(): Promise<void> {
    for (const entry of [...this.entries.values()]) {
      if (!this.started || this.entries.get(entry.volume.mountPoint) !== entry) continue;
      try {
        if (entry.view.state === 'unrecognized') {
          entry.task = this.identify(entry);
          await entry.task;
        } else if (entry.view.state === 'done' && entry.identity?.kind === 'recorder' && entry.files !== null) {
          const now = await fileList(entry.volume.mountPoint);
          if (now !== entry.files && entry.view.state === 'done') this.begin(entry);
        }
      } catch (e) {
        // Unplugged while being looked at: the unmount event says so; anything else is the volume's failure.
        if (this.entries.get(entry.volume.mountPoint) === entry) this.fail(entry, e);
      }
    }
  }

  /** Stops watching and ends running sessions cleanly (their current file is not marked ingested). */
  async stop(): Promise<void> {
    this.started = false;
    if (this.recheckTimer) clearInterval(this.recheckTimer);
    this.recheckTimer = null;
    await this.rechecking?.catch(() => {});
    for (const e of this.entries.values()) if (e.sourceKey) this.deps.ingest.abort(e.sourceKey, 'ingest.stopped');
    await Promise.all([...this.entries.values()].map((e) => e.task?.catch(() => {})));
    for (const stop of this.stops.splice(0)) await stop().catch(() => {});
    this.offIngest?.();
    this.offIngest = null;
    if (this.dutyUser) {
      try {
        this.deps.duty.release(this.dutyUser, 'dock_stopped');
      } catch {
        // A locked or full station cannot record it; the next taker sees that this process has ended.
      }
    }
  }

  /**
   * The custodian on duty: the one who docks and whose name every ingest carries. Recorded in the database
   * (DutyRegister), so a second custodian elsewhere is refused until the first hands over.
   */
  setDuty(username: string | null): void {
    if (username !== null) {
      this.deps.duty.take(username);
      this.dutyUser = username;
      for (const e of this.entries.values()) if (e.view.state === 'waiting') this.begin(e);
      return;
    }
    const previous = this.dutyUser;
    this.dutyUser = null;
    if (previous) this.deps.duty.release(previous, 'off_duty');
  }

  /** The duty was handed over (DutyRegister.handOver, ledgered there): this dock now works for `to`. */
  handedOver(to: string): void {
    this.dutyUser = to;
    for (const e of this.entries.values()) if (e.view.state === 'waiting') this.begin(e);
  }

  /** This dock's custodian, if the station's record still has them on duty; otherwise who does. */
  private dutyCheck(): { ok: true; actor: string } | { ok: false; duty: string | null } {
    if (!this.dutyUser) return { ok: false, duty: null };
    const duty = this.deps.duty.current();
    if (duty && duty.username.toLowerCase() === this.dutyUser.toLowerCase()) return { ok: true, actor: this.dutyUser };
    return { ok: false, duty: duty?.username ?? null };
  }

  status(): { duty: string | null; volumes: DockedVolume[]; activeSessions: number } {
    return { duty: this.dutyUser, volumes: [...this.entries.values()].map((e) => ({ ...e.view })), activeSessions: this.deps.ingest.runningCount };
  }

  private entry(mountPoint: string): Entry {
    const e = this.entries.get(mountPoint);
    if (!e) throw new StationError('input', 'dock.no_such_volume', { mountPoint });
    return e;
  }

  private update(entry: Entry, patch: Partial<DockedVolume>): void {
    Object.assign(entry.view, patch);
    this.deps.emit('dock.volume', { ...entry.view });
  }

  private async readVendorInfo(device: UsbDeviceInfo): Promise<void> {
    for (const u of this.deps.ports.unlockers) {
      try {
        if (!u.handles(device)) continue;
        const info = await u.readInfo(device);
        if (info) this.vendorInfo.set(usbKey(device), info);
        return;
      } catch {
        // A vendor interface that fails leaves identity to the registry and the file names.
      }
    }
  }

  private mounted(volume: MountedVolume): void {
    const view: DockedVolume = {
      mountPoint: volume.mountPoint,
      device: volume.device,
      fsType: volume.fsType,
      label: volume.label,
      usb: volume.usb,
      state: 'identifying',
      reason: null,
      reasonParams: null,
      recorder: null,
      serialsFromNames: [],
      catalogueModel: null,
      vendorInfo: volume.usb ? (this.vendorInfo.get(usbKey(volume.usb)) ?? null) : null,
      sessionId: null,
      progress: null,
      session: null,
      mayUndock: false,
      detectedAt: this.deps.clock.now().toISOString(),
    };
    const entry: Entry = { volume, view, identity: null, sourceKey: null, task: null, files: null };
    this.entries.set(volume.mountPoint, entry);
    this.deps.emit('dock.volume', { ...view });
    entry.task = this.identify(entry).catch((e) => this.fail(entry, e));
  }

  private fail(entry: Entry, e: unknown): void {
    if (!this.entries.has(entry.volume.mountPoint)) return;
    this.update(entry, isStationError(e) ? { state: 'failed', reason: e.code, reasonParams: e.params } : { state: 'failed', reason: 'ingest.failed', reasonParams: { message: e instanceof Error ? e.message : String(e) } });
  }

  private unmounted(volume: MountedVolume): void {
    const entry = this.entries.get(volume.mountPoint);
    if (!entry || entry.volume.device !== volume.device) return;
    // Unplugged mid-ingest: the file being read is not marked ingested; the next dock resumes.
    if (entry.sourceKey) this.deps.ingest.abort(entry.sourceKey, 'io.device_gone');
    this.entries.delete(volume.mountPoint);
    this.update(entry, { state: 'removed' });
  }

  private async identify(entry: Entry): Promise<void> {
    const identity = await identifyVolume({
      volume: entry.volume,
      registry: this.deps.ingest.registry,
      catalogue: await this.deps.catalogue(),
      vendorInfo: entry.view.vendorInfo,
      rules: this.deps.namingRules(),
    });
    entry.identity = identity;
    const catalogueModel = identity.entry ? { vendor: identity.entry.vendor, model: identity.entry.model, verified: identity.entry.verified } : null;
    if (identity.kind === 'unrecognized') {
      this.refuse(entry, identity.reason, catalogueModel, identity.serialsFromNames);
      return;
    }
    this.update(entry, { serialsFromNames: identity.serialsFromNames, catalogueModel });
    this.begin(entry);
  }

  private refuse(entry: Entry, reason: UnrecognizedReason, catalogueModel: DockedVolume['catalogueModel'], serials: string[]): void {
    const v = entry.volume;
    // Judged again and still refused for the same reason: said and ledgered once already.
    if (entry.view.state === 'unrecognized' && entry.view.reason === `dock.${reason}` && entry.view.serialsFromNames.join(',') === serials.join(',')) return;
    this.deps.write(() =>
      this.deps.ledger.append({
        actor: this.dutyUser ?? 'system',
        action: 'dock.storage_refused',
        subject: `volume:${v.mountPoint}`,
        details: {
          reason,
          device: v.device,
          fsType: v.fsType,
          label: v.label,
          usb: v.usb ? { vendorId: v.usb.vendorId, productId: v.usb.productId, serial: v.usb.serialNumber, manufacturer: v.usb.manufacturer, product: v.usb.product } : null,
          serialsFromNames: serials,
        },
      }),
    );
    this.update(entry, { state: 'unrecognized', reason: `dock.${reason}`, reasonParams: { mountPoint: v.mountPoint }, catalogueModel, serialsFromNames: serials });
  }

  /** Starts (or restarts) the ingest of a recognized volume, if a custodian is on duty. */
  private begin(entry: Entry): void {
    const identity = entry.identity;
    if (!identity || identity.kind !== 'recorder') return;
    if (!this.dutyUser) {
      this.update(entry, { state: 'waiting', reason: 'dock.no_custodian_on_duty', reasonParams: null });
      return;
    }
    if (!this.deps.unlocked()) {
      this.update(entry, { state: 'waiting', reason: 'station.locked', reasonParams: null });
      return;
    }
    const check = this.dutyCheck();
    if (!check.ok) {
      // Handed over, or taken after this process's duty lapsed: this dock no longer opens sessions.
      this.update(entry, { state: 'waiting', reason: 'dock.duty_elsewhere', reasonParams: { duty: check.duty } });
      return;
    }
    const actor = check.actor;
    const registry = this.deps.ingest.registry;
    if (identity.register && !registry.recorder(identity.serial)) {
      const usb = entry.volume.usb;
      registry.addRecorder(actor, {
        serial: identity.serial,
        vendor: identity.register.vendor,
        model: identity.register.model,
        usbVendorId: usb?.vendorId ?? null,
        usbProductId: usb?.productId ?? null,
        usbSerial: usb?.serialNumber ?? null,
        registeredVia: identity.register.registeredVia,
      });
    }
    // A label is recognized because a custodian accepted that storage before.
    const via: RecorderIdentity['via'] = identity.via === 'label' ? 'custodian' : identity.via;
    this.run(entry, { serial: identity.serial, via }, actor);
  }

  private run(entry: Entry, recorder: RecorderIdentity, actor: string): void {
    const reg = this.deps.ingest.registry.recorder(recorder.serial);
    const source = dockedSource(entry.volume, recorder, { vendorInfo: entry.view.vendorInfo, clockDrift: this.takeMeasuredClock(entry.volume.usb) });
    entry.sourceKey = source.sourceKey;
    this.update(entry, {
      state: 'queued',
      reason: null,
      reasonParams: null,
      mayUndock: false,
      recorder: {
        serial: recorder.serial,
        via: recorder.via,
        vendor: reg?.vendor ?? null,
        model: reg?.model ?? null,
        officerBadge: reg?.officerBadge ?? null,
        officerName: reg?.officerName ?? null,
      },
    });
    // The file list is taken before the ingest lists the volume, so no file can be in the list and
    // missed by the ingest; a file in between only causes one more (skipping) pass.
    entry.task = fileList(entry.volume.mountPoint)
      .catch(() => null)
      .then((files) => {
        entry.files = files;
        return this.deps.ingest.ingest(source, actor);
      })
      .then(({ session }) => {
        if (!this.entries.has(entry.volume.mountPoint)) return;
        const state: DockState = session.status === 'completed' ? 'done' : session.status === 'stopped' ? 'stopped' : 'interrupted';
        this.update(entry, { state, reason: session.stopCode, reasonParams: session.stopCode ? { path: session.root } : null, session, sessionId: session.id, mayUndock: session.mayUndock });
      })
      .catch((e: unknown) => this.fail(entry, e));
  }

  /**
   * A custodian accepts storage that is not a known recorder (issue item 1): it is registered as a
   * recorder (serial given, or the one its file names carry) and ingested. Ledgered with the actor.
   */
  accept(actor: string, mountPoint: string, input: { serial?: string | null; vendor?: string | null; model?: string | null; officerBadge?: string | null; note?: string }): DockedVolume {
    const entry = this.entry(mountPoint);
    if (entry.view.state !== 'unrecognized' && entry.view.state !== 'failed') throw new StationError('state', 'dock.not_waiting_for_acceptance', { mountPoint });
    const names = entry.view.serialsFromNames;
    const serial = input.serial?.trim() || (names.length === 1 ? names[0]! : null);
    if (!serial) throw new StationError('input', 'dock.serial_required', { mountPoint });
    const registry = this.deps.ingest.registry;
    const v = entry.volume;
    this.deps.write(() => {
      if (!registry.recorder(serial)) {
        registry.insertRecorder(actor, {
          serial,
          vendor: input.vendor ?? entry.view.catalogueModel?.vendor ?? null,
          model: input.model ?? entry.view.catalogueModel?.model ?? null,
          usbVendorId: v.usb?.vendorId ?? null,
          usbProductId: v.usb?.productId ?? null,
          usbSerial: v.usb?.serialNumber ?? null,
          volumeLabel: v.label,
          officerBadge: input.officerBadge ?? null,
          registeredVia: 'accepted_storage',
          note: input.note ?? '',
        });
      }
      this.deps.ledger.append({
        actor,
        action: 'dock.storage_accepted',
        subject: `volume:${v.mountPoint}`,
        details: { serial, device: v.device, label: v.label, usb: v.usb ? { vendorId: v.usb.vendorId, productId: v.usb.productId, serial: v.usb.serialNumber } : null, previousReason: entry.view.reason },
      });
    });
    entry.identity = { kind: 'recorder', serial, via: 'custodian', register: null, entry: null, serialsFromNames: names };
    if (!this.dutyUser) this.setDuty(actor);
    const check = this.dutyCheck();
    if (!check.ok) throw new StationError('state', 'dock.duty_taken', { duty: check.duty, since: null, username: actor });
    this.run(entry, { serial, via: 'custodian' }, check.actor);
    return { ...entry.view };
  }

  /** Tries a waiting, interrupted, stopped (disk full, space freed since) or failed volume again. */
  /** A custodian restarts a stopped ingest (after freeing space, say): who did is part of the custody record. */
  retry(actor: string, mountPoint: string): DockedVolume {
    const entry = this.entry(mountPoint);
    if (entry.view.state === 'queued' || entry.view.state === 'ingesting' || entry.view.state === 'identifying') {
      throw new StationError('state', 'ingest.already_running', { source: entry.sourceKey ?? mountPoint });
    }
    if (entry.identity?.kind === 'recorder') this.begin(entry);
    else entry.task = this.identify(entry).catch((e) => this.fail(entry, e));
    const view = { ...entry.view };
    this.deps.write(() => this.deps.ledger.append({ actor, action: 'dock.retry_requested', subject: `volume:${mountPoint}` }));
    return view;
  }

  /**
   * Runs the vendor command that exposes a recorder's storage (公安部 interface SetMSDC). Where the
   * interface has a clock, the recorder's clock is read first (a recorder in mass-storage mode no
   * longer answers) and, with the setting recorder.syncClocks, set to the station's (issue 15 item 3).
   */
  async unlock(actor: string, device: UsbDeviceInfo, adminPassword: string): Promise<{ unlocker: string; exercised: boolean; clock: ClockReport | null }> {
    const unlocker = this.deps.ports.unlockers.find((u) => u.handles(device));
    if (!unlocker) throw new StationError('input', 'dock.no_unlocker', { usb: `${device.vendorId.toString(16)}:${device.productId.toString(16)}` });
    let clock: ClockReport | null = null;
    try {
      clock = await this.recorderClock(actor, unlocker, device, adminPassword);
      await unlocker.exposeStorage(device, adminPassword);
    } finally {
      this.deps.write(() =>
        this.deps.ledger.append({
          actor,
          action: 'dock.unlock_requested',
          subject: usbSubject(device),
          details: {
            unlocker: unlocker.id,
            exercised: unlocker.exercised,
            serial: device.serialNumber,
            portPath: device.portPath,
            ...(clock ? { clockDrift: clock.drift, clockSynced: clock.synced, clockProblem: clock.problem } : {}),
          },
        }),
      );
    }
    return { unlocker: unlocker.id, exercised: unlocker.exercised, clock };
  }

  private takeMeasuredClock(usb: UsbDeviceInfo | null): ClockDrift | null {
    if (!usb) return null;
    const key = usbKey(usb);
    const drift = this.measuredClock.get(key) ?? null;
    this.measuredClock.delete(key);
    return drift;
  }

  /**
   * Reads the recorder's clock through its vendor interface and, if the station is set to, sets it.
   * A wrong password is the unlock's error too and is thrown; any other clock failure costs only the
   * measurement (the session then estimates, as without an interface) and is said in the ledger.
   */
  private async recorderClock(actor: string, unlocker: RecorderUnlocker, device: UsbDeviceInfo, password: string): Promise<ClockReport | null> {
    if (!unlocker.readClock) return null;
    const zone = this.deps.timeZone();
    const read = async (): Promise<ClockDrift | null> => {
      const before = this.deps.clock.now();
      const local = await unlocker.readClock!(device, password);
      const after = this.deps.clock.now();
      return local === null ? null : measureVendorClock(unlocker.id, local, before, after, zone);
    };
    const problem = (e: unknown): string => {
      if (e instanceof StationError && e.code === 'recorder.password_rejected') throw e;
      return e instanceof StationError ? e.code : 'recorder.vendor_call_failed';
    };
    let drift: ClockDrift | null;
    try {
      drift = await read();
    } catch (e) {
      return { drift: null, synced: null, problem: problem(e) };
    }
    if (!drift) return null;
    this.measuredClock.set(usbKey(device), drift);
    if (!this.deps.syncClocks() || !unlocker.syncClock) return { drift, synced: null, problem: null };
    let after: ClockDrift | null = null;
    try {
      if (!(await unlocker.syncClock(device, password))) return { drift, synced: null, problem: null };
      after = await read();
    } catch (e) {
      return { drift, synced: null, problem: problem(e) };
    }
    const synced = { before: drift, after, by: this.dutyUser ?? actor };
    // The custodian on duty is who the recorder's clock was changed for; the drift the recordings
    // were made with stays the measured one (before), which is what the session records.
    this.deps.write(() =>
      this.deps.ledger.append({
        actor: synced.by,
        action: 'device.clock_synced',
        subject: usbSubject(device),
        details: { unlocker: unlocker.id, exercised: unlocker.exercised, driftSeconds: drift.seconds, before: drift, after },
      }),
    );
    return { drift, synced, problem: null };
  }
}
