// Who is on duty at the dock (issue 10 defect 21). In the database, not only in a process's memory: two
// custodians at two terminals (the desktop app, a `station watch`) must never both be on duty and both
// open sessions on one recorder. Taking duty, handing it over and leaving it are ledgered with who and whom.
import { StationError } from '../errors.ts';
import type { WritableDB } from '../db/database.ts';
import type { Clock } from '../clock.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Users } from '../access/users.ts';
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

/** The duty row is this register's own table; users are asked who is a custodian. */
export type DutyDeps = {
  db: WritableDB;
  ledger: Pick<Ledger, 'append'>;
  clock: Clock;
  users: Pick<Users, 'get' | 'backed'>;
  write: <T>(fn: () => T) => T;
};

export class DutyRegister {
  private readonly d: DutyDeps;
  constructor(deps: DutyDeps) {
    this.d = deps;
  }

  private row(): Row | null {
    return (this.d.db.prepare('SELECT username, since, holder FROM dock_duty WHERE station = 1').get() as Row | undefined) ?? null;
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
      this.d.users.get(username);
    } catch {
      throw new StationError('denied', 'ingest.not_custodian', { username });
    }
    // Roles as the ledger backs them: a row edited with sqlite3 does not make anyone a custodian.
    const user = this.d.users.backed(username, 'command');
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
    this.d.write(() => {
      const r = this.row();
      const now = this.d.clock.now().toISOString();
      const holder = JSON.stringify(currentProcess());
      if (r && !same(r.username, username)) {
        const h = holderOf(r);
        if (!h || ownerAlive(h)) throw new StationError('state', 'dock.duty_taken', { duty: r.username, since: r.since, username });
      }
      if (r && same(r.username, username)) {
        this.d.db.prepare('UPDATE dock_duty SET holder = ? WHERE station = 1').run(holder);
      } else if (r) {
        this.d.db.prepare('UPDATE dock_duty SET username = ?, since = ?, holder = ? WHERE station = 1').run(username, now, holder);
      } else {
        this.d.db.prepare('INSERT INTO dock_duty (station, username, since, holder) VALUES (1, ?, ?, ?)').run(username, now, holder);
      }
      this.d.ledger.append({
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
    this.d.write(() => {
      const r = this.row();
      if (!r || !same(r.username, from)) throw new StationError('state', 'dock.not_on_duty', { username: from, duty: r?.username ?? null });
      const now = this.d.clock.now().toISOString();
      this.d.db.prepare('UPDATE dock_duty SET username = ?, since = ? WHERE station = 1').run(to, now);
      this.d.ledger.append({ actor: from, action: 'dock.duty_handed_over', subject: 'dock', details: { from: r.username, to, onDutySince: r.since } });
    });
  }

  /** `username` leaves duty (off-duty, or their dock stopped). Nothing happens if someone else is on duty now. */
  release(username: string, reason: 'off_duty' | 'dock_stopped'): boolean {
    return this.d.write(() => {
      const r = this.row();
      if (!r || !same(r.username, username)) return false;
      // A dock that stops gives up only a duty it took; the same custodian may be on duty at another terminal.
      if (reason === 'dock_stopped') {
        const h = holderOf(r);
        const me = currentProcess();
        if (!h || h.pid !== me.pid || h.startTicks !== me.startTicks) return false;
      }
      this.d.db.prepare('DELETE FROM dock_duty WHERE station = 1').run();
      this.d.ledger.append({ actor: username, action: 'dock.duty_ended', subject: 'dock', details: { reason, since: r.since } });
      return true;
    });
  }
}
