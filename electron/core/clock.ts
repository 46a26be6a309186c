// Time is injected so that deadlines, backoff and expiry are testable without sleeping.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string = '2026-01-05T02:00:00Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }
}

/** How far the system clock may trail the ledger before it is an anomaly (NTP steps, slow CMOS). */
export const CLOCK_TOLERANCE_MS = 2 * 60_000;

export type ClockAnomaly = { systemTime: string; ledgerTime: string; behindMs: number };

/**
 * The clock the station hands every service: never earlier than the latest time its ledger has
 * recorded. A system clock set back (by hand, a flat CMOS battery, a bad NTP server) would
 * otherwise make ledger times run backwards, a late hand-over look timely, an approval or a
 * lockout look fresh again; with this clock time stands still at the ledger's last time until the
 * system clock catches up, and the gap is reported (`anomaly`) so it can be ledgered and shown.
 *
 * A clock set AHEAD cannot be told from a correct one without an outside reference; what this
 * clock does is keep the latest time ever recorded as its floor, so once the clock is put right
 * the station keeps using that later time (approvals granted meanwhile end no later than they
 * would have; lockouts and deadlines are judged from the later time). See ledger/README.md.
 */
export class LedgerClock implements Clock {
  readonly system: Clock;
  private floorMs = Number.NEGATIVE_INFINITY;

  constructor(system: Clock) {
    this.system = system;
  }

  now(): Date {
    return new Date(Math.max(this.system.now().getTime(), this.floorMs));
  }

  /** Raises the floor to a time the ledger recorded; never lowers it. */
  observe(time: Date | string): void {
    const ms = new Date(time).getTime();
    if (Number.isFinite(ms) && ms > this.floorMs) this.floorMs = ms;
  }

  get floor(): Date | null {
    return Number.isFinite(this.floorMs) ? new Date(this.floorMs) : null;
  }

  /** The system clock trails the ledger by more than the tolerance: times are being held at the floor. */
  anomaly(toleranceMs: number = CLOCK_TOLERANCE_MS): ClockAnomaly | null {
    const sys = this.system.now().getTime();
    if (!Number.isFinite(this.floorMs) || sys >= this.floorMs - toleranceMs) return null;
    return { systemTime: new Date(sys).toISOString(), ledgerTime: new Date(this.floorMs).toISOString(), behindMs: this.floorMs - sys };
  }
}

export function isLedgerClock(clock: Clock): clock is LedgerClock {
  return clock instanceof LedgerClock;
}
