// Choosing the agency's own rule (issue 14 item 1): one of the shipped rules, with what each article sets, or
// the agency's own rule by title and the articles that set its figures. Used by the first-run setup and by
// Station settings; every citation in the station then names this rule.
import { Descriptions, Flex, Input, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { articleNumber } from '../components/articles.ts';
import type { Input as ApiInput, Output } from '../api.ts';
import type { RulePurpose } from '../components/useRuleCitation.ts';

export type RuleSetting = NonNullable<ApiInput<'station.init'>['rule']>;
export type ShippedRule = Output<'rules.catalogue'>[number];

/** The purposes an agency's own rule is asked for: the ones that set the station's figures and papers. */
export const CUSTOM_PURPOSES: readonly RulePurpose[] = ['handover', 'caseArchive', 'retention', 'caseEvidenceRetention', 'longTermKeeping', 'destruction', 'evidenceNote', 'discToCaseFile', 'viewCopyApproval', 'register', 'noEditing', 'interruption'];

function articleText(article: string, lang: string, t: (k: string, o?: Record<string, unknown>) => string): string {
  const n = articleNumber(article);
  return lang === 'zh-CN' || n === null ? article : t('ui:agencyRule.articleEn', { n });
}

export function RulePicker({ value, onChange, catalogue, allowNone, disabled, testId = 'rule-picker' }: { value: RuleSetting | null | undefined; onChange: (v: RuleSetting | null) => void; catalogue: ShippedRule[]; allowNone?: boolean; disabled?: boolean; testId?: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const selected = value?.kind === 'custom' ? 'custom' : (value?.id ?? (allowNone ? 'none' : undefined));
  const shipped = value?.kind === 'shipped' ? catalogue.find((r) => r.id === value.id) : undefined;
  const custom = value?.kind === 'custom' ? value : null;
  const setCustom = (patch: Partial<Extract<RuleSetting, { kind: 'custom' }>>) =>
    onChange({ kind: 'custom', title: '', articles: {}, ...(custom ?? {}), ...patch } as RuleSetting);
  const options = [
    ...(allowNone ? [{ value: 'none', label: t('ui:agencyRule.chooseLater') }] : []),
    ...catalogue.map((r) => ({ value: r.id, label: lang === 'zh-CN' ? t('ui:agencyRule.titleQuoted', { title: r.title }) : (r.titleEn ?? r.title) })),
    { value: 'custom', label: t('ui:agencyRule.custom') },
  ];
  return (
    <Flex vertical gap={12} data-testid={testId}>
      <Select
        value={selected}
        disabled={disabled}
        placeholder={t('ui:agencyRule.placeholder')}
        options={options}
        onChange={(v: string) => onChange(v === 'none' ? null : v === 'custom' ? { kind: 'custom', title: '', articles: {} } : { kind: 'shipped', id: v })}
        data-testid={`${testId}-select`}
        style={{ width: '100%' }}
        popupMatchSelectWidth={false}
      />
      {shipped ? (
        <Descriptions
          size="small"
          column={1}
          bordered
          data-testid={`${testId}-articles`}
          items={[
            { key: 'title', label: t('ui:agencyRule.title'), children: lang === 'zh-CN' ? t('ui:agencyRule.titleQuoted', { title: shipped.title }) : (shipped.titleEn ?? shipped.title) },
            { key: 'issuer', label: t('ui:agencyRule.issuer'), children: shipped.issuer ?? t('ui:agencyRule.notStated') },
            { key: 'doc', label: t('ui:agencyRule.docNumber'), children: shipped.docNumber ?? t('ui:agencyRule.notStated') },
            ...(Object.entries(shipped.articles) as [RulePurpose, string][]).map(([purpose, article]) => ({
              key: purpose,
              label: t(`ui:agencyRule.purposes.${purpose}`),
              children: articleText(article, lang, t),
            })),
          ]}
        />
      ) : null}
      {custom ? (
        <Flex vertical gap={8} data-testid={`${testId}-custom`}>
          <Input value={custom.title} onChange={(e) => setCustom({ title: e.target.value })} placeholder={t('ui:agencyRule.titlePlaceholder')} data-testid={`${testId}-title`} />
          <Flex gap={8}>
            <Input value={custom.issuer ?? ''} onChange={(e) => setCustom({ issuer: e.target.value })} placeholder={t('ui:agencyRule.issuer')} data-testid={`${testId}-issuer`} />
            <Input value={custom.docNumber ?? ''} onChange={(e) => setCustom({ docNumber: e.target.value })} placeholder={t('ui:agencyRule.docNumber')} data-testid={`${testId}-doc-number`} />
            <Input value={custom.date ?? ''} onChange={(e) => setCustom({ date: e.target.value })} placeholder={t('ui:agencyRule.date')} data-testid={`${testId}-date`} />
          </Flex>
          <Typography.Text type="secondary">{t('ui:agencyRule.articlesHint')}</Typography.Text>
          {CUSTOM_PURPOSES.map((purpose) => (
            <Flex key={purpose} gap={8} align="center">
              <span style={{ flex: 1 }}>{t(`ui:agencyRule.purposes.${purpose}`)}</span>
              <Input
                style={{ width: 140 }}
                value={custom.articles[purpose] ?? ''}
                onChange={(e) => setCustom({ articles: { ...custom.articles, [purpose]: e.target.value } })}
                placeholder={t('ui:agencyRule.articlePlaceholder')}
                data-testid={`${testId}-article-${purpose}`}
              />
            </Flex>
          ))}
        </Flex>
      ) : null}
    </Flex>
  );
}
