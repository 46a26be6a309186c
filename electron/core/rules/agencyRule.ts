// The agency's own rule (issue 14 item 1): a setting, not a constant. The admin picks one of the five
// shipped rules (resources/rules/catalogue.json) or enters the agency's own (title + the articles that set
// its figures); every paper, help text and CLI line then cites that rule by its title and 第N条, never by
// a file name and never another agency's rule.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StationError, fromSystemError } from '../errors.ts';
import { isRulePurpose, RULE_PURPOSES } from './purposes.ts';
import type { RulePurpose, RuleView } from './purposes.ts';

export type RuleArticle = { article: string; quote: string };

export type ShippedRule = {
  id: string;
  /** The rule's text in shared/regulations; internal, never printed. */
  file: string;
  title: string;
  titleEn?: string;
  issuer?: string;
  docNumber?: string;
  date?: string;
  effective?: string;
  articles: Partial<Record<RulePurpose, RuleArticle>>;
};

export type AgencyRuleSetting =
  | { kind: 'shipped'; id: string }
  | { kind: 'custom'; title: string; issuer?: string; docNumber?: string; date?: string; articles: Partial<Record<RulePurpose, string>> };

const catalogues = new Map<string, readonly ShippedRule[]>();

/** The shipped rules, read once per resources folder. */
export function loadRuleCatalogue(resourcesDir: string): readonly ShippedRule[] {
  const cached = catalogues.get(resourcesDir);
  if (cached) return cached;
  const path = join(resourcesDir, 'rules', 'catalogue.json');
  let raw: { rules: ShippedRule[] };
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as { rules: ShippedRule[] };
  } catch (e) {
    throw fromSystemError(e, path);
  }
  for (const rule of raw.rules) {
    for (const purpose of Object.keys(rule.articles)) {
      if (!isRulePurpose(purpose)) throw new StationError('state', 'rules.catalogue_invalid', { id: rule.id, purpose });
      if (!ARTICLE.test(rule.articles[purpose]!.article)) throw new StationError('state', 'rules.catalogue_invalid', { id: rule.id, purpose });
    }
  }
  catalogues.set(resourcesDir, raw.rules);
  return raw.rules;
}

/** 第十一条 (the rules' own numbering) or 第11条 as an agency may type it. */
const ARTICLE = /^第([零一二三四五六七八九十百]+|[0-9]{1,3})条$/;

/** Checks an admin's choice against the catalogue; refuses, changing nothing, what cannot be cited. */
export function validateRuleSetting(setting: AgencyRuleSetting, catalogue: readonly ShippedRule[]): AgencyRuleSetting {
  if (setting.kind === 'shipped') {
    if (!catalogue.some((r) => r.id === setting.id)) throw new StationError('input', 'rules.unknown', { id: setting.id });
    return { kind: 'shipped', id: setting.id };
  }
  const title = stripTitleMarks(setting.title);
  if (!title) throw new StationError('input', 'rules.title_required', {});
  const articles: Partial<Record<RulePurpose, string>> = {};
  for (const [purpose, article] of Object.entries(setting.articles)) {
    if (!isRulePurpose(purpose)) throw new StationError('input', 'rules.unknown_purpose', { purpose });
    const text = (article ?? '').replace(/\s+/g, '');
    if (!text) continue;
    if (!ARTICLE.test(text)) throw new StationError('input', 'rules.bad_article', { article: text });
    articles[purpose] = text;
  }
  const optional = (v: string | undefined): string | undefined => (v?.trim() ? v.trim() : undefined);
  return { kind: 'custom', title, issuer: optional(setting.issuer), docNumber: optional(setting.docNumber), date: optional(setting.date), articles };
}

/** 《…》 is added when citing; an admin who typed it gets it once, not twice. */
function stripTitleMarks(title: string): string {
  return title.trim().replace(/^《/, '').replace(/》$/, '').trim();
}

/** What every front end is told about the agency's rule. */
export function ruleView(setting: AgencyRuleSetting | null, catalogue: readonly ShippedRule[]): RuleView {
  if (!setting) return { chosen: false, id: null, title: '', articles: {} };
  if (setting.kind === 'custom') {
    return { chosen: true, id: 'custom', title: setting.title, issuer: setting.issuer, docNumber: setting.docNumber, date: setting.date, articles: { ...setting.articles } };
  }
  const rule = catalogue.find((r) => r.id === setting.id);
  if (!rule) return { chosen: false, id: null, title: '', articles: {} };
  const articles: Partial<Record<RulePurpose, string>> = {};
  for (const purpose of RULE_PURPOSES) {
    const a = rule.articles[purpose];
    if (a) articles[purpose] = a.article;
  }
  return { chosen: true, id: rule.id, title: rule.title, titleEn: rule.titleEn, issuer: rule.issuer, docNumber: rule.docNumber, date: rule.date, articles };
}

/** '《中阳县市场监督管理局行政执法全过程记录实施办法》第十九条', or null when the rule has no article for it. */
export function citeRule(view: RuleView, purpose: RulePurpose): string | null {
  const article = view.articles[purpose];
  if (!view.chosen || !article) return null;
  return `《${view.title}》${article}`;
}

/** The rule's file for a shipped rule; used only to pick the presets that rule sets, never printed. */
export function shippedRuleFile(setting: AgencyRuleSetting | null, catalogue: readonly ShippedRule[]): string | null {
  if (setting?.kind !== 'shipped') return null;
  return catalogue.find((r) => r.id === setting.id)?.file ?? null;
}

/**
 * Where a station's rule is read: the admin's setting and the shipped catalogue's folder. The
 * station itself fits; a service is given just these two.
 */
export type RuleSource = { settings: { get(key: 'rules.agencyRule'): AgencyRuleSetting | null }; paths: { resources: string } };

/** The agency's rule of a station, as set by its admin. */
export function stationRule(source: RuleSource): RuleView {
  return ruleView(source.settings.get('rules.agencyRule'), loadRuleCatalogue(source.paths.resources));
}

/** '《title》第N条' of the station's rule for a purpose, or null. */
export function citeStationRule(source: RuleSource, purpose: RulePurpose): string | null {
  return citeRule(stationRule(source), purpose);
}

/** One article of the agency's rule as papers and screens cite it. */
export type AgencyCitation = {
  title: string;
  titleEn?: string;
  article: string;
  /** The rule's own words, verbatim, where the station ships the rule's text; null for a custom rule. */
  quote: string | null;
  /** 《title》第N条 */
  text: string;
};

/** The articles of the station's rule for these purposes, each article once, in the order asked. */
export function stationCitations(source: RuleSource, purposes: readonly RulePurpose[]): AgencyCitation[] {
  const setting = source.settings.get('rules.agencyRule');
  const catalogue = loadRuleCatalogue(source.paths.resources);
  const view = ruleView(setting, catalogue);
  if (!view.chosen) return [];
  const shipped = setting?.kind === 'shipped' ? catalogue.find((r) => r.id === setting.id) : undefined;
  const out: AgencyCitation[] = [];
  for (const purpose of purposes) {
    const article = view.articles[purpose];
    if (!article) continue;
    const quote = shipped?.articles[purpose]?.quote ?? null;
    const same = out.find((c) => c.article === article);
    if (same) {
      // Two purposes served by one article: one citation, both of the rule's phrases.
      if (quote && same.quote && !same.quote.includes(quote)) same.quote = `${same.quote}……${quote}`;
      continue;
    }
    out.push({ title: view.title, ...(view.titleEn ? { titleEn: view.titleEn } : {}), article, quote, text: `《${view.title}》${article}` });
  }
  return out;
}

const CN_DIGITS: Record<string, number> = { 零: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 第二十六条 or 第26条 → 26, for the English line of a bilingual paper; null if it is not an article. */
export function articleNumber(article: string): number | null {
  const m = ARTICLE.exec(article.trim());
  if (!m) return null;
  if (/^[0-9]+$/.test(m[1]!)) return Number(m[1]);
  let total = 0;
  let current = 0;
  for (const ch of m[1]!) {
    if (ch === '十' || ch === '百') {
      total += (current || 1) * (ch === '十' ? 10 : 100);
      current = 0;
    } else current = CN_DIGITS[ch] ?? 0;
  }
  return total + current;
}

/**
 * The line a bilingual paper prints under its title: which articles of the agency's rule it serves.
 * Null when no rule is chosen or the rule has none of these articles.
 */
export function ruleBasis(source: RuleSource, purposes: readonly RulePurpose[]): { zh: string; en: string } | null {
  const cites = stationCitations(source, purposes);
  if (!cites.length) return null;
  const first = cites[0]!;
  const numbers = cites.map((c) => articleNumber(c.article) ?? c.article);
  return {
    zh: `依据《${first.title}》${cites.map((c) => c.article).join('、')}`,
    en: `Under ${first.titleEn ?? first.title}, Art. ${numbers.join(', ')}`,
  };
}

/**
 * The presets a settings screen offers (issue 14 item 1): those the agency's shipped rule sets; with the
 * agency's own rule, or none chosen yet, every preset, since the station cannot tell which one it sets.
 */
export function offeredPresets<P extends { citations: readonly { file: string }[] }>(source: RuleSource, presets: readonly P[]): P[] {
  const file = shippedRuleFile(source.settings.get('rules.agencyRule'), loadRuleCatalogue(source.paths.resources));
  if (!file) return [...presets];
  const own = presets.filter((p) => p.citations.some((c) => c.file === file));
  return own.length ? own : [...presets];
}
