import { StationError } from './errors.ts';
import type { WritableDB } from './db/database.ts';
import type { Ledger } from './ledger/ledger.ts';
import { canonicalJson } from './ledger/canonicalJson.ts';
import type { AgencyRuleSetting } from './rules/agencyRule.ts';

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
  /**
   * Doubtful times (issue 15): a time more than `future` seconds after its storage is flagged
   * time_in_future and passed over for "recorded at"; name, metadata and file-system times further
   * apart than `mismatch` seconds are flagged time_mismatch (a recorder writing local time as UTC
   * is 8 hours off).
   */
  'time.toleranceSeconds': { future: number; mismatch: number };
  /**
   * A recorder whose clock is ahead of the station's by more than this at dock is flagged
   * clock_drift on its recordings (issue 15). Without a vendor clock interface the drift is an
   * estimate from the newest file, which can show a clock ahead but not one behind; a drift read
   * from the recorder's own clock is flagged either way.
   */
  'recorder.clockDriftToleranceSeconds': number;
  /**
   * Set each recorder's clock to the station's at dock, where its vendor interface can
   * (公安部 SyncDevTime), ledgered device.clock_synced. Off until an admin decides: it writes to a
   * device the station otherwise only reads.
   */
  'recorder.syncClocks': boolean;
  /** Delete each file from the recorder after its verified ingest. Off unless the agency decides otherwise. */
  'ingest.clearRecorderAfterIngest': boolean;
  /** Days an approval to view or copy stays usable (a copy approval is used once anyway). */
  'requests.approvalDays': number;
  // Cases and retention (electron/core/cases). Presets with citations: calendar/presets.ts.
  /**
   * 立卷归档 deadline from the end of the enforcement act: { workingDays: 20 } (002 第二十一条),
   * { calendarDays: 30 } (003 第二十五条, 004 第十八条), permits { calendarDays: 15 } (004 第十八条).
   * `byType` overrides `default` for one enforcement type.
   */
  'cases.archiveDeadline': { default: CaseDeadlineSpec; byType: Partial<Record<'penalty' | 'permit' | 'coercion' | 'inspection' | 'expropriation', CaseDeadlineSpec>> };
  /** How long a case file (案卷) is kept unless the case says otherwise; its evidence follows it. */
  'cases.fileRetention': { years: number } | { permanent: true };
  /** Recordings used in no case: { years: 2 } (004 第十九条) or { years: 3 } (000 第十二条). */
  'retention.default': { years: number };
  /** The agency's own rule, cited on every paper (core/rules/agencyRule.ts); null until the admin picks one. */
  'rules.agencyRule': AgencyRuleSetting | null;
};

export type CaseDeadlineSpec = { workingDays: number } | { calendarDays: number; extendPastDaysOff?: boolean };

export const DEFAULT_SETTINGS: Omit<SettingsShape, 'agency.code' | 'agency.name' | 'station.id'> = {
  'agency.timeZone': 'Asia/Shanghai',
  'ledger.checkpointEvery': 100,
  'session.idleMinutes': 30,
  'handover.deadline': { hours: 24 },
  'ingest.interruptionGapSeconds': { min: 2, max: 600 },
  'ingest.maxConcurrentRecorders': 8,
  'time.toleranceSeconds': { future: 300, mismatch: 300 },
  'recorder.clockDriftToleranceSeconds': 300,
  'recorder.syncClocks': false,
  'ingest.clearRecorderAfterIngest': false,
  'requests.approvalDays': 7,
  'cases.archiveDeadline': { default: { workingDays: 20 }, byType: {} },
  // 永久 / 定期30年 / 定期10年 are the terms of 《机关文件材料归档范围和文书档案保管期限规定》
  // (国家档案局令第8号); the longer fixed term is the default, the agency picks (cases/retention.ts).
  'cases.fileRetention': { years: 30 },
  // Of the rules' 2 and 3 years the longer is the default: a recording is never destroyed earlier
  // than either rule allows until the agency decides which one it follows.
  'retention.default': { years: 3 },
  'rules.agencyRule': null,
};

/**
 * The agency's time zone must be one the runtime knows (Asia/Shanghai, Asia/Urumqi, …): every local time read from a
 * file name and every working-day deadline is computed in it, so an unknown one is refused before it is stored.
 */
export function assertTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone }).format(0);
  } catch {
    throw new StationError('input', 'station.bad_time_zone', { timeZone });
  }
  return timeZone;
}

export class Settings {
  private readonly db: WritableDB;
  constructor(db: WritableDB) {
    this.db = db;
  }

  // Read several times for every ingested file: preparing the statement cost more than running it.
  private getStatement: ReturnType<WritableDB['prepare']> | null = null;

  get<K extends keyof SettingsShape>(key: K): SettingsShape[K] {
    this.getStatement ??= this.db.prepare('SELECT value FROM settings WHERE key = ?');
    const row = this.getStatement.get(key) as { value: string } | undefined;
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
