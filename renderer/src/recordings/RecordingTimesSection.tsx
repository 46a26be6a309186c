import type { HTMLAttributes } from 'react';
import { Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { SectionTitle } from '../components/DrawerSection.tsx';
import { formatTime } from '../components/formatTime.ts';
import type { Recording } from './labels.tsx';

/** The three times a recording may carry (name, metadata, file system), which one was used and why, and what disagrees. */
export function RecordingTimesSection({ r }: { r: Recording }) {
  const { t } = useTranslation();
  const timeRow = (source: 'name' | 'metadata' | 'filesystem', value: string | null, extra?: string | null) => ({
    key: source,
    source,
    value,
    extra: extra ?? null,
    used: r.recordedAtSource === source,
  });
  return (
    <>
      <SectionTitle>{t('ui:recording.times')}</SectionTitle>
      <Typography.Paragraph type="secondary">{t('ui:recording.timesHint')}</Typography.Paragraph>
      <Table
        size="small"
        pagination={false}
        data-testid="recording-times"
        rowKey="key"
        dataSource={[timeRow('name', r.times.name, r.times.nameRaw), timeRow('metadata', r.times.metadata, r.times.metadataSource), timeRow('filesystem', r.times.filesystem)]}
        onRow={(row) => ({ 'data-source': row.source }) as HTMLAttributes<HTMLElement>}
        columns={[
          { key: 'source', title: t('ui:recording.timeSource'), width: 170, render: (_: unknown, row) => t(`ui:recording.timeSources.${row.source}`) },
          { key: 'value', title: t('ui:recording.timeValue'), render: (_: unknown, row) => (row.value ? formatTime(row.value) : <Typography.Text type="secondary">{t('ui:recording.timeNone')}</Typography.Text>) },
          { key: 'extra', title: t('ui:recording.timeDetail'), render: (_: unknown, row) => (row.extra ? <span className="mono">{row.extra}</span> : null) },
          { key: 'used', title: t('ui:recording.timeUsed'), width: 110, render: (_: unknown, row) => (row.used ? <Tag color="blue">{t('ui:recording.timeUsedTag')}</Tag> : null) },
        ]}
      />

      {r.timeChecks.recordedAtReason ? (
        <Typography.Paragraph data-testid="recording-recorded-at-reason" style={{ marginTop: 8 }}>
          {t(`ui:media.recordedAtReason.${r.timeChecks.recordedAtReason.code}`, {
            source: r.recordedAtSource ? t(`ui:recording.timeSources.${r.recordedAtSource}`) : '—',
            passed: r.timeChecks.recordedAtReason.passedOver.map((s) => t(`ui:recording.timeSources.${s}`)).join(t('ui:dock.listSeparator')),
          })}
        </Typography.Paragraph>
      ) : null}
      {r.timeChecks.inFuture.map((f) => (
        <Typography.Paragraph key={`future-${f.source}`} type="warning" data-testid="recording-time-in-future">
          {t('ui:media.timeInFuture', { source: t(`ui:recording.timeSources.${f.source}`), time: formatTime(f.time), hours: (f.aheadSeconds / 3600).toFixed(1) })}
        </Typography.Paragraph>
      ))}
      {r.timeChecks.mismatch.map((m) => (
        <Typography.Paragraph key={`mismatch-${m.a}-${m.b}`} type="warning" data-testid="recording-time-mismatch">
          {t('ui:media.timeMismatch', { a: t(`ui:recording.timeSources.${m.a}`), b: t(`ui:recording.timeSources.${m.b}`), minutes: Math.round(m.seconds / 60) })}
        </Typography.Paragraph>
      ))}
      {r.clockDrift ? (
        <Typography.Paragraph type={r.flags.includes('clock_drift') ? 'warning' : 'secondary'} data-testid="recording-clock-drift">
          {t(r.clockDrift.source.startsWith('estimate:') ? 'ui:media.clockDriftEstimate' : 'ui:media.clockDrift', { seconds: r.clockDrift.seconds, minutes: Math.round(r.clockDrift.seconds / 60) })}
        </Typography.Paragraph>
      ) : null}
      {r.handover.deadlineUnknown ? (
        <Typography.Paragraph type="warning" data-testid="recording-deadline-unknown">
          {t('ui:media.flagHints.deadline_unknown')}
        </Typography.Paragraph>
      ) : null}
    </>
  );
}
