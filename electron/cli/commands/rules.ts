// The agency's own rule (issue 14 item 1) from the command line: which one applies, the shipped ones to pick
// from, and the admin's choice (a shipped rule, or the agency's own with the articles that set its figures).
import { StationError } from '../../api/server.ts';
import { isRulePurpose, RULE_PURPOSES, type RulePurpose } from '../../api/index.ts';
import type { CliCommand, CliContext } from './types.ts';
import { str } from './format.ts';

type RuleInput = { kind: 'shipped'; id: string } | { kind: 'custom'; title: string; issuer?: string; docNumber?: string; date?: string; articles: Partial<Record<RulePurpose, string>> };

/** --rule ID, or --rule custom --rule-title T --rule-article purpose=第N条 … (also used by `station init`). */
export function ruleFromArgs(args: CliContext['args'], id: string | undefined): RuleInput | undefined {
  if (!id) return undefined;
  if (id !== 'custom') return { kind: 'shipped', id };
  const articles: Partial<Record<RulePurpose, string>> = {};
  const given = args['rule-article'];
  for (const pair of (Array.isArray(given) ? given : given === undefined ? [] : [given]).map(String)) {
    const at = pair.indexOf('=');
    const purpose = pair.slice(0, at).trim();
    if (at < 1 || !isRulePurpose(purpose)) throw new StationError('input', 'cli.bad_rule_article', { value: pair, purposes: RULE_PURPOSES.join(', ') });
    articles[purpose] = pair.slice(at + 1).trim();
  }
  const optional = (name: string) => (str(args[name]) ? { [name === 'rule-issuer' ? 'issuer' : name === 'rule-doc-number' ? 'docNumber' : 'date']: str(args[name])! } : {});
  return { kind: 'custom', title: str(args['rule-title']) ?? '', ...optional('rule-issuer'), ...optional('rule-doc-number'), ...optional('rule-date'), articles };
}

export const RULE_OPTIONS = {
  'rule-title': { type: 'string' },
  'rule-issuer': { type: 'string' },
  'rule-doc-number': { type: 'string' },
  'rule-date': { type: 'string' },
  'rule-article': { type: 'string', multiple: true },
} as const;

function ruleText(t: CliContext['t'], r: { title: string; issuer?: string | undefined; docNumber?: string | undefined; date?: string | undefined; articles: Partial<Record<string, string>> }): string {
  const head = [`《${r.title}》`, r.docNumber, r.issuer, r.date].filter(Boolean).join('  ');
  const lines = RULE_PURPOSES.filter((p) => r.articles[p]).map((p) => `    ${r.articles[p]}  ${t(`rules.purposes.${p}`)}`);
  return [head, ...lines].join('\n');
}

export const ruleCommands: CliCommand[] = [
  {
    words: ['rules'],
    synopsis: '',
    positionals: [],
    options: {},
    login: true,
    unlock: 'never',
    async run({ client, t, print }) {
      const current = await client.invoke('rules.current', {});
      const catalogue = await client.invoke('rules.catalogue', {});
      const out = [current.chosen ? `${t('rules.current')}\n  ${ruleText(t, current).replace(/\n/g, '\n  ')}` : t('rules.none'), '', t('rules.shipped')];
      for (const r of catalogue) out.push(`  ${r.id}  《${r.title}》${r.issuer ? `  ${r.issuer}` : ''}`);
      print(out.join('\n'), { current, catalogue });
    },
  },
  {
    words: ['rules', 'set'],
    synopsis: 'ID | custom --rule-title TITLE [--rule-issuer X] [--rule-doc-number X] [--rule-date X] --rule-article PURPOSE=第N条 …',
    positionals: ['ID'],
    options: RULE_OPTIONS,
    login: true,
    unlock: 'never',
    async run({ client, t, print, args, positionals }) {
      const rule = ruleFromArgs(args, positionals[0]);
      if (!rule) throw new StationError('input', 'cli.bad_rule_article', { value: '', purposes: RULE_PURPOSES.join(', ') });
      const view = await client.invoke('rules.set', { rule });
      print(`${t('rules.set_done')}\n  ${ruleText(t, view).replace(/\n/g, '\n  ')}`, view);
    },
  },
];
