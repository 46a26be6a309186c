import { useCallback, useEffect, useState, type HTMLAttributes, type ReactNode } from 'react';
import { Button, Card, Empty, Flex, Result, Table, Tag, Typography, theme } from 'antd';
import type { TableColumnsType } from 'antd';
import {
  AuditOutlined,
  ClockCircleOutlined,
  CloudSyncOutlined,
  DeleteOutlined,
  ExclamationCircleOutlined,
  FieldTimeOutlined,
  FileDoneOutlined,
  FileProtectOutlined,
  FolderOpenOutlined,
  ReloadOutlined,
  SafetyOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type WitnessStatus } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatTime } from '../components/formatTime.ts';
import { ArchiveDeadlineText } from '../cases/labels.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { formatDate } from '../components/formatTime.ts';
import type { Dashboard } from '../../../electron/api/index.ts';
import './dashboard.css';
import { AttentionCard } from './AttentionCard.tsx';
import { useRuleBasis } from '../components/useRuleBasis.ts';
import { useLoaded } from '../components/useLoaded.ts';
import { RequestLink } from '../requests/labels.tsx';

type CaseRow = Dashboard['casesToArchive'][number];
type RequestRow = Dashboard['requestsWaiting'][number];
type Counts = Dashboard['counts'];

const LIMIT = 20;
const POLL_MS = 30_000;

type Tile = { key: keyof Counts; icon: ReactNode; screen: string; focus?: string; alarm?: (c: Counts) => boolean };

// What is due and overdue, each leading to the screen where it is dealt with (issue 7 item 5).
const TILES: readonly Tile[] = [
  { key: 'casesToArchive', icon: <FolderOpenOutlined />, screen: 'cases', focus: 'state:closed', alarm: (c) => c.casesArchiveOverdue > 0 },
  { key: 'lateHandoversUnexplained', icon: <ClockCircleOutlined />, screen: 'recordings', alarm: (c) => c.lateHandoversUnexplained > 0 },
  { key: 'interruptionsUnexplained', icon: <ExclamationCircleOutlined />, screen: 'recordings', alarm: (c) => c.interruptionsUnexplained > 0 },
  { key: 'requestsWaiting', icon: <FileProtectOutlined />, screen: 'requests' },
  { key: 'extensionsToApply', icon: <FieldTimeOutlined />, screen: 'retention', focus: 'tab:extensions' },
  { key: 'destructionsDue', icon: <DeleteOutlined />, screen: 'retention', focus: 'tab:due' },
  { key: 'batchesAwaitingDecision', icon: <AuditOutlined />, screen: 'retention', focus: 'tab:batches' },
  { key: 'batchesAwaitingExecution', icon: <SafetyOutlined />, screen: 'retention', focus: 'tab:batches' },
  { key: 'casesOpen', icon: <FileDoneOutlined />, screen: 'cases', focus: 'state:open' },
];

/**
 * The landing screen for custodians and approvers: what is due and overdue at this station —
 * case files to archive (002 第二十一条, 003 第二十五条, 004 第十八条), hand-overs and interruptions
 * still without their written explanation (000 第十一条, 002 第十九条), requests waiting for a
 * decision, destructions due (004 第十九条) and batches waiting for a decision or execution.
 */
export function DashboardScreen({ navigate, canOpen }: { navigate: (screen: string, focus?: string) => void; canOpen: (screen: string) => boolean }) {
  const { t } = useTranslation();
  const basisInterruption = useRuleBasis('interruption');
  const basisHandover = useRuleBasis('handover');
  const basisCaseArchive = useRuleBasis('caseArchive');
  const { token } = theme.useToken();
  const [refreshCount, setRefreshCount] = useState(0);
  const seesReplica = canOpen('replica');

  const summary = useLoaded(async () => {
    const data = await invoke('dashboard.summary', { limit: LIMIT });
    // "Last cosigned: size N, M minutes ago" (electron/core/witness/README.md).
    const { witness } = await invoke('station.status', {});
    return { data, witness };
  }, []);
  // Recordings that exist only on this PC (not yet stored and locked on the replica); null when this role cannot see
  // the replica, or the replica cannot say.
  const replica = useLoaded(async () => (seesReplica ? (await invoke('replica.status', {})).onlyHere : null), [seesReplica]);
  const data: Dashboard | null = summary.value?.data ?? null;
  const witness: WitnessStatus | null = summary.value?.witness ?? null;
  const onlyHere = replica.error ? null : replica.value;
  const { error, loading } = summary;
  const reloadSummary = summary.reload;
  const reloadReplica = replica.reload;
  const load = useCallback(() => Promise.all([reloadSummary(), reloadReplica()]), [reloadSummary, reloadReplica]);

  useEffect(() => {
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [load]);

  const go = (screen: string, focus?: string) => (canOpen(screen) ? () => navigate(screen, focus) : undefined);
  const counts = data?.counts;
  const nothingDue = counts && TILES.filter((x) => x.key !== 'casesOpen').every((x) => counts[x.key] === 0);

  const caseColumns: TableColumnsType<CaseRow> = [
    {
      key: 'caseNumber',
      title: t('ui:cases.columns.caseNumber'),
      dataIndex: 'caseNumber',
      render: (v: string, c) =>
        canOpen('cases') ? (
          <Typography.Link onClick={() => navigate('cases', c.id)} data-testid={`dashboard-case-${c.id}`}>
            {v}
          </Typography.Link>
        ) : (
          v
        ),
    },
    { key: 'title', title: t('ui:cases.columns.title'), dataIndex: 'title', ellipsis: true },
    { key: 'closedAt', title: t('ui:cases.columns.closedAt'), dataIndex: 'closedAt', width: 120, render: (v: string) => <span className="num">{formatDate(v)}</span> },
    { key: 'deadline', title: t('ui:cases.columns.archiveDeadline'), width: 190, render: (_: unknown, c) => <ArchiveDeadlineText archive={c} /> },
  ];

  const requestColumns: TableColumnsType<RequestRow> = [
    {
      key: 'id',
      title: t('ui:dashboard.request'),
      dataIndex: 'id',
      width: 130,
      render: (v: string) => <RequestLink id={v} canOpen={canOpen} navigate={navigate} />,
    },
    { key: 'kind', title: t('ui:dashboard.kind'), dataIndex: 'kind', width: 110, render: (v: string) => <Tag>{t(`ui:dashboard.kinds.${v}`, { defaultValue: v })}</Tag> },
    { key: 'requester', title: t('ui:dashboard.requester'), dataIndex: 'requester' },
    { key: 'createdAt', title: t('ui:dashboard.waitingSince'), dataIndex: 'createdAt', width: 170, render: (v: string) => <span className="num">{formatTime(v)}</span> },
  ];

  const recordingLinks = (ids: string[], total: number, testId: string) =>
    ids.length === 0 ? (
      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ui:dashboard.none')} />
    ) : (
      <Flex gap={6} wrap data-testid={testId}>
        {ids.map((id) =>
          canOpen('recordings') ? (
            <Tag key={id} className="mono dashboard-link" onClick={() => navigate('recordings', id)}>
              {id}
            </Tag>
          ) : (
            <Tag key={id} className="mono">
              {id}
            </Tag>
          ),
        )}
        {total > ids.length ? <Typography.Text type="secondary">{t('ui:dashboard.more', { n: total - ids.length })}</Typography.Text> : null}
      </Flex>
    );

  return (
    <Flex vertical gap={16} data-testid="dashboard-screen">
      <PageHeader
        title={t('ui:dashboard.title')}
        intro={t('ui:dashboard.intro')}
        extra={
          <>
            {data ? (
              <Typography.Text type="secondary" style={{ alignSelf: 'center' }}>
                {t('ui:dashboard.asOf', { time: formatTime(data.generatedAt) })}
              </Typography.Text>
            ) : null}
            <Button
              icon={<ReloadOutlined />}
              loading={loading}
              onClick={() => {
                setRefreshCount((n) => n + 1);
                void load();
              }}
              data-testid="dashboard-refresh"
            >
              {t('ui:common.refresh')}
            </Button>
          </>
        }
      />
      <ErrorAlert error={error} />
      <AttentionCard navigate={navigate} canOpen={canOpen} refreshToken={refreshCount} />
      {witness ? (
        <Typography.Text type={witness.alarm ? 'danger' : 'secondary'} data-testid="dashboard-witness">
          {witness.lastCosigned ? t('ui:witness.lastCosigned', { size: witness.lastCosigned.size, minutes: witness.minutesAgo }) : t('ui:witness.never')}
          {witness.pendingSize !== null ? ` · ${t('ui:witness.pending', { size: witness.pendingSize })}` : ''}
        </Typography.Text>
      ) : null}
      {counts ? (
        <div className="dashboard-tiles" data-testid="dashboard-counts">
          {TILES.map((tile) => {
            const n = counts[tile.key];
            const alarm = n > 0 && (tile.alarm?.(counts) ?? false);
            const open = go(tile.screen, tile.focus);
            return (
              <Card
                key={tile.key}
                size="small"
                hoverable={!!open}
                onClick={open}
                className={`dashboard-tile${n > 0 ? ' has-items' : ''}`}
                data-testid={`dashboard-count-${tile.key}`}
                data-count={n}
                style={alarm ? { borderColor: token.colorErrorBorder } : undefined}
              >
                <Flex gap={12} align="center">
                  <span className="dashboard-tile-icon" style={{ color: n === 0 ? token.colorTextQuaternary : alarm ? token.colorError : token.colorPrimary }}>
                    {tile.icon}
                  </span>
                  <div style={{ minWidth: 0 }}>
                    <div className="dashboard-tile-value num" style={{ color: alarm ? token.colorError : undefined }}>
                      {n}
                      {tile.key === 'casesToArchive' && counts.casesArchiveOverdue > 0 ? (
                        <Typography.Text type="danger" className="dashboard-tile-sub">
                          {t('ui:dashboard.overdueCount', { n: counts.casesArchiveOverdue })}
                        </Typography.Text>
                      ) : null}
                    </div>
                    <Typography.Text type="secondary" className="dashboard-tile-label">
                      {t(`ui:dashboard.counts.${tile.key}`)}
                    </Typography.Text>
                  </div>
                </Flex>
              </Card>
            );
          })}
          {onlyHere !== null ? (
            <Card
              size="small"
              hoverable
              onClick={() => navigate('replica')}
              className={`dashboard-tile${onlyHere > 0 ? ' has-items' : ''}`}
              data-testid="dashboard-count-onlyHere"
              data-count={onlyHere}
              style={onlyHere > 0 ? { borderColor: token.colorWarningBorder } : undefined}
            >
              <Flex gap={12} align="center">
                <span className="dashboard-tile-icon" style={{ color: onlyHere === 0 ? token.colorTextQuaternary : token.colorWarning }}>
                  <CloudSyncOutlined />
                </span>
                <div style={{ minWidth: 0 }}>
                  <div className="dashboard-tile-value num">{onlyHere}</div>
                  <Typography.Text type="secondary" className="dashboard-tile-label">
                    {t('ui:replica.dashboardTile')}
                  </Typography.Text>
                </div>
              </Flex>
            </Card>
          ) : null}
        </div>
      ) : null}
      {nothingDue ? <Result status="success" title={t('ui:dashboard.allClear')} subTitle={t('ui:dashboard.allClearHint')} data-testid="dashboard-all-clear" /> : null}
      {data && !nothingDue ? (
        <div className="dashboard-grid">
          <Card
            size="small"
            title={t('ui:dashboard.sections.casesToArchive')}
            extra={canOpen('cases') ? <Typography.Link onClick={() => navigate('cases', 'state:closed')}>{t('ui:dashboard.openScreen')}</Typography.Link> : null}
            className="dashboard-wide"
          >
            <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
              {t('ui:dashboard.casesToArchiveHint') + basisCaseArchive}
            </Typography.Paragraph>
            <Table<CaseRow>
              size="small"
              rowKey="id"
              pagination={false}
              columns={caseColumns}
              dataSource={data.casesToArchive}
              locale={{ emptyText: t('ui:dashboard.none') }}
              data-testid="dashboard-cases"
              onRow={(c) => ({ 'data-testid': 'dashboard-case-row', 'data-case': c.id, 'data-overdue': c.overdue ? 'true' : 'false' }) as HTMLAttributes<HTMLElement>}
            />
          </Card>
          <Card size="small" title={t('ui:dashboard.sections.requestsWaiting')} extra={canOpen('requests') ? <Typography.Link onClick={() => navigate('requests')}>{t('ui:dashboard.openScreen')}</Typography.Link> : null}>
            <Table<RequestRow>
              size="small"
              rowKey="id"
              pagination={false}
              columns={requestColumns}
              dataSource={data.requestsWaiting}
              locale={{ emptyText: t('ui:dashboard.none') }}
              data-testid="dashboard-requests"
            />
          </Card>
          <Card
            size="small"
            title={t('ui:dashboard.sections.destructionsDue')}
            extra={canOpen('retention') ? <Typography.Link onClick={() => navigate('retention', 'tab:due')}>{t('ui:dashboard.openScreen')}</Typography.Link> : null}
          >
            {data.destructionsDue.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ui:dashboard.none')} />
            ) : (
              <Flex vertical gap={4} data-testid="dashboard-due">
                {data.destructionsDue.map((d) => (
                  <Flex key={d.recordingId} justify="space-between" gap={12}>
                    <span className="mono">{d.recordingId}</span>
                    <Typography.Text type="secondary">{t('ui:dashboard.keptUntil', { date: formatDate(d.until) })}</Typography.Text>
                  </Flex>
                ))}
                {data.counts.destructionsDue > data.destructionsDue.length ? (
                  <Typography.Text type="secondary">{t('ui:dashboard.more', { n: data.counts.destructionsDue - data.destructionsDue.length })}</Typography.Text>
                ) : null}
              </Flex>
            )}
            {data.counts.batchesAwaitingDecision + data.counts.batchesAwaitingExecution > 0 ? (
              <Typography.Paragraph style={{ marginTop: 12, marginBottom: 0 }}>
                {t('ui:dashboard.batches', { decide: data.counts.batchesAwaitingDecision, execute: data.counts.batchesAwaitingExecution })}
              </Typography.Paragraph>
            ) : null}
          </Card>
          <Card size="small" title={t('ui:dashboard.sections.lateHandovers')}>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
              {t('ui:dashboard.lateHandoversHint') + basisHandover}
            </Typography.Paragraph>
            {recordingLinks(data.lateHandoversUnexplained, data.counts.lateHandoversUnexplained, 'dashboard-late')}
          </Card>
          <Card size="small" title={t('ui:dashboard.sections.interruptions')}>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
              {t('ui:dashboard.interruptionsHint') + basisInterruption}
            </Typography.Paragraph>
            {recordingLinks(data.interruptionsUnexplained, data.counts.interruptionsUnexplained, 'dashboard-interruptions')}
          </Card>
          <Card size="small" title={t('ui:media.dashboard.deadlinesUnknown', { n: data.counts.deadlinesUnknown })}>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
              {t('ui:media.dashboard.deadlinesUnknownHint')}
            </Typography.Paragraph>
            {recordingLinks(data.deadlinesUnknown, data.counts.deadlinesUnknown, 'dashboard-deadlines-unknown')}
          </Card>
        </div>
      ) : null}
    </Flex>
  );
}
