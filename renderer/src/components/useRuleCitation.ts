// The agency's own rule, cited by title and article wherever the UI explains why (issue 14 item 1).
// One request per window: every help panel shares it, and a change in Station settings refreshes them all.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { invoke } from '../api.ts';
import { articleNumber } from './articles.ts';
import type { RulePurpose, RuleView } from '../../../electron/api/index.ts';

export type { RulePurpose, RuleView };

let pending: Promise<RuleView> | null = null;
let known: RuleView | null = null;
const listeners = new Set<(rule: RuleView | null) => void>();

function load(): Promise<RuleView> {
  pending ??= invoke('rules.current', {}).then(
    (rule) => {
      known = rule;
      for (const l of listeners) l(rule);
      return rule;
    },
    (e: unknown) => {
      // Not signed in yet, or the station is locked: ask again next time instead of caching the failure.
      pending = null;
      throw e;
    },
  );
  return pending;
}

/** After the admin changes the rule (or a different user signs in) every citation on screen is re-read. */
export function refreshAgencyRule(): void {
  pending = null;
  known = null;
  for (const l of listeners) l(null);
  void load().catch(() => undefined);
}

/** The agency's rule as the station reports it; null while loading or before sign-in. */
export function useAgencyRule(): RuleView | null {
  const [rule, setRule] = useState<RuleView | null>(known);
  useEffect(() => {
    listeners.add(setRule);
    if (!known) load().then(setRule, () => undefined);
    return () => {
      listeners.delete(setRule);
    };
  }, []);
  return rule;
}

/**
 * 《中阳县市场监督管理局行政执法全过程记录实施办法》第十九条 in Chinese; in English the title's English
 * rendering and "Art. 19". Null when no rule is chosen or the chosen rule has no article for the purpose.
 */
export function citeAgencyRule(t: TFunction, rule: RuleView | null, purpose: RulePurpose, lang: string): string | null {
  const article = rule?.chosen ? rule.articles[purpose] : undefined;
  if (!rule || !article) return null;
  if (lang === 'zh-CN') return t('ui:agencyRule.cite', { title: rule.title, article });
  const n = articleNumber(article) ?? arabicArticle(article);
  return t('ui:agencyRule.citeEn', { title: rule.titleEn ?? rule.title, article: n === null ? article : t('ui:agencyRule.articleEn', { n }) });
}

function arabicArticle(article: string): number | null {
  const m = /^第([0-9]+)条$/.exec(article);
  return m ? Number(m[1]) : null;
}

export function useRuleCitation(purpose: RulePurpose): string | null {
  const { t, i18n } = useTranslation();
  const rule = useAgencyRule();
  return citeAgencyRule(t, rule, purpose, i18n.language);
}
