import type { DeadlineSpec } from '../calendar/workingDays.ts';

/** 行政处罚 / 行政许可 / 行政强制 / 行政检查 / 行政征收征用 */
export const ENFORCEMENT_TYPES = ['penalty', 'permit', 'coercion', 'inspection', 'expropriation'] as const;
export type EnforcementType = (typeof ENFORCEMENT_TYPES)[number];

/** The Chinese names as the rules write them; printed documents carry them whatever the UI language. */
export const ENFORCEMENT_TYPE_ZH: Record<EnforcementType, string> = {
  penalty: '行政处罚',
  permit: '行政许可',
  coercion: '行政强制',
  inspection: '行政检查',
  expropriation: '行政征收征用',
};
export const ENFORCEMENT_TYPE_EN: Record<EnforcementType, string> = {
  penalty: 'Administrative penalty',
  permit: 'Administrative permit',
  coercion: 'Administrative coercion',
  inspection: 'Administrative inspection',
  expropriation: 'Expropriation / requisition',
};

export const PARTY_KINDS = ['person', 'organisation'] as const;
export type PartyKind = (typeof PARTY_KINDS)[number];

export type CaseState = 'open' | 'closed' | 'archived';

/** A kept-for period: whole years, or for good. */
export type Period = { years: number } | { permanent: true };

export type CaseOfficer = { badge: string; name: string | null; role: 'lead' | 'assist'; addedAt: string; addedBy: string };

export type ArchiveDeadline = {
  rule: DeadlineSpec;
  /** End of the last day (ISO); null when the calendar cannot say (see `problem`). */
  deadline: string | null;
  /** e.g. { code: 'calendar.year_not_covered', params: { year: 2031 } }: shown, never guessed around. */
  problem: { code: string; params: Record<string, string | number | boolean | null> } | null;
  overdue: boolean;
};

export type Case = {
  id: string;
  number: number;
  caseNumber: string;
  title: string;
  enforcementType: EnforcementType;
  party: { kind: PartyKind; name: string; idNumber: string | null };
  description: string;
  fileRetention: Period;
  state: CaseState;
  openedAt: string;
  createdAt: string;
  createdBy: string;
  closedAt: string | null;
  closedBy: string | null;
  closeNote: string | null;
  archivedAt: string | null;
  archivedBy: string | null;
  archiveNote: string | null;
  officers: CaseOfficer[];
  /** Recordings linked now (not counting unlinked ones). */
  recordingCount: number;
  /** For a closed case not yet archived; null otherwise. */
  archive: ArchiveDeadline | null;
};

export type CaseLink = {
  id: number;
  caseId: string;
  recordingId: string;
  note: string;
  linkedAt: string;
  linkedBy: string;
  linkSeq: number;
  unlinkedAt: string | null;
  unlinkedBy: string | null;
  unlinkReason: string | null;
  unlinkSeq: number | null;
};
