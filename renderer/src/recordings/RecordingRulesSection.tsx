import { Tag } from 'antd';
import { FieldsSection } from '../components/DrawerSection.tsx';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../components/formatTime.ts';
import { formatDuration } from '../components/formatDuration.ts';
import type { Recording } from './labels.tsx';
import { yesNo } from './recordingText.ts';

function ruleText(t: TFunction, rule: unknown): string {
  const r = rule as { hours?: number; workingDays?: number } | null;
  if (r && typeof r.hours === 'number') return t('ui:recording.ruleHours', { hours: r.hours });
  if (r && typeof r.workingDays === 'number') return t('ui:recording.ruleWorkingDays', { days: r.workingDays });
  return '—';
}

/** The hand-over rule and deadline that applied, and whether the recording was late or interrupted. */
export function RecordingRulesSection({ r }: { r: Recording }) {
  const { t } = useTranslation();
  return (
    <FieldsSection
      title={t('ui:recording.rules')}
      items={[
        { key: 'rule', label: t('ui:recording.handoverRule'), children: ruleText(t, r.handover.rule) },
        { key: 'deadline', label: t('ui:recording.handoverDeadline'), children: r.handover.deadline ? formatTime(r.handover.deadline) : '—' },
        {
          key: 'late',
          label: t('ui:recording.late'),
          children: r.handover.late ? <Tag color={r.handover.explained ? 'green' : 'red'}>{r.handover.explained ? t('ui:recording.lateExplained') : t('ui:recording.lateUnexplained')}</Tag> : yesNo(t, false),
        },
        {
          key: 'interruption',
          label: t('ui:recording.interruption'),
          children: r.interruption.flagged ? (
            <Tag color={r.interruption.explained ? 'green' : 'red'}>
              {t('ui:recording.interruptionDetail', { after: r.interruption.after ?? '—', gap: formatDuration(r.interruption.gapSeconds) })}
            </Tag>
          ) : (
            yesNo(t, false)
          ),
        },
      ]}
    />
  );
}
