import { StationError } from './errors.ts';
import type { WritableDB } from './db/database.ts';
import type { Ledger } from './ledger/ledger.ts';
import { canonicalJson } from './ledger/canonicalJson.ts';

/**
 * Per-agency settings. The rules differ between agencies (24 h vs 2 working days, 2 vs 3 years),
 * so those figures live here with the rules' values as presets, never as constants in code.
 */
export type SettingsShape = {
  'agency.code': string;
  'agency.name': string;
  'agency.timeZone': string;
  'station.id': string;
  'ledger.checkpointEvery': number;
  'session.idleMinutes': number;
  // Dock and ingest (electron/core/ingest). Hand-over deadline measured from the end of a recording
  // to its storage: presets { hours: 24 } (000 第十一条, 002 第二十二条, 004 第十六条) and
  // { workingDays: 2 } (001 第十七条); the same shape as calendar/workingDays.ts DeadlineSpec.
  'handover.deadline': { hours: number } | { workingDays: number };
  /** A gap between two segments of one recorder inside [min, max] seconds may be an interruption (000 第九条). */
  'ingest.interruptionGapSeconds': { min: number; max: number };
  'ingest.maxConcurrentRecorders': number;
  /** Delete each file from the recorder after its verified ingest. Off unless the agency decides otherwise. */
  'ingest.clearRecorderAfterIngest': boolean;
  /** Days an approval to view or copy stays usable (a copy approval is used once anyway). */
  'requests.approvalDays': number;
};

export const DEFAULT_SETTINGS: Omit<SettingsShape, 'agency.code' | 'agency.name' | 'station.id'> = {
  'agency.timeZone': 'Asia/Shanghai',
  'ledger.checkpointEvery': 100,
  'session.idleMinutes': 30,
  'handover.deadline': { hours: 24 },
  'ingest.interruptionGapSeconds': { min: 2, max: 600 },
  'ingest.maxConcurrentRecorders': 8,
  'ingest.clearRecorderAfterIngest': false,
  'requests.approvalDays': 7,
};

export class Settings {
  private readonly db: WritableDB;
  constructor(db: WritableDB) {
    this.db = db;
  }

  get<K extends keyof SettingsShape>(key: K): SettingsShape[K] {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    if (row) return JSON.parse(row.value) as SettingsShape[K];
    if (key in DEFAULT_SETTINGS) return DEFAULT_SETTINGS[key as keyof typeof DEFAULT_SETTINGS] as SettingsShape[K];
    throw new StationError('state', 'station.setting_missing', { key });
  }

  all(): Partial<SettingsShape> {
    const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const row of this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[]) {
      out[row.key] = JSON.parse(row.value);
    }
    return out as Partial<SettingsShape>;
  }

  /** Must run inside Station.write: the change and its ledger entry commit together. */
  set<K extends keyof SettingsShape>(ledger: Ledger, actor: string, key: K, value: SettingsShape[K]): void {
    const previous = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, canonicalJson(value));
    ledger.append({
      actor,
      action: 'setting.changed',
      subject: `setting:${key}`,
      details: { from: previous ? (JSON.parse(previous.value) as unknown) : null, to: value },
    });
  }
}
