// What an article of the agency's rule is cited for. Every paper, help panel and CLI line that names
// a rule asks for the article serving one of these purposes, so a station following another rule
// cites that rule's own article (or nothing, when its rule is silent on the point).
// Pure: imported by core, api and the renderer alike.

export const RULE_PURPOSES = [
  /** Handing a recording over to the station within the deadline (e.g. 24 h or 2 working days). */
  'handover',
  /** Making the case file (立卷归档) within its deadline. */
  'caseArchive',
  /** How long recordings used in no case are kept. */
  'retention',
  /** Recordings in a case are kept as long as the case file. */
  'caseEvidenceRetention',
  /** Keeping recordings long-term on discs or removable media (disputed, obstructed, major cases). */
  'longTermKeeping',
  /** The written note naming who took the evidence, when and where. */
  'evidenceNote',
  /** Viewing or copying needs the head's approval. */
  'viewCopyApproval',
  /** The custodian registers viewer, copier, approver, time and reason. */
  'register',
  /** No forging, editing, cutting or deleting of originals. */
  'noEditing',
  /** Destruction once the period has run (and never within it). */
  'destruction',
  /** Situations that must be recorded on audio/video. */
  'mandatoryRecording',
  /** Device care: battery and storage checks, faults reported. */
  'deviceCare',
  /** Evidence burned to disc and attached to the paper case file. */
  'discToCaseFile',
  /** Storage classified by agency, recorder, officer, case, party, record and storage dates. */
  'storageClassification',
  /** An interrupted recording is explained when it resumes. */
  'interruption',
  /** A named person keeps the records (专人负责). */
  'custody',
  /** State secrets, business secrets and privacy. */
  'secrecy',
  /** Supervisors review records. */
  'supervision',
  /** Internal approval chain 承办人→审核人→批准人. */
  'approvalChain',
] as const;

export type RulePurpose = (typeof RULE_PURPOSES)[number];

/** The agency's rule as every front end sees it; `articles` are in the rule's own numbering ('第十一条'). */
export type RuleView = {
  /** True once the admin has picked a shipped rule or entered the agency's own. */
  chosen: boolean;
  /** Shipped rule id ('000'…'004') or 'custom'; null until chosen. */
  id: string | null;
  title: string;
  /** English rendering of the title, for the en locale; the Chinese title is the one papers print. */
  titleEn?: string;
  issuer?: string;
  docNumber?: string;
  date?: string;
  articles: Partial<Record<RulePurpose, string>>;
};

export function isRulePurpose(value: string): value is RulePurpose {
  return (RULE_PURPOSES as readonly string[]).includes(value);
}
