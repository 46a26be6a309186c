// What each user should be told about (issue 14 item 17): the dashboard shows it and the desktop app
// raises a notification when an item is new. Who gets what follows the roles (README.md, Roles):
// approvers hear of requests waiting for them, requesters of decisions on their requests,
// custodians of explanations owed (000_f52585dae22cddca.txt 第九条、第十一条) and recordings due for
// destruction (第十二条), custodians and administrators of replication and witness alarms and of a
// missing next-year calendar. Items carry counts and ids only, never evidence content: a
// notification shows on the desktop to whoever stands in front of it.
import type { ReadableDB } from '../db/database.ts';
import type { Role } from '../access/roles.ts';
import { requestsDecidedSince, type Requests } from '../access/requests.ts';
import type { Recordings } from '../recordings/recordings.ts';
import type { RetentionService } from '../cases/retention.ts';
import type { ReplicaService } from '../replica/service.ts';
import type { WitnessClient } from '../witness/client.ts';
import { localDateAt, type WorkingDayCalendar } from '../calendar/workingDays.ts';
import { nextYearDue } from '../calendar/yearForm.ts';

export type AttentionKind =
  | 'requests_awaiting'
  | 'request_decided'
  | 'explanations_owed'
  | 'destruction_due'
  | 'replica_failed'
  | 'witness_alarm'
  | 'calendar_next_year';

export type AttentionItem = {
  kind: AttentionKind;
  /**
   * Stable while nothing new happened, different once something did: the desktop notifies once per
   * key (a new request, a new decision, a count that grew), the dashboard shows every item.
   */
  key: string;
  count: number;
  /** Request ids for decisions, or a year for the calendar; never file names or people. */
  subjects: string[];
  params: Record<string, string | number>;
  /** The screen that deals with it. */
  screen: 'requests' | 'recordings' | 'retention' | 'replication' | 'ledger' | 'settings';
  severity: 'info' | 'warning' | 'error';
};

export type AttentionUser = { username: string; roles: readonly Role[] };

/** Decisions on one's requests are news for this long; after that the Requests screen has them. */
export const DECISION_NEWS_DAYS = 7;

export type AttentionDeps = {
  db: ReadableDB;
  now: () => Date;
  timeZone: () => string;
  requests: Pick<Requests, 'inbox'>;
  /** The ingest feature's catalogue: explanations owed. */
  catalogue: () => Pick<Recordings, 'list'>;
  retention: Pick<RetentionService, 'due'>;
  replica: () => Pick<ReplicaService, 'config' | 'status'>;
  witness: Pick<WitnessClient, 'status'>;
  /** The working-day calendar in force: whether next year is in it. */
  calendar: () => Pick<WorkingDayCalendar, 'coveredYears'>;
};

/** Who is told what: built once per station, asked per user. */
export class Attention {
  private readonly deps: AttentionDeps;
  constructor(deps: AttentionDeps) {
    this.deps = deps;
  }

  for(user: AttentionUser): AttentionItem[] {
    const d = this.deps;
    const has = (r: Role) => user.roles.includes(r);
    const items: AttentionItem[] = [];

    if (has('approver')) {
      const inbox = d.requests.inbox(user.username);
      if (inbox.total > 0) {
        const newest = inbox.requests.map((r) => r.id).sort().at(-1)!;
        items.push({ kind: 'requests_awaiting', key: `requests_awaiting:${newest}:${inbox.total}`, count: inbox.total, subjects: inbox.requests.map((r) => r.id), params: { ...inbox.byKind }, screen: 'requests', severity: 'warning' });
      }
    }

    if (has('clerk') || has('custodian') || has('approver')) {
      const since = new Date(d.now().getTime() - DECISION_NEWS_DAYS * 86_400_000).toISOString();
      const decided = requestsDecidedSince(d.db, user.username, since);
      for (const r of decided) {
        items.push({ kind: 'request_decided', key: `request_decided:${r.id}:${r.state}`, count: 1, subjects: [r.id], params: { requestId: r.id, state: r.state }, screen: 'requests', severity: r.state === 'denied' ? 'warning' : 'info' });
      }
    }

    if (has('custodian')) {
      const owed = d.catalogue().list({ needsExplanation: true, limit: 1 }).total;
      if (owed > 0) items.push({ kind: 'explanations_owed', key: `explanations_owed:${owed}`, count: owed, subjects: [], params: {}, screen: 'recordings', severity: 'warning' });
      const due = d.retention.due({ limit: 100_000 }).length;
      if (due > 0) items.push({ kind: 'destruction_due', key: `destruction_due:${due}`, count: due, subjects: [], params: {}, screen: 'retention', severity: 'info' });
    }

    if (has('custodian') || has('admin')) {
      // The full status counts the catalogue; only a station with a replica pays for it.
      const replicaService = d.replica();
      const replica = replicaService.config() ? replicaService.status() : null;
      if (replica && replica.counts.failed > 0) {
        items.push({ kind: 'replica_failed', key: `replica_failed:${replica.counts.failed}`, count: replica.counts.failed, subjects: [], params: { onlyHere: replica.onlyHere }, screen: 'replication', severity: 'error' });
      }
      const witness = d.witness.status();
      if (witness?.alarm) {
        items.push({ kind: 'witness_alarm', key: `witness_alarm:${witness.alarm.seq}`, count: 1, subjects: [], params: { alarm: witness.alarm.kind, seq: witness.alarm.seq }, screen: 'ledger', severity: 'error' });
      }
      const today = localDateAt(d.now(), d.timeZone());
      const covered = new Set(d.calendar().coveredYears());
      const next = nextYearDue(today, (y) => covered.has(y));
      if (next.warn) items.push({ kind: 'calendar_next_year', key: `calendar_next_year:${next.year}`, count: 1, subjects: [String(next.year)], params: { year: next.year }, screen: 'settings', severity: 'warning' });
    }
    return items;
  }
}

/** The items whose key the user has not been told of yet: what the desktop notifies about. */
export function newSince(items: readonly AttentionItem[], told: ReadonlySet<string>): AttentionItem[] {
  return items.filter((i) => !told.has(i.key));
}
