import { useCallback, useEffect, useState, type HTMLAttributes, type ReactNode } from 'react';
import { Alert, App, Button, Descriptions, Drawer, Empty, Flex, Spin, Table, Tag, Timeline, Typography } from 'antd';
import { EyeOutlined, FileProtectOutlined, FormOutlined, LockOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type LedgerEntry, type Output, type User } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { HashText } from '../components/HashText.tsx';
import { DetailSummary } from '../components/DetailFields.tsx';
import { actionLabel, actorLabel } from '../ledger/labels.ts';
import { formatTime } from '../components/formatTime.ts';
import { formatDuration } from '../components/formatDuration.ts';
import { formatBytes } from '../components/formatBytes.ts';
import { ClassifyDialog } from './ClassifyDialog.tsx';
import { ExplainDialog, explanationKinds } from './ExplainDialog.tsx';
import { FlagTags, classificationColor, classificationFromHistory, kindLabel, officerText, type Recording } from './labels.tsx';
import { REQUESTER_ROLES as REQUESTERS } from '../roles.ts';

type Detail = Output<'recording.get'>;
export type RequestKind = 'view' | 'copy' | 'burn';


/** A short, translated line for a history entry; the full details stay one click away in the ledger. */
function historySummary(t: ReturnType<typeof useTranslation>['t'], e: LedgerEntry): ReactNode {
  const d = e.details as Record<string, unknown>;
  switch (e.action) {
    case 'recording.explained':
      return (
        <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }} data-testid="history-explanation">
          <Tag>{t(`ui:explain.kinds.${String(d.kind)}`, { defaultValue: String(d.kind) })}</Tag>
          {String(d.text ?? '')}
        </Typography.Paragraph>
      );
    case 'recording.classified':
      return t('ui:recording.historyClassified', {
        from: d.from ? t(`ui:classification.${String(d.from)}`) : t('ui:classification.none'),
        to: d.to ? t(`ui:classification.${String(d.to)}`) : t('ui:classification.none'),
        note: String(d.note ?? ''),
      });
    case 'view.started':
    case 'view.spot_check':
      return t('ui:recording.historyView', { purpose: String(d.purpose ?? ''), request: String(d.requestId ?? '—') });
    case 'view.ended':
      return t('ui:recording.historyViewEnded', { watched: formatDuration(typeof d.watchedSeconds === 'number' ? d.watchedSeconds : null), open: formatDuration(typeof d.openSeconds === 'number' ? d.openSeconds : null) });
    case 'recording.flagged':
      return t('ui:recording.historyFlagged', { after: String(d.after ?? '—'), gap: formatDuration(typeof d.gapSeconds === 'number' ? d.gapSeconds : null) });
    default:
      // One line of named fields; every field one click away, never the raw JSON.
      return <DetailSummary details={e.details} />;
  }
}

function ruleText(t: ReturnType<typeof useTranslation>['t'], rule: unknown): string {
  const r = rule as { hours?: number; workingDays?: number } | null;
  if (r && typeof r.hours === 'number') return t('ui:recording.ruleHours', { hours: r.hours });
  if (r && typeof r.workingDays === 'number') return t('ui:recording.ruleWorkingDays', { days: r.workingDays });
  return '—';
}

function yesNo(t: ReturnType<typeof useTranslation>['t'], v: boolean): string {
  return v ? t('ui:recording.yes') : t('ui:recording.no');
}

/**
 * One recording with every catalogue field (000 第十条), the three times and which was used, its
 * flags and explanations, its classification and its full ledger history.
 */
export function RecordingDrawer({
  id,
  user,
  onClose,
  onChanged,
  onRequest,
  onSpotCheck,
}: {
  id: string | null;
  user: User;
  onClose: () => void;
  onChanged: () => void;
  onRequest: (kind: RequestKind, ids: string[]) => void;
  onSpotCheck: (recording: Recording) => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [dialog, setDialog] = useState<'explain' | 'classify' | null>(null);
  const custodian = user.roles.includes('custodian');
  const requester = user.roles.some((r) => REQUESTERS.includes(r));
  const auditor = user.roles.includes('auditor');

  const load = useCallback(async (rid: string) => {
    try {
      setDetail(await invoke('recording.get', { id: rid }));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, []);

  useEffect(() => {
    if (id === null) return;
    setDetail(null);
    setError(null);
    void load(id);
  }, [id, load]);

  const r = detail?.recording;
  const classification = detail ? classificationFromHistory(detail.history) : null;
  const timeRow = (source: 'name' | 'metadata' | 'filesystem', value: string | null, extra?: string | null) => ({
    key: source,
    source,
    value,
    extra: extra ?? null,
    used: r?.recordedAtSource === source,
  });

  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size={820}
      destroyOnHidden
      title={id ? t('ui:recording.title', { id }) : null}
      data-testid="recording-drawer"
      extra={
        r ? (
          <Flex gap={8}>
            {auditor ? (
              <Button icon={<EyeOutlined />} onClick={() => onSpotCheck(r)} data-testid="recording-spot-check">
                {t('ui:recording.spotCheck')}
              </Button>
            ) : null}
            {requester ? (
              <Button type="primary" icon={<FileProtectOutlined />} onClick={() => onRequest('view', [r.id])} data-testid="recording-request">
                {t('ui:recording.request')}
              </Button>
            ) : null}
          </Flex>
        ) : null
      }
    >
      <ErrorAlert error={error} />
      {!detail && !error ? <Spin /> : null}
      {r && detail ? (
        <div data-testid="recording-detail" data-id={r.id}>
          <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
            <Typography.Text strong className="mono">
              {r.originalName}
            </Typography.Text>
            <FlagTags recording={r} all />
            {classification?.value ? (
              <Tag color={classificationColor(classification.value)} icon={<LockOutlined />} data-testid="recording-classification">
                {t(`ui:classification.${classification.value}`)}
              </Tag>
            ) : null}
          </Flex>

          {r.destroyed ? (
            <Alert
              type="error"
              showIcon
              style={{ marginBottom: 16 }}
              title={t('ui:destroyed.detail', { at: formatTime(r.destroyed.at), batch: r.destroyed.batchId, by: r.destroyed.by })}
              data-testid="recording-destroyed"
            />
          ) : null}
          {r.flags.includes('needs_explanation') ? (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              title={t('ui:recording.needsExplanation')}
              action={
                custodian ? (
                  <Button size="small" type="primary" icon={<FormOutlined />} onClick={() => setDialog('explain')} data-testid="recording-explain">
                    {t('ui:dock.writeExplanation')}
                  </Button>
                ) : null
              }
            />
          ) : null}

          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {t('ui:recording.catalogue')}
          </Typography.Title>
          <Descriptions
            bordered
            size="small"
            column={2}
            styles={{ label: { width: 132, whiteSpace: 'nowrap' } }}
            data-testid="recording-fields"
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

          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('ui:recording.times')}
          </Typography.Title>
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

          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('ui:recording.rules')}
          </Typography.Title>
          <Descriptions
            bordered
            size="small"
            column={2}
            styles={{ label: { width: 132, whiteSpace: 'nowrap' } }}
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

          <Flex justify="space-between" align="center" style={{ marginTop: 24 }}>
            <Typography.Title level={5} style={{ margin: 0 }}>
              {t('ui:recording.explanations')}
            </Typography.Title>
            {custodian && explanationKinds(r).length > 0 ? (
              <Button size="small" icon={<FormOutlined />} onClick={() => setDialog('explain')}>
                {t('ui:dock.writeExplanation')}
              </Button>
            ) : null}
          </Flex>
          {detail.explanations.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ui:recording.noExplanations')} />
          ) : (
            <ul className="explanation-list" data-testid="recording-explanations">
              {detail.explanations.map((x) => (
                <li key={x.id}>
                  <Flex gap={8} align="center" wrap>
                    <Tag color="green">{t(`ui:explain.kinds.${x.kind}`)}</Tag>
                    <Typography.Text type="secondary">{t('ui:recording.explainedBy', { author: x.author, time: formatTime(x.createdAt), seq: x.ledgerSeq })}</Typography.Text>
                  </Flex>
                  <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: '4px 0 0' }}>{x.text}</Typography.Paragraph>
                </li>
              ))}
            </ul>
          )}

          <Flex justify="space-between" align="center" style={{ marginTop: 24 }}>
            <Typography.Title level={5} style={{ margin: 0 }}>
              {t('ui:recording.classification')}
            </Typography.Title>
            {custodian ? (
              <Button size="small" icon={<LockOutlined />} onClick={() => setDialog('classify')} data-testid="recording-classify">
                {t('ui:recording.setClassification')}
              </Button>
            ) : null}
          </Flex>
          <Typography.Paragraph style={{ marginTop: 8 }} data-testid="recording-classification-text">
            {classification?.value
              ? t('ui:recording.classifiedAs', { level: t(`ui:classification.${classification.value}`), by: classification.by, time: formatTime(classification.at), note: classification.note })
              : t('ui:recording.notClassified')}
          </Typography.Paragraph>

          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('ui:recording.history')}
          </Typography.Title>
          <Timeline
            data-testid="recording-history"
            items={detail.history.map((e) => ({
              key: e.seq,
              color: e.action.startsWith('view.') ? 'blue' : e.action === 'recording.explained' ? 'green' : e.action === 'recording.classified' ? 'red' : 'gray',
              content: (
                <div data-testid="history-entry" data-action={e.action} data-seq={e.seq} className="history-entry">
                  <Flex gap={8} wrap align="baseline">
                    <Typography.Text strong>{actionLabel(t, i18n, e.action)}</Typography.Text>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      <span className="num">{formatTime(e.time)}</span> · {t('ui:recording.historyBy', { actor: actorLabel(t, e.actor), seq: e.seq })}
                    </Typography.Text>
                  </Flex>
                  {historySummary(t, e)}
                </div>
              ),
            }))}
          />
        </div>
      ) : null}
      {dialog === 'explain' && r ? (
        <ExplainDialog
          recording={r}
          onCancel={() => setDialog(null)}
          onDone={(res) => {
            setDialog(null);
            void message.success(t('ui:explain.saved', { id: res.recording.id, seq: res.explanation.ledgerSeq }));
            void load(r.id);
            onChanged();
          }}
        />
      ) : null}
      {dialog === 'classify' && r ? (
        <ClassifyDialog
          recordingId={r.id}
          current={classification?.value ?? null}
          onCancel={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            void message.success(t('ui:classify.saved', { id: r.id }));
            void load(r.id);
            onChanged();
          }}
        />
      ) : null}
    </Drawer>
  );
}
