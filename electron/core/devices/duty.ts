// Who is on duty at the dock (issue 10 defect 21). In the database, not only in a process's memory: two
// custodians at two terminals (the desktop app, a `station watch`) must never both be on duty and both
// open sessions on one recorder. Taking duty, handing it over and leaving it are ledgered with who and whom.
import { StationError } from '../errors.ts';
import type { Station } from '../station.ts';
import { currentProcess, ownerAlive, type LeaseOwner } from '../vault/writeLease.ts';

export type Duty = { username: string; since: string; holderAlive: boolean };

type Row = { username: string; since: string; holder: string };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function holderOf(row: Row): LeaseOwner | null {
  try {
    return JSON.parse(row.holder) as LeaseOwner;
  } catch {
    return null;
  }
}

export class DutyRegister {
  private readonly station: Station;
  constructor(station: Station) {
    this.station = station;
  }

  private row(): Row | null {
    return (this.station.db.prepare('SELECT username, since, holder FROM dock_duty WHERE station = 1').get() as Row | undefined) ?? null;
  }

  current(): Duty | null {
    const r = this.row();
    if (!r) return null;
    const holder = holderOf(r);
    return { username: r.username, since: r.since, holderAlive: holder ? ownerAlive(holder) : true };
  }

  /** The user's name as the record spells it, if they are an active custodian. */
  private custodian(username: string): string {
    try {
      this.station.users.get(username);
    } catch {
      throw new StationError('denied', 'ingest.not_custodian', { username });
    }
    // Roles as the ledger backs them: a row edited with sqlite3 does not make anyone a custodian.
    const user = this.station.users.backed(username, 'command');
    if (user.disabled || !user.roles.includes('custodian')) throw new StationError('denied', 'ingest.not_custodian', { username });
    return user.username;
  }

  /**
   * `username` goes on duty for this process's dock. Refused while another custodian is on duty and the
   * process that took it still runs: that one hands over first. A duty whose process has ended is taken,
   * and the ledger names whom it was taken from.
   */
  take(name: string): void {
    const username = this.custodian(name);
    this.station.write(() => {
      const r = this.row();
      const now = this.station.clock.now().toISOString();
      const holder = JSON.stringify(currentProcess());
      if (r && !same(r.username, username)) {
        const h = holderOf(r);
        if (!h || ownerAlive(h)) throw new StationError('state', 'dock.duty_taken', { duty: r.username, since: r.since, username });
      }
      if (r && same(r.username, username)) {
        this.station.db.prepare('UPDATE dock_duty SET holder = ? WHERE station = 1').run(holder);
      } else if (r) {
        this.station.db.prepare('UPDATE dock_duty SET username = ?, since = ?, holder = ? WHERE station = 1').run(username, now, holder);
      } else {
        this.station.db.prepare('INSERT INTO dock_duty (station, username, since, holder) VALUES (1, ?, ?, ?)').run(username, now, holder);
      }
      this.station.ledger.append({
        actor: username,
        action: 'dock.duty_started',
        subject: 'dock',
        details: { previous: r && !same(r.username, username) ? { username: r.username, since: r.since, reason: 'process_ended' } : null, pid: process.pid },
      });
    });
  }

  /** The custodian on duty hands it to another custodian, who is on duty from now on. */
  handOver(from: string, toName: string): void {
    const to = this.custodian(toName);
    if (same(from, to)) throw new StationError('input', 'dock.handover_to_self', { username: from });
    this.station.write(() => {
      const r = this.row();
      if (!r || !same(r.username, from)) throw new StationError('state', 'dock.not_on_duty', { username: from, duty: r?.username ?? null });
      const now = this.station.clock.now().toISOString();
      this.station.db.prepare('UPDATE dock_duty SET username = ?, since = ? WHERE station = 1').run(to, now);
      this.station.ledger.append({ actor: from, action: 'dock.duty_handed_over', subject: 'dock', details: { from: r.username, to, onDutySince: r.since } });
    });
  }

  /** `username` leaves duty (off-duty, or their dock stopped). Nothing happens if someone else is on duty now. */
  release(username: string, reason: 'off_duty' | 'dock_stopped'): boolean {
    return this.station.write(() => {
      const r = this.row();
      if (!r || !same(r.username, username)) return false;
      // A dock that stops gives up only a duty it took; the same custodian may be on duty at another terminal.
      if (reason === 'dock_stopped') {
        const h = holderOf(r);
        const me = currentProcess();
        if (!h || h.pid !== me.pid || h.startTicks !== me.startTicks) return false;
      }
      this.station.db.prepare('DELETE FROM dock_duty WHERE station = 1').run();
      this.station.ledger.append({ actor: username, action: 'dock.duty_ended', subject: 'dock', details: { reason, since: r.since } });
      return true;
    });
  }
}
