// The registry of officers (警号 → name, unit) and recorders (产品序号 → model, assigned officer).
// Identity is never guessed (README.md Architecture, issue "Dock and ingest" item 3): what the station does not
// know, a custodian states, and each statement is ledgered with its author.
import { StationError } from '../errors.ts';
import type { Clock } from '../clock.ts';
import type { ReadableDB, WritableDB } from '../db/database.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Recordings } from '../recordings/recordings.ts';

export type RegistryDeps = {
  db: WritableDB;
  ledger: Pick<Ledger, 'append'>;
  clock: Clock;
  write: <T>(fn: () => T) => T;
  recordings: Pick<Recordings, 'adoptRecorderOfficer'>;
};

export type Officer = { badge: string; name: string; unitCode: string | null; unitName: string | null; createdAt: string; createdBy: string };

export type RegisteredVia = 'custodian' | 'catalogue' | 'vendor' | 'accepted_storage';

export type Recorder = {
  serial: string;
  vendor: string | null;
  model: string | null;
  usbVendorId: number | null;
  usbProductId: number | null;
  usbSerial: string | null;
  volumeLabel: string | null;
  officerBadge: string | null;
  officerName: string | null;
  registeredVia: RegisteredVia;
  createdAt: string;
  createdBy: string;
  note: string;
};

type OfficerRow = { badge: string; name: string; unit_code: string | null; unit_name: string | null; created_at: string; created_by: string };
type RecorderRow = {
  serial: string;
  vendor: string | null;
  model: string | null;
  usb_vendor_id: number | null;
  usb_product_id: number | null;
  usb_serial: string | null;
  volume_label: string | null;
  officer_badge: string | null;
  officer_name: string | null;
  registered_via: RegisteredVia;
  created_at: string;
  created_by: string;
  note: string;
};

// 警号 are six digits on recorders; agencies outside the police use their own staff numbers, so
// any short code of letters, digits and '-' is accepted.
const BADGE = /^[\p{L}\p{N}][\p{L}\p{N}-]{0,31}$/u;
const SERIAL = /^[\p{L}\p{N}][\p{L}\p{N}._-]{0,63}$/u;

export function assertBadge(badge: string): string {
  if (!BADGE.test(badge)) throw new StationError('input', 'officer.bad_badge', { badge });
  return badge;
}

export function assertSerial(serial: string): string {
  if (!SERIAL.test(serial)) throw new StationError('input', 'recorder.bad_serial', { serial });
  return serial;
}

const toOfficer = (r: OfficerRow): Officer => ({ badge: r.badge, name: r.name, unitCode: r.unit_code, unitName: r.unit_name, createdAt: r.created_at, createdBy: r.created_by });

const toRecorder = (r: RecorderRow): Recorder => ({
  serial: r.serial,
  vendor: r.vendor,
  model: r.model,
  usbVendorId: r.usb_vendor_id,
  usbProductId: r.usb_product_id,
  usbSerial: r.usb_serial,
  volumeLabel: r.volume_label,
  officerBadge: r.officer_badge,
  officerName: r.officer_name,
  registeredVia: r.registered_via,
  createdAt: r.created_at,
  createdBy: r.created_by,
  note: r.note,
});

const RECORDER_SELECT = 'SELECT r.*, o.name AS officer_name FROM recorders r LEFT JOIN officers o ON o.badge = r.officer_badge';

export class Registry {
  private readonly deps: RegistryDeps;
  constructor(deps: RegistryDeps) {
    this.deps = deps;
  }

  private get db(): WritableDB {
    return this.deps.db;
  }
  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  // ---- officers

  officer(badge: string): Officer | null {
    const r = this.db.prepare('SELECT * FROM officers WHERE badge = ?').get(badge) as OfficerRow | undefined;
    return r ? toOfficer(r) : null;
  }

  requireOfficer(badge: string): Officer {
    const o = this.officer(badge);
    if (!o) throw new StationError('input', 'officer.not_found', { badge });
    return o;
  }

  officers(): Officer[] {
    return (this.db.prepare('SELECT * FROM officers ORDER BY badge').all() as OfficerRow[]).map(toOfficer);
  }

  addOfficer(actor: string, input: { badge: string; name: string; unitCode?: string | null; unitName?: string | null }): Officer {
    const badge = assertBadge(input.badge.trim());
    const name = input.name.trim();
    if (!name) throw new StationError('input', 'officer.bad_name', {});
    return this.deps.write(() => {
      if (this.officer(badge)) throw new StationError('input', 'officer.exists', { badge });
      this.db
        .prepare('INSERT INTO officers (badge, name, unit_code, unit_name, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)')
        .run(badge, name, input.unitCode ?? null, input.unitName ?? null, this.now(), actor);
      this.deps.ledger.append({ actor, action: 'officer.added', subject: `officer:${badge}`, details: { name, unitCode: input.unitCode ?? null, unitName: input.unitName ?? null } });
      return this.requireOfficer(badge);
    });
  }

  // ---- recorders

  recorder(serial: string): Recorder | null {
    const r = this.db.prepare(`${RECORDER_SELECT} WHERE r.serial = ?`).get(serial) as RecorderRow | undefined;
    return r ? toRecorder(r) : null;
  }

  requireRecorder(serial: string): Recorder {
    const r = this.recorder(serial);
    if (!r) throw new StationError('input', 'recorder.not_found', { serial });
    return r;
  }

  recorders(): Recorder[] {
    return (this.db.prepare(`${RECORDER_SELECT} ORDER BY r.serial`).all() as RecorderRow[]).map(toRecorder);
  }

  recorderByUsb(vendorId: number, productId: number, usbSerial: string): Recorder | null {
    const r = this.db
      .prepare(`${RECORDER_SELECT} WHERE r.usb_vendor_id = ? AND r.usb_product_id = ? AND r.usb_serial = ?`)
      .get(vendorId, productId, usbSerial) as RecorderRow | undefined;
    return r ? toRecorder(r) : null;
  }

  recorderByLabel(label: string): Recorder | null {
    const r = this.db.prepare(`${RECORDER_SELECT} WHERE r.volume_label = ? AND r.registered_via = 'accepted_storage'`).get(label) as RecorderRow | undefined;
    return r ? toRecorder(r) : null;
  }

  /** Must run inside Station.write. */
  insertRecorder(
    actor: string,
    input: {
      serial: string;
      vendor?: string | null;
      model?: string | null;
      usbVendorId?: number | null;
      usbProductId?: number | null;
      usbSerial?: string | null;
      volumeLabel?: string | null;
      officerBadge?: string | null;
      registeredVia: RegisteredVia;
      note?: string;
    },
  ): Recorder {
    const serial = assertSerial(input.serial.trim());
    if (this.recorder(serial)) throw new StationError('input', 'recorder.exists', { serial });
    if (input.officerBadge) this.requireOfficer(input.officerBadge);
    this.db
      .prepare(
        `INSERT INTO recorders (serial, vendor, model, usb_vendor_id, usb_product_id, usb_serial, volume_label, officer_badge, registered_via, created_at, created_by, note)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        serial,
        input.vendor ?? null,
        input.model ?? null,
        input.usbVendorId ?? null,
        input.usbProductId ?? null,
        input.usbSerial ?? null,
        input.volumeLabel ?? null,
        input.officerBadge ?? null,
        input.registeredVia,
        this.now(),
        actor,
        input.note ?? '',
      );
    const recorder = this.requireRecorder(serial);
    this.deps.ledger.append({
      actor,
      action: input.registeredVia === 'accepted_storage' ? 'recorder.accepted' : 'recorder.added',
      subject: `recorder:${serial}`,
      details: {
        vendor: recorder.vendor,
        model: recorder.model,
        usb: recorder.usbVendorId === null ? null : { vendorId: recorder.usbVendorId, productId: recorder.usbProductId, serial: recorder.usbSerial },
        volumeLabel: recorder.volumeLabel,
        officer: recorder.officerBadge,
        registeredVia: recorder.registeredVia,
        note: recorder.note,
      },
    });
    return recorder;
  }

  addRecorder(actor: string, input: Parameters<Registry['insertRecorder']>[1]): Recorder {
    return this.deps.write(() => this.insertRecorder(actor, input));
  }

  /**
   * The custodian's standing assignment of a recorder to an officer (or none). With
   * `applyToRecordings`, recordings of that recorder that have no officer yet get this one, each
   * change ledgered on the recording: "before or after ingest" (issue item 3).
   */
  assignRecorder(actor: string, serial: string, officerBadge: string | null, options: { applyToRecordings?: boolean } = {}): { recorder: Recorder; recordingsUpdated: string[] } {
    return this.deps.write(() => {
      const before = this.requireRecorder(serial);
      if (officerBadge) this.requireOfficer(officerBadge);
      this.db.prepare('UPDATE recorders SET officer_badge = ? WHERE serial = ?').run(officerBadge, serial);
      this.deps.ledger.append({ actor, action: 'recorder.assigned', subject: `recorder:${serial}`, details: { from: before.officerBadge, to: officerBadge } });
      const updated = options.applyToRecordings && officerBadge ? this.deps.recordings.adoptRecorderOfficer(actor, serial, officerBadge) : [];
      return { recorder: this.requireRecorder(serial), recordingsUpdated: updated };
    });
  }
}


/** Every registered officer's name by badge, for reports that name rows they group by badge. */
export function officerNames(db: ReadableDB): Map<string, string> {
  return new Map((db.prepare('SELECT badge, name FROM officers').all() as { badge: string; name: string }[]).map((o) => [o.badge, o.name]));
}

/** Every registered recorder's "vendor model" by serial (null when neither is known). */
export function recorderNames(db: ReadableDB): Map<string, string | null> {
  return new Map(
    (db.prepare('SELECT serial, vendor, model FROM recorders').all() as { serial: string; vendor: string | null; model: string | null }[]).map((r) => [r.serial, [r.vendor, r.model].filter(Boolean).join(' ') || null]),
  );
}
