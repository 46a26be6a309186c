// Help texts name the agency's own rule only through this suffix (issue 14 item 1): the texts themselves
// never cite a rule, so a station following another rule is never told about someone else's.
import { useTranslation } from 'react-i18next';
import { useRuleCitation, type RulePurpose } from './useRuleCitation.ts';

/** " 依据：《title》第N条。" for the chosen rule's article serving the purpose; empty when there is none. */
export function useRuleBasis(purpose: RulePurpose): string {
  const { t } = useTranslation();
  const citation = useRuleCitation(purpose);
  return citation ? t('ui:ruleBasis.suffix', { cite: citation }) : '';
}
