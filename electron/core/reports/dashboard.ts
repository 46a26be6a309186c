// What is due and overdue at the station, for the dashboard: case files to archive (002 第二十一条,
// 003 第二十五条, 004 第十八条), late hand-overs and interruptions still without their written
// explanation (000 第九条, 第十一条), requests waiting for a decision, and destructions due.
import type { ReadableDB } from '../db/database.ts';
import type { Requests } from '../access/requests.ts';
import { openCaseCount, type CaseService } from '../cases/cases.ts';
import { extensionsToApplyCount, type RetentionService } from '../cases/retention.ts';
import { destructionBatchCount } from '../cases/destruction.ts';
import { awaitingAttention } from '../recordings/recordings.ts';

export type DashboardCase = { id: string; caseNumber: string; title: string; closedAt: string; deadline: string | null; overdue: boolean; problem: { code: string; params: Record<string, unknown> } | null };

export type Dashboard = {
  generatedAt: string;
  counts: {
    casesOpen: number;
    casesToArchive: number;
    casesArchiveOverdue: number;
    lateHandoversUnexplained: number;
    interruptionsUnexplained: number;
    /** Hand-overs the calendar could not judge yet: judged when the year is added (issue 15). */
    deadlinesUnknown: number;
    requestsWaiting: number;
    extensionsToApply: number;
    destructionsDue: number;
    batchesAwaitingDecision: number;
    batchesAwaitingExecution: number;
  };
  /** Closed cases not yet archived, soonest deadline first (those the calendar cannot date last). */
  casesToArchive: DashboardCase[];
  /** Recording ids, oldest first (at most `limit` each). */
  lateHandoversUnexplained: string[];
  interruptionsUnexplained: string[];
  deadlinesUnknown: string[];
  requestsWaiting: { id: string; kind: string; requester: string; createdAt: string }[];
  destructionsDue: { recordingId: string; until: string }[];
};

export type DashboardDeps = {
  db: ReadableDB;
  now: () => Date;
  cases: Pick<CaseService, 'list'>;
  retention: Pick<RetentionService, 'due'>;
  requests: Pick<Requests, 'list'>;
};

/** The dashboard's figures, counted afresh on each ask. */
export class DashboardService {
  private readonly deps: DashboardDeps;
  constructor(deps: DashboardDeps) {
    this.deps = deps;
  }

  summary(options: { limit?: number } = {}): Dashboard {
    const limit = options.limit ?? 50;
    const { db, cases, retention } = this.deps;
    const closed = cases.list({ state: 'closed', limit: 100_000 }).items;
    const toArchive: DashboardCase[] = closed
      .map((c) => ({ id: c.id, caseNumber: c.caseNumber, title: c.title, closedAt: c.closedAt!, deadline: c.archive?.deadline ?? null, overdue: c.archive?.overdue ?? false, problem: c.archive?.problem ?? null }))
      .sort((a, b) => (a.deadline ?? '9999').localeCompare(b.deadline ?? '9999'));
    const { late, interrupted, deadlinesUnknown } = awaitingAttention(db);
    const waiting = this.deps.requests.list({ state: 'requested', limit: 100_000 }).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const extensionsToApply = extensionsToApplyCount(db);
    const due = retention.due();
    const batches = (state: string) => destructionBatchCount(db, state);
    return {
      generatedAt: this.deps.now().toISOString(),
      counts: {
        casesOpen: openCaseCount(db),
        casesToArchive: toArchive.length,
        casesArchiveOverdue: toArchive.filter((c) => c.overdue).length,
        lateHandoversUnexplained: late.length,
        interruptionsUnexplained: interrupted.length,
        deadlinesUnknown: deadlinesUnknown.length,
        requestsWaiting: waiting.length,
        extensionsToApply,
        destructionsDue: due.length,
        batchesAwaitingDecision: batches('proposed'),
        batchesAwaitingExecution: batches('approved') + batches('executing'),
      },
      casesToArchive: toArchive.slice(0, limit),
      lateHandoversUnexplained: late.slice(0, limit),
      interruptionsUnexplained: interrupted.slice(0, limit),
      deadlinesUnknown: deadlinesUnknown.slice(0, limit),
      requestsWaiting: waiting.slice(0, limit).map((r) => ({ id: r.id, kind: r.kind, requester: r.requester, createdAt: r.createdAt })),
      destructionsDue: due.slice(0, limit).map((s) => ({ recordingId: s.recordingId, until: s.until! })),
    };
  }
}
