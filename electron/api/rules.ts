// The agency's own rule (issue 14 item 1): the shipped catalogue, the current choice, and the admin's change.
import { z } from 'zod';
import { anyone, command, roles, signedIn } from './command.ts';
import { loadRuleCatalogue, stationRule, validateRuleSetting } from '../core/rules/agencyRule.ts';
import { RULE_PURPOSES } from '../core/rules/purposes.ts';
import type { RulePurpose } from '../core/rules/purposes.ts';

const purposeArticles = z.partialRecord(z.enum(RULE_PURPOSES), z.string().max(20));

export const ruleSettingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('shipped'), id: z.string().min(1).max(16) }).strict(),
  z
    .object({
      kind: z.literal('custom'),
      title: z.string().trim().min(1).max(200),
      issuer: z.string().max(200).optional(),
      docNumber: z.string().max(100).optional(),
      date: z.string().max(40).optional(),
      articles: purposeArticles,
    })
    .strict(),
]);

export const ruleHandlers = {
  // Public: the setup wizard lists the shipped rules before anyone can sign in.
  'rules.catalogue': command({
    input: z.object({}).strict(),
    access: anyone,
    mutates: false,
    run: ({ station }) =>
      loadRuleCatalogue(station.paths.resources).map((r) => ({
        id: r.id,
        title: r.title,
        titleEn: r.titleEn,
        issuer: r.issuer,
        docNumber: r.docNumber,
        date: r.date,
        effective: r.effective,
        articles: Object.fromEntries(Object.entries(r.articles).map(([p, a]) => [p, a.article])) as Partial<Record<RulePurpose, string>>,
        quotes: Object.fromEntries(Object.entries(r.articles).map(([p, a]) => [p, a.quote])) as Partial<Record<RulePurpose, string>>,
      })),
  }),
  'rules.current': command({
    input: z.object({}).strict(),
    access: signedIn,
    mutates: false,
    run: ({ station }) => stationRule(station),
  }),
  'rules.set': command({
    input: z.object({ rule: ruleSettingSchema }).strict(),
    access: roles('admin'),
    mutates: true,
    run: ({ station, actor }, { rule }) => {
      const valid = validateRuleSetting(rule, loadRuleCatalogue(station.paths.resources));
      station.write(() => station.settings.set(station.ledger, actor.username, 'rules.agencyRule', valid));
      return stationRule(station);
    },
  }),
};
