import { Flex, Tag, Tooltip, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../components/formatTime.ts';
import { problemText } from '../components/problemText.ts';
import type { Case, CaseEvidence, CaseView, EnforcementType, Period } from '../../../electron/api/index.ts';

export type { Case, CaseEvidence, CaseView, EnforcementType, Period };
export type CaseState = Case['state'];
export type ArchiveDeadline = NonNullable<Case['archive']>;
export type DeadlineRule = ArchiveDeadline['rule'];

// Record<…> makes the compiler flag a type or state added in core but not presented here.
const TYPE_COLORS: Record<EnforcementType, string> = { penalty: 'volcano', permit: 'green', coercion: 'red', inspection: 'blue', expropriation: 'purple' };
const STATE_COLORS: Record<CaseState, string> = { open: 'processing', closed: 'warning', archived: 'default' };

/** 行政处罚 / 行政许可 / 行政强制 / 行政检查 / 行政征收征用, in the order the rules list them. */
export const ENFORCEMENT_TYPES = Object.keys(TYPE_COLORS) as EnforcementType[];
export const CASE_STATES = Object.keys(STATE_COLORS) as CaseState[];

export function EnforcementTag({ type }: { type: EnforcementType }) {
  const { t } = useTranslation();
  return (
    <Tag color={TYPE_COLORS[type]} style={{ marginInlineEnd: 0 }}>
      {t(`ui:cases.types.${type}`)}
    </Tag>
  );
}

export function CaseStateTag({ state }: { state: CaseState }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATE_COLORS[state]} data-testid="case-state" data-state={state} style={{ marginInlineEnd: 0 }}>
      {t(`ui:cases.states.${state}`)}
    </Tag>
  );
}

export function periodText(t: TFunction, p: Period): string {
  if ('permanent' in p) return t('ui:cases.period.permanent');
  return p.years === 1 ? t('ui:cases.period.oneYear') : t('ui:cases.period.years', { n: p.years });
}

export function deadlineRuleText(t: TFunction, rule: DeadlineRule): string {
  if ('workingDays' in rule) return t('ui:cases.rule.workingDays', { n: rule.workingDays });
  if ('hours' in rule) return t('ui:cases.rule.hours', { n: rule.hours });
  return t('ui:cases.rule.calendarDays', { n: rule.calendarDays });
}

/** The archive deadline of a closed case: date, overdue, or why there is none. */
export function ArchiveDeadlineText({
  archive,
  showRule = false,
}: {
  archive: { deadline: string | null; overdue: boolean; problem: { code: string; params: Record<string, unknown> } | null; rule?: DeadlineRule };
  showRule?: boolean;
}) {
  const { t } = useTranslation();
  if (!archive.deadline) {
    return (
      <Tooltip title={archive.problem ? problemText(t, archive.problem) : null}>
        <Tag color="warning" data-testid="archive-deadline" data-deadline="">
          {t('ui:cases.deadlineUnknown')}
        </Tag>
      </Tooltip>
    );
  }
  return (
    <Flex gap={6} align="center" wrap data-testid="archive-deadline" data-deadline={formatDate(archive.deadline)} data-overdue={archive.overdue ? 'true' : 'false'}>
      <span className="num">{formatDate(archive.deadline)}</span>
      {archive.overdue ? (
        <Tag color="error" style={{ marginInlineEnd: 0 }}>
          {t('ui:cases.overdue')}
        </Tag>
      ) : null}
      {showRule && archive.rule ? <Typography.Text type="secondary">{t('ui:cases.ruleApplied', { rule: deadlineRuleText(t, archive.rule) })}</Typography.Text> : null}
    </Flex>
  );
}
