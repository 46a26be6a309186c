import { Flex, Tag, Typography } from 'antd';
import { FieldsSection } from '../components/DrawerSection.tsx';
import { useTranslation } from 'react-i18next';
import type { Output } from '../api.ts';
import { HashText } from '../components/HashText.tsx';
import { formatTime } from '../components/formatTime.ts';
import { formatDuration } from '../components/formatDuration.ts';
import { formatBytes } from '../components/formatBytes.ts';
import { kindLabel, officerText } from './labels.tsx';
import { yesNo } from './recordingText.ts';

type Detail = Output<'recording.get'>;

/** Every catalogue field of a recording (000 第十条), with where each value came from. */
export function RecordingFieldsSection({ detail }: { detail: Detail }) {
  const { t, i18n } = useTranslation();
  const r = detail.recording;
  return (
    <FieldsSection
      first
      title={t('ui:recording.catalogue')}
      testId="recording-fields"
      items={[
        { key: 'agency', label: t('ui:recording.agency'), span: 2, children: `${r.agencyName} (${r.agencyCode})` },
        {
          key: 'recorder',
          label: t('ui:recording.recorder'),
          children: (
            <>
              <span className="mono">{r.recorderSerial ?? t('ui:recordings.unknown')}</span>{' '}
              {r.recorderSource ? <Tag>{t(`ui:recording.sources.${r.recorderSource}`)}</Tag> : null}
              {r.recorderSerial && !r.recorderRegistered ? <Tag color="orange">{t('ui:recording.unregistered')}</Tag> : null}
            </>
          ),
        },
        {
          key: 'officer',
          label: t('ui:recording.officer'),
          children: (
            <>
              {officerText(t, r)} {r.officerSource ? <Tag>{t(`ui:recording.sources.${r.officerSource}`)}</Tag> : null}
            </>
          ),
        },
        { key: 'case', label: t('ui:recording.case'), children: r.caseId ?? r.nameCaseNumber ?? '—' },
        { key: 'party', label: t('ui:recording.party'), children: r.party ?? '—' },
        {
          key: 'recordedAt',
          label: t('ui:recording.recordedAt'),
          children: r.recordedAt ? (
            <>
              {formatTime(r.recordedAt)} {r.recordedAtSource ? <Tag color="blue">{t(`ui:recording.timeSources.${r.recordedAtSource}`)}</Tag> : null}
            </>
          ) : (
            '—'
          ),
        },
        { key: 'recordedEnd', label: t('ui:recording.recordedEndAt'), children: r.recordedEndAt ? formatTime(r.recordedEndAt) : '—' },
        { key: 'storedAt', label: t('ui:recording.storedAt'), children: formatTime(r.storedAt) },
        { key: 'important', label: t('ui:recording.important'), children: yesNo(t, r.important) },
        { key: 'kind', label: t('ui:recording.kind'), children: `${kindLabel(t, r.kind)} · ${r.format}` },
        { key: 'duration', label: t('ui:recording.duration'), children: formatDuration(r.durationSeconds) },
        { key: 'dimensions', label: t('ui:recording.dimensions'), children: r.width && r.height ? `${r.width} × ${r.height}` : '—' },
        { key: 'codecs', label: t('ui:recording.codecs'), children: [r.videoCodec, r.audioCodec].filter(Boolean).join(' / ') || '—' },
        { key: 'size', label: t('ui:recording.size'), children: `${formatBytes(r.size)} (${r.size.toLocaleString(i18n.language)})` },
        {
          key: 'nameRule',
          label: t('ui:recording.nameRule'),
          children: (
            <span className="mono" title={r.nameRulesMatched ? t('ui:media.nameRulesMatched', { rules: r.nameRulesMatched.map((m) => m.rule).join(', ') || '—' }) : undefined}>
              {r.nameRule}
              {r.nameRulesMatched && r.nameRulesMatched.length > 1 ? ` (+${r.nameRulesMatched.slice(1).map((m) => m.rule).join(', ')})` : ''}
            </span>
          ),
        },
        { key: 'sequence', label: t('ui:recording.sequence'), children: r.nameSequence ?? '—' },
        { key: 'sha256', label: t('ui:recording.sha256'), span: 2, children: <HashText value={r.sha256} testId="recording-sha256" /> },
        { key: 'object', label: t('ui:recording.object'), span: 2, children: <span className="mono">{r.objectId}</span> },
        {
          key: 'source',
          label: t('ui:recording.source'),
          span: 2,
          children: (
            <Flex vertical>
              <span className="mono">{r.source.path}</span>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('ui:recording.sourceDetail', { kind: t(`ui:recording.sourceKinds.${r.source.kind}`), root: r.source.root, device: r.source.device ?? '—' })}
              </Typography.Text>
            </Flex>
          ),
        },
        { key: 'session', label: t('ui:recording.session'), children: t('ui:dock.sessionNo', { id: r.sessionId }) },
        { key: 'ingestedBy', label: t('ui:recording.ingestedBy'), children: r.ingestedBy },
        { key: 'ingestSeq', label: t('ui:recording.ingestSeq'), children: <span className="num">{r.ingestSeq}</span> },
        { key: 'duplicateOf', label: t('ui:recording.duplicateOf'), children: r.duplicateOf ?? (detail.duplicates.length > 0 ? t('ui:recording.duplicates', { ids: detail.duplicates.join(', ') }) : '—') },
        { key: 'changed', label: t('ui:recording.changedDuringRead'), children: yesNo(t, r.changedDuringRead) },
        { key: 'sourceDeleted', label: t('ui:recording.sourceDeletedAt'), children: r.sourceDeletedAt ? formatTime(r.sourceDeletedAt) : '—' },
        ...(r.parseProblem
          ? [{ key: 'problem', label: t('ui:recording.parseProblem'), span: 2, children: <span className="mono">{`${r.parseProblem.reason}: ${r.parseProblem.detail}`}</span> }]
          : []),
      ]}
    />
  );
}
