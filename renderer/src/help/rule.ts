// Until the agency-rule setting lands (components/useRuleCitation.ts from the papers work), the help
// panel knows the purposes but cites nothing: it says that no rule has been chosen yet.
export type RulePurpose =
  | 'handover'
  | 'caseArchive'
  | 'retention'
  | 'caseEvidenceRetention'
  | 'longTermKeeping'
  | 'evidenceNote'
  | 'viewCopyApproval'
  | 'register'
  | 'noEditing'
  | 'destruction'
  | 'mandatoryRecording'
  | 'deviceCare'
  | 'discToCaseFile'
  | 'storageClassification'
  | 'interruption'
  | 'custody'
  | 'secrecy'
  | 'supervision'
  | 'approvalChain';

export function useAgencyRule(): { chosen: boolean } | null {
  return null;
}

export function useRuleCitation(purpose: RulePurpose): string | null {
  void purpose;
  return null;
}
