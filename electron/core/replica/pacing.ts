// When and how fast the replica may send (replica/README.md, "Pacing"): the dock always comes
// first, the uplink is shared with the rest of the agency, and a schedule keeps transfers to the
// hours the agency chose. Pure functions and a throttle with its clock injected, so the rules are
// tested without sleeping.
import { StationError } from '../errors.ts';
import type { ReadableDB } from '../db/database.ts';
import { runningSessionOwnerPids } from '../ingest/sessionStore.ts';
import { processAlive } from '../processAlive.ts';

export type TransferWindow = { start: string; end: string };

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  if (!m) throw new StationError('input', 'replica.bad_window', { value: hhmm });
  return Number(m[1]) * 60 + Number(m[2]);
}

/** "22:00-06:00" (or with an en dash) → a window; "off" / "any" → null (any time). */
export function parseWindow(text: string): TransferWindow | null {
  const t = text.trim();
  if (/^(off|any|none)$/i.test(t)) return null;
  const m = /^(\d\d:\d\d)\s*[-–~]\s*(\d\d:\d\d)$/.exec(t);
  if (!m) throw new StationError('input', 'replica.bad_window', { value: text });
  return checkWindow({ start: m[1]!, end: m[2]! });
}

export function checkWindow(w: TransferWindow): TransferWindow {
  if (minutesOf(w.start) === minutesOf(w.end)) throw new StationError('input', 'replica.bad_window', { value: `${w.start}-${w.end}` });
  return w;
}

/** Minutes since local midnight in the agency's time zone. */
function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const h = Number(parts.find((p) => p.type === 'hour')!.value);
  const m = Number(parts.find((p) => p.type === 'minute')!.value);
  return h * 60 + m;
}

/** Whether a new part may start now; a window whose end is before its start runs over midnight. */
export function inWindow(w: TransferWindow | null, at: Date, timeZone: string): boolean {
  if (!w) return true;
  const now = localMinutes(at, timeZone);
  const s = minutesOf(w.start);
  const e = minutesOf(w.end);
  return s < e ? now >= s && now < e : now >= s || now < e;
}

/**
 * A bandwidth cap shared by every part in flight: each part reserves its bytes on one timeline and
 * starts when its turn on that timeline comes, so N parts together never exceed the cap.
 */
export class Throttle {
  private readonly bytesPerSecond: number | null;
  private readonly nowMs: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private nextFreeMs = 0;

  constructor(bytesPerSecond: number | null, options: { nowMs?: () => number; sleep?: (ms: number) => Promise<void> } = {}) {
    this.bytesPerSecond = bytesPerSecond;
    this.nowMs = options.nowMs ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** How long a part of `bytes` must wait before it starts (and books its share of the line). */
  reserve(bytes: number): number {
    if (!this.bytesPerSecond) return 0;
    const now = this.nowMs();
    const start = Math.max(now, this.nextFreeMs);
    this.nextFreeMs = start + (bytes / this.bytesPerSecond) * 1000;
    return start - now;
  }

  async take(bytes: number): Promise<void> {
    const wait = this.reserve(bytes);
    if (wait > 0) await this.sleep(wait);
  }
}


/**
 * An ingest session is running on this station (in this process or another one): the replica
 * starts no new part until it ends. A session whose process died is not waited for.
 */
export function ingestRunning(db: ReadableDB): boolean {
  return runningSessionOwnerPids(db).some((pid) => pid === process.pid || processAlive(pid));
}
