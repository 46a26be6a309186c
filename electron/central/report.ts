import Database from 'better-sqlite3';
import pg from 'pg';
import type { ReadableDB } from '../core/db/database.ts';
import { canonicalJson } from '../core/ledger/canonicalJson.ts';
import type { LedgerEntryContent } from '../core/ledger/entryHash.ts';
import { monthRange, monthlyReport, type ReportRow } from '../core/reports/monthly.ts';

// The supervision view across stations (002 第二十六条): for each enrolled station, what the witness
// last cosigned and when, whether it has gone silent, and the month's figures counted from its
// mirrored ledger entries by the very code that makes the station's own monthly report
// (core/reports/monthly.ts), so the two cannot disagree on what they count. Names of officers and
// recorders live in station tables the centre does not hold: rows carry badges and serials only.

export type CentralStationRow = {
  origin: string;
  enrolledAt: string;
  cosignedSize: number;
  cosignedAt: string | null;
  /** No cosignature for longer than the silence limit (or never). */
  silent: boolean;
  mirrorSize: number;
  /** Submissions the witness refused during the month (403, 409, 422), for the supervisor to look at. */
  refusals: number;
  total: ReportRow;
};

export type CentralReport = { month: string; timeZone: string; generatedAt: string; silentHours: number; stations: CentralStationRow[] };

/** A throw-away in-memory ledger table holding a station's mirrored entries, shaped like the station's. */
function ledgerOf(contents: string[]): ReadableDB {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE ledger (seq INTEGER PRIMARY KEY, time TEXT, actor TEXT, action TEXT, subject TEXT, details TEXT, prev_hash TEXT, leaf_hash TEXT);
    CREATE TABLE officers (badge TEXT, name TEXT); CREATE TABLE recorders (serial TEXT, vendor TEXT, model TEXT);`);
  const insert = db.prepare('INSERT INTO ledger (seq, time, actor, action, subject, details, prev_hash, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const text of contents) {
      const e = JSON.parse(text) as LedgerEntryContent;
      insert.run(e.seq, e.time, e.actor, e.action, e.subject, canonicalJson(e.details), e.prev, '');
    }
  })();
  return db as unknown as ReadableDB;
}

export async function centralReport(connectionString: string, options: { month: string; timeZone: string; silentHours: number; now: Date }): Promise<CentralReport> {
  const { from, to } = monthRange(options.month, options.timeZone);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const logs = await client.query<{ origin: string; enrolled_at: Date; size: string; cosigned_at: Date | null; mirror_size: string }>(
      'SELECT l.origin, l.enrolled_at, s.size, s.cosigned_at, s.mirror_size FROM central_logs l JOIN central_log_state s USING (origin) ORDER BY l.origin',
    );
    const stations: CentralStationRow[] = [];
    for (const log of logs.rows) {
      const entries = await client.query<{ content: string }>('SELECT content FROM central_entries WHERE origin = $1 ORDER BY seq', [log.origin]);
      const refusals = await client.query<{ n: string }>('SELECT COUNT(*) AS n FROM central_refusals WHERE origin = $1 AND at >= $2 AND at < $3', [log.origin, from, to]);
      const db = ledgerOf(entries.rows.map((r) => r.content));
      const report = monthlyReport(db, { month: options.month, timeZone: options.timeZone, now: options.now });
      db.close();
      const cosignedAt = log.cosigned_at ? log.cosigned_at.toISOString() : null;
      stations.push({
        origin: log.origin,
        enrolledAt: log.enrolled_at.toISOString(),
        cosignedSize: Number(log.size),
        cosignedAt,
        silent: !cosignedAt || options.now.getTime() - Date.parse(cosignedAt) > options.silentHours * 3_600_000,
        mirrorSize: Number(log.mirror_size),
        refusals: Number(refusals.rows[0]?.n ?? 0),
        total: report.rows.find((r) => r.group === 'total') as ReportRow,
      });
    }
    return { month: options.month, timeZone: options.timeZone, generatedAt: options.now.toISOString(), silentHours: options.silentHours, stations };
  } finally {
    await client.end();
  }
}

export const CENTRAL_REPORT_COLUMNS = ['origin', 'cosignedSize', 'cosignedAt', 'silent', 'mirrorSize', 'refusals', 'recordings', 'onTime', 'late', 'lateExplanations', 'requestsApproved', 'discsBurned', 'destructions'] as const;

export function centralReportRows(r: CentralReport): string[][] {
  return r.stations.map((s) => [
    s.origin,
    String(s.cosignedSize),
    s.cosignedAt ?? '',
    s.silent ? 'yes' : 'no',
    String(s.mirrorSize),
    String(s.refusals),
    ...[s.total.recordings, s.total.onTime, s.total.late, s.total.lateExplanations, s.total.requestsApproved, s.total.discsBurned, s.total.destructions].map(String),
  ]);
}

function csvCell(v: string): string {
  // Also neutralises spreadsheet formulas: a cell starting with = + - @ is quoted with a leading apostrophe.
  const safe = /^[=+\-@]/.test(v) ? `'${v}` : v;
  return /[",\n]/.test(safe) || safe !== v ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function centralReportCsv(r: CentralReport, headers: string[]): string {
  return [headers, ...centralReportRows(r)].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
