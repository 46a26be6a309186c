import { useState, type HTMLAttributes } from 'react';
import { Alert, App, Button, Card, Descriptions, Empty, Flex, Progress, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { CheckCircleOutlined, FolderOpenOutlined, UsbOutlined, WarningOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { StationUiError, invoke, type User } from '../api.ts';
import { errorText } from '../i18n.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatTime } from '../components/formatTime.ts';
import { ExplainDialog, explanationKinds } from '../recordings/ExplainDialog.tsx';
import { FlagTags, type Recording } from '../recordings/labels.tsx';
import type { FileResult, ProgressEvent, SessionSummary } from './events.ts';
import { formatDuration, percentOf } from '../components/formatDuration.ts';
import { formatBytes, formatSpeed } from '../components/formatBytes.ts';
import type { LiveSession } from './useIngestSessions.ts';
import { useSessionRecordings } from './useSessionRecordings.ts';
import type { Recorder } from '../../../electron/api/index.ts';

export type { Recorder };

const STATUS_COLORS: Record<SessionSummary['status'], string> = { running: 'processing', completed: 'success', interrupted: 'error', stopped: 'warning' };

export function reasonText(t: Parameters<typeof errorText>[0], code: string | null, params: Record<string, unknown> | null): string {
  if (!code) return '';
  return errorText(t, new StationUiError({ code, kind: 'io', params: (params ?? {}) as StationUiError['params'] }));
}

function lastSegment(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

/** Files and bytes done of a session, live while it runs, from its summary once it has ended. */
export function sessionNumbers(summary: SessionSummary, progress: ProgressEvent | null) {
  const filesDone = progress?.filesDone ?? summary.filesTotal - summary.counts.pending;
  const bytesDone = progress?.bytesDone ?? (summary.status === 'completed' ? summary.bytesTotal : null);
  const percent = summary.status === 'completed' && summary.counts.pending === 0 ? 100 : bytesDone !== null && summary.bytesTotal > 0 ? percentOf(bytesDone, summary.bytesTotal) : percentOf(filesDone, summary.filesTotal);
  return { filesDone, bytesDone, percent };
}

export function SessionProgress({ summary, progress }: { summary: SessionSummary; progress: ProgressEvent | null }) {
  const { t } = useTranslation();
  const { filesDone, bytesDone, percent } = sessionNumbers(summary, progress);
  const running = summary.status === 'running';
  const status = running ? 'active' : summary.mayUndock ? 'success' : summary.status === 'completed' ? 'normal' : 'exception';
  return (
    <div data-testid="session-progress" data-percent={percent} data-files-done={filesDone} data-files-total={summary.filesTotal}>
      <Progress percent={percent} status={status} />
      <Flex gap={16} wrap style={{ fontSize: 13 }}>
        <Typography.Text data-testid="session-files">{t('ui:dock.filesProgress', { done: filesDone, total: summary.filesTotal })}</Typography.Text>
        <Typography.Text type="secondary">
          {t('ui:dock.bytesProgress', { done: bytesDone === null ? '—' : formatBytes(bytesDone), total: formatBytes(summary.bytesTotal) })}
        </Typography.Text>
        {running ? (
          <>
            <Typography.Text type="secondary" data-testid="session-speed">
              {t('ui:dock.speed', { speed: progress && progress.bytesPerSecond > 0 ? formatSpeed(progress.bytesPerSecond) : '—' })}
            </Typography.Text>
            <Typography.Text type="secondary" data-testid="session-eta">
              {t('ui:dock.eta', { eta: progress?.etaSeconds !== null && progress?.etaSeconds !== undefined ? formatDuration(progress.etaSeconds) : '—' })}
            </Typography.Text>
          </>
        ) : null}
      </Flex>
      {running && progress?.currentPath ? (
        <Typography.Text type="secondary" ellipsis style={{ display: 'block', fontSize: 12 }}>
          {t('ui:dock.currentFile', { path: progress.currentPath })}
        </Typography.Text>
      ) : null}
    </div>
  );
}

const OUTCOME_COLORS: Record<string, string> = { ingested: 'green', duplicate: 'cyan', already_ingested: 'blue', skipped: 'default', failed: 'red', aborted: 'orange', pending: 'default' };

function OutcomeCounts({ summary }: { summary: SessionSummary }) {
  const { t } = useTranslation();
  const shown = (['ingested', 'duplicate', 'already_ingested', 'skipped', 'failed', 'aborted', 'pending'] as const).filter((k) => summary.counts[k] > 0);
  if (shown.length === 0) return null;
  return (
    <Flex gap={4} wrap data-testid="session-counts">
      {shown.map((k) => (
        <Tag key={k} color={OUTCOME_COLORS[k]} data-outcome={k}>
          {t(`ui:dock.outcomes.${k}`)} {summary.counts[k]}
        </Tag>
      ))}
    </Flex>
  );
}

/** Files that did not make it, each with its reason: nothing is left behind without one (README.md, Architecture). */
function ProblemFiles({ live }: { live: LiveSession }) {
  const { t } = useTranslation();
  const { summary } = live;
  const count = summary.counts.failed + summary.counts.skipped + summary.counts.aborted;
  const [loaded, setLoaded] = useState<FileResult[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (count === 0 && live.problems.length === 0) return null;
  const files = loaded ?? live.problems;
  const loadAll = async () => {
    setBusy(true);
    try {
      const parts = await Promise.all((['failed', 'skipped', 'aborted'] as const).map((outcome) => invoke('ingest.session', { id: summary.id, outcome, limit: 500 })));
      setLoaded(parts.flatMap((p) => p.files).sort((a, b) => a.seq - b.seq));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="session-problems">
      <Flex align="center" gap={8} style={{ margin: '12px 0 6px' }}>
        <WarningOutlined style={{ color: '#d46b08' }} />
        <Typography.Text strong>{t('ui:dock.problems', { count })}</Typography.Text>
        {loaded === null && count > live.problems.length ? (
          <Button size="small" type="link" loading={busy} onClick={() => void loadAll()}>
            {t('ui:dock.showProblems')}
          </Button>
        ) : null}
      </Flex>
      <ErrorAlert error={error} />
      <ul className="dock-problems">
        {files.map((f) => (
          <li key={f.seq}>
            <Tag color={OUTCOME_COLORS[f.outcome]}>{t(`ui:dock.outcomes.${f.outcome}`)}</Tag>
            <span className="mono">{f.path}</span>
            <Typography.Text type="secondary"> — {reasonText(t, f.reason, f.params)}</Typography.Text>
          </li>
        ))}
      </ul>
    </div>
  );
}

type FlaggedProps = { flagged: Recording[] | null; error: unknown; reload: () => Promise<void>; canExplain: boolean; onOpenRecording: (id: string) => void };

function FlaggedRecordings({ flagged, error, reload, canExplain, onOpenRecording }: FlaggedProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [explaining, setExplaining] = useState<Recording | null>(null);
  if (!flagged || flagged.length === 0) return error ? <ErrorAlert error={error} /> : null;

  const columns: TableColumnsType<Recording> = [
    {
      key: 'id',
      title: t('ui:recordings.columns.id'),
      width: 110,
      render: (_: unknown, r) => (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onOpenRecording(r.id)} data-testid={`open-recording-${r.id}`}>
          {r.id}
        </Button>
      ),
    },
    { key: 'name', title: t('ui:recordings.columns.name'), dataIndex: 'originalName', ellipsis: true, render: (v: string) => <span className="mono">{v}</span> },
    { key: 'recordedAt', title: t('ui:recordings.columns.recordedAt'), width: 170, render: (_: unknown, r) => (r.recordedAt ? formatTime(r.recordedAt) : '—') },
    { key: 'flags', title: t('ui:recordings.columns.flags'), width: 210, render: (_: unknown, r) => <FlagTags recording={r} /> },
    {
      key: 'explanation',
      title: t('ui:dock.explanation'),
      width: 200,
      render: (_: unknown, r) => {
        const kinds = explanationKinds(r);
        const open = kinds.some((k) => !k.explained);
        return (
          <Flex gap={4} wrap align="center">
            {kinds.map((k) => (
              <Tag key={k.kind} color={k.explained ? 'green' : 'red'} icon={k.explained ? <CheckCircleOutlined /> : null} data-testid={`explained-${r.id}-${k.kind}`} data-explained={k.explained}>
                {k.explained ? t(`ui:dock.explainedKinds.${k.kind}`) : t(`ui:dock.missingKinds.${k.kind}`)}
              </Tag>
            ))}
            {canExplain && open ? (
              <Button size="small" type="primary" onClick={() => setExplaining(r)} data-testid={`explain-${r.id}`}>
                {t('ui:dock.writeExplanation')}
              </Button>
            ) : null}
          </Flex>
        );
      },
    },
  ];

  return (
    <div data-testid="session-flagged">
      <Flex align="center" gap={8} style={{ margin: '12px 0 6px' }}>
        <Typography.Text strong>{t('ui:dock.flaggedTitle', { count: flagged.length })}</Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('ui:dock.flaggedHint')}
        </Typography.Text>
      </Flex>
      <Table<Recording> rowKey="id" size="small" pagination={false} columns={columns} dataSource={flagged} onRow={(r) => ({ 'data-testid': `flagged-row-${r.id}` }) as HTMLAttributes<HTMLElement>} />
      {explaining ? (
        <ExplainDialog
          recording={explaining}
          onCancel={() => setExplaining(null)}
          onDone={(res) => {
            setExplaining(null);
            void message.success(t('ui:explain.saved', { id: res.recording.id, seq: res.explanation.ledgerSeq }));
            void reload();
          }}
        />
      ) : null}
    </div>
  );
}

export type SessionContext = {
  user: User;
  recorders: ReadonlyMap<string, Recorder>;
  onOpenRecording: (id: string) => void;
};

/** Everything about one ingest session: where from, whose, how far, what went wrong, what needs a note. */
export function SessionBody({ live, ctx, showMeta = true }: { live: LiveSession; ctx: SessionContext; showMeta?: boolean }) {
  const { t } = useTranslation();
  const { summary } = live;
  const recorder = summary.recorderSerial ? ctx.recorders.get(summary.recorderSerial) : undefined;
  const running = summary.status === 'running';
  const { officers, flagged, error, reload } = useSessionRecordings(summary.id, live.flagVersion, running);
  const officerNames = recorder?.officerBadge
    ? [t('ui:recordings.personWithId', { name: recorder.officerName ?? recorder.officerBadge, id: recorder.officerBadge })]
    : officers.map((o) => (o.name ? t('ui:recordings.personWithId', { name: o.name, id: o.badge }) : o.badge));
  const model = recorder ? [recorder.vendor, recorder.model].filter(Boolean).join(' ') : '';

  return (
    <Flex vertical gap={8}>
      {showMeta ? (
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2, xl: 3 }}
          items={[
            { key: 'source', label: t('ui:dock.source'), children: <span className="mono">{summary.root}</span> },
            {
              key: 'recorder',
              label: t('ui:dock.recorder'),
              children: summary.recorderSerial ? (
                <span data-testid="session-recorder">
                  <span className="mono">{summary.recorderSerial}</span>
                  {model ? ` · ${model}` : ''}
                </span>
              ) : (
                <Typography.Text type="secondary">{t('ui:dock.recorderFromNames')}</Typography.Text>
              ),
            },
            {
              key: 'officer',
              label: t('ui:dock.officer'),
              children: <span data-testid="session-officer">{officerNames.length > 0 ? officerNames.join(t('ui:dock.listSeparator')) : t('ui:recordings.unknown')}</span>,
            },
            { key: 'custodian', label: t('ui:dock.custodian'), children: summary.custodian },
            { key: 'started', label: t('ui:dock.started'), children: formatTime(summary.startedAt) },
            { key: 'ended', label: t('ui:dock.ended'), children: summary.endedAt ? formatTime(summary.endedAt) : t('ui:dock.stillRunning') },
          ]}
        />
      ) : null}
      <SessionProgress summary={summary} progress={live.progress} />
      <OutcomeCounts summary={summary} />
      {summary.status === 'interrupted' || summary.status === 'stopped' ? (
        <Alert type={summary.status === 'stopped' ? 'warning' : 'error'} showIcon title={t(`ui:dock.statusHints.${summary.status}`)} description={reasonText(t, summary.stopCode, { path: summary.root, source: summary.sourceKey })} />
      ) : null}
      {summary.mayUndock ? (
        <Alert
          type="success"
          showIcon
          data-testid="may-undock"
          title={summary.sourceKind === 'volume' ? t('ui:dock.mayUndock') : t('ui:dock.folderDone')}
          description={t('ui:dock.mayUndockDetail', { files: summary.filesTotal })}
        />
      ) : null}
      <ProblemFiles live={live} />
      <FlaggedRecordings flagged={flagged} error={error} reload={reload} canExplain={ctx.user.roles.includes('custodian')} onOpenRecording={ctx.onOpenRecording} />
    </Flex>
  );
}

export function SessionCard({ live, ctx }: { live: LiveSession; ctx: SessionContext }) {
  const { t } = useTranslation();
  const { summary } = live;
  const title = summary.label ?? lastSegment(summary.root);
  return (
    <Card
      size="small"
      data-testid="ingest-session"
      data-session-id={summary.id}
      data-status={summary.status}
      title={
        <Flex align="center" gap={8} style={{ minWidth: 0 }}>
          {summary.sourceKind === 'volume' ? <UsbOutlined /> : <FolderOpenOutlined />}
          <Tooltip title={summary.root}>
            <Typography.Text strong ellipsis style={{ maxWidth: 420 }}>
              {title}
            </Typography.Text>
          </Tooltip>
          <Tag color={STATUS_COLORS[summary.status]} data-testid="session-status">
            {t(`ui:dock.status.${summary.status}`)}
          </Tag>
          {summary.flagged.needsExplanation > 0 ? <Tag color="red">{t('ui:dock.needsExplanation', { count: summary.flagged.needsExplanation })}</Tag> : null}
        </Flex>
      }
      extra={<Typography.Text type="secondary">{t('ui:dock.sessionNo', { id: summary.id })}</Typography.Text>}
    >
      <SessionBody live={live} ctx={ctx} />
    </Card>
  );
}

/** `shownAbove`: the only sessions are those of the docked recorders, already shown with them. */
export function NoSessions({ shownAbove }: { shownAbove: boolean }) {
  const { t } = useTranslation();
  return shownAbove ? (
    <Typography.Text type="secondary" data-testid="dock-sessions-above">
      {t('ui:dock.noOtherSessions')}
    </Typography.Text>
  ) : (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ui:dock.noSessions')} data-testid="dock-no-sessions" />
  );
}
