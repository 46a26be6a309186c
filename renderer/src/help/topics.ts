// What each screen is for is in ui:help.screens.<screen>; which points of the agency's rule it
// serves is here, as purposes, so the help panel cites whichever rule the agency has chosen
// (issue 14 item 18). The purposes and their articles in the five shipped rules are listed in
// ../shared/regulations/README.md (e.g. handover: 000_f52585dae22cddca.txt 第十一条).
import type { RulePurpose } from '../components/useRuleCitation.ts';

export const SCREEN_PURPOSES: Record<string, readonly RulePurpose[]> = {
  dashboard: ['caseArchive', 'handover', 'interruption', 'supervision'],
  dock: ['handover', 'interruption', 'storageClassification', 'noEditing', 'custody', 'deviceCare'],
  recordings: ['storageClassification', 'secrecy', 'noEditing'],
  requests: ['viewCopyApproval', 'approvalChain', 'secrecy'],
  cases: ['evidenceNote', 'caseArchive', 'caseEvidenceRetention'],
  burn: ['discToCaseFile', 'longTermKeeping', 'evidenceNote'],
  retention: ['retention', 'caseEvidenceRetention', 'longTermKeeping', 'destruction'],
  register: ['register', 'viewCopyApproval'],
  reports: ['supervision'],
  replica: ['noEditing', 'retention'],
  ledger: ['noEditing', 'register', 'supervision'],
  users: ['custody', 'approvalChain'],
  settings: ['handover', 'caseArchive', 'retention'],
};

/** Glossary entries, in the order shown; each has ui:glossary.<id>.{zh,en,definition}. */
export const GLOSSARY_TERMS = [
  'recording',
  'recorder',
  'ingest',
  'vault',
  'handover',
  'late',
  'interruption',
  'explanation',
  'case',
  'caseArchive',
  'evidenceNote',
  'view',
  'copy',
  'burn',
  'approval',
  'register',
  'classification',
  'retention',
  'hold',
  'extension',
  'destructionBatch',
  'shredding',
  'certificate',
  'ledger',
  'checkpoint',
  'proof',
  'replica',
  'witness',
  'workingDay',
  'onDuty',
] as const;

export const GLOSSARY_ROLES = ['clerk', 'custodian', 'approver', 'auditor', 'admin'] as const;
