import { useEffect, useState, type HTMLAttributes } from 'react';
import { App, Badge, Button, Descriptions, Flex, Popconfirm, Spin, Table, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { CheckOutlined, CloseOutlined, ExportOutlined, PlayCircleOutlined, PrinterOutlined, ReloadOutlined, RollbackOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type StationStatus, type User } from '../api.ts';
import { errorText } from '../i18n.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatTime } from '../components/formatTime.ts';
import { PlayerModal, type PlaybackTarget } from '../player/PlayerModal.tsx';
import { classificationColor } from '../recordings/labels.tsx';
import { DecisionDialog } from './DecisionDialog.tsx';
import { BatchDecisionDialog } from './BatchDecisionDialog.tsx';
import { InboxCounts } from './InboxCounts.tsx';
import { ExportDialog } from './ExportDialog.tsx';
import { KindTag, StateTag, approvalsOf, type AccessRequest, type RequestDetail } from './labels.tsx';
import './requests.css';
import { REQUESTER_ROLES as REQUESTERS } from '../roles.ts';
import { DocumentPreview } from '../components/DocumentPreview.tsx';
import { useRuleBasis } from '../components/useRuleBasis.ts';
import { useLoaded } from '../components/useLoaded.ts';

type TabKey = 'awaiting' | 'mine' | 'all';
type Dialog =
  | { kind: 'approve' | 'deny'; request: AccessRequest }
  | { kind: 'export'; request: AccessRequest }
  | { kind: 'batch'; mode: 'approve' | 'deny'; requests: AccessRequest[] }
  | null;

const SUPERVISORS = ['custodian', 'approver', 'auditor', 'admin'];
const POLL_MS = 15_000;

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** What this user may do with a request now (the station checks again; this only offers it). */
function abilities(user: User, r: AccessRequest, tab: TabKey) {
  const mine = same(r.requester, user.username);
  return {
    decide: tab === 'awaiting' && user.roles.includes('approver') && r.state === 'requested' && !mine,
    withdraw: mine && (r.state === 'requested' || r.state === 'approved'),
    // A view approval serves its requester only; a copy may also be fulfilled by the custodian.
    play: mine && r.kind === 'view' && r.state === 'approved',
    export: r.kind === 'copy' && r.state === 'approved' && (mine || user.roles.includes('custodian')),
  };
}

/** The items of one request, their classification, and every decision taken on it. */
function RequestItems({ request, onPlay, canPlay }: { request: AccessRequest; onPlay: (recordingId: string) => void; canPlay: boolean }) {
  const { t } = useTranslation();
  const { value: detail, error } = useLoaded<RequestDetail>(() => invoke('request.show', { id: request.id }), [request.id, request.state]);
  const [printing, setPrinting] = useState(false);
  if (error) return <ErrorAlert error={error} />;
  if (!detail) return <Spin size="small" />;
  return (
    <Flex vertical gap={12} data-testid={`request-detail-${request.id}`} style={{ padding: '4px 8px' }}>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={detail.recordings}
        onRow={(r) => ({ 'data-testid': `request-item-${r.id}` }) as HTMLAttributes<HTMLElement>}
        columns={[
          { key: 'id', title: t('ui:recordings.columns.id'), dataIndex: 'id', width: 110, render: (v: string) => <span className="mono">{v}</span> },
          { key: 'name', title: t('ui:recordings.columns.name'), dataIndex: 'originalName', ellipsis: true, render: (v: string) => <span className="mono">{v}</span> },
          { key: 'recordedAt', title: t('ui:recordings.columns.recordedAt'), dataIndex: 'recordedAt', width: 170, render: (v: string | null) => (v ? formatTime(v) : '—') },
          { key: 'officer', title: t('ui:recordings.columns.officer'), dataIndex: 'officer', width: 110, render: (v: string | null) => v ?? '—' },
          {
            key: 'classification',
            title: t('ui:requests.columns.classification'),
            width: 120,
            render: (_: unknown, r) => (r.classification ? <Tag color={classificationColor(r.classification)}>{t(`ui:classification.${r.classification}`)}</Tag> : '—'),
          },
          ...(canPlay
            ? [
                {
                  key: 'play',
                  title: '',
                  width: 100,
                  render: (_: unknown, r: RequestDetail['recordings'][number]) => (
                    <Button size="small" type="primary" icon={<PlayCircleOutlined />} onClick={() => onPlay(r.id)} data-testid={`play-${r.id}`}>
                      {t('ui:requests.play')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Descriptions
        size="small"
        column={2}
        items={[
          { key: 'required', label: t('ui:requests.requiredApprovals'), children: t('ui:requests.approvalsOf', { done: approvalsOf(detail).length, required: detail.requiredApprovals }) },
          { key: 'expires', label: t('ui:requests.columns.expires'), children: detail.expiresAt ? formatTime(detail.expiresAt) : '—' },
          ...(detail.denyReason ? [{ key: 'deny', label: t('ui:requests.denyReason'), span: 2, children: detail.denyReason }] : []),
        ]}
      />
      {detail.decisions.length > 0 ? (
        <ul className="decision-list" data-testid="request-decisions">
          {detail.decisions.map((d) => (
            <li key={d.ledgerSeq}>
              <Tag color={d.decision === 'approved' ? 'green' : 'red'}>{t(`ui:requests.decisions.${d.decision}`)}</Tag>
              {t('ui:requests.decisionLine', { approver: d.approver, time: formatTime(d.at), seq: d.ledgerSeq })}
              {d.reason ? <Typography.Text type="secondary"> — {d.reason}</Typography.Text> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <Flex>
        <Button size="small" icon={<PrinterOutlined />} onClick={() => setPrinting(true)} data-testid={`request-form-${request.id}`}>
          {t('ui:papers.printForm')}
        </Button>
      </Flex>
      {printing ? (
        <DocumentPreview
          title={t('ui:papers.formTitle', { id: request.id })}
          testId="request-form-preview"
          onClose={() => setPrinting(false)}
          load={async () => ({ html: (await invoke('request.form', { id: request.id })).html, fileName: `${request.id}-form.html` })}
        />
      ) : null}
    </Flex>
  );
}

/**
 * Requests and approvals (issue "Access requests" item 7): my requests, the approver's queue with
 * password-confirmed decisions, withdrawal, playback of an approved view and export of an approved copy.
 */
export function RequestsScreen({ user, status, focus }: { user: User; status: StationStatus; focus: string | null }) {
  const { t } = useTranslation();
  const basisViewCopyApproval = useRuleBasis('viewCopyApproval');
  const { message } = App.useApp();
  const approver = user.roles.includes('approver');
  const requester = user.roles.some((r) => REQUESTERS.includes(r));
  const supervisor = user.roles.some((r) => SUPERVISORS.includes(r));
  const tabs: TabKey[] = [...(approver ? (['awaiting'] as const) : []), ...(requester ? (['mine'] as const) : []), ...(supervisor ? (['all'] as const) : [])];
  const [tab, setTab] = useState<TabKey>(focus && requester ? 'mine' : (tabs[0] ?? 'mine'));
  const [awaitingCount, setAwaitingCount] = useState(0);
  const [expanded, setExpanded] = useState<readonly string[]>(focus ? [focus] : []);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [playing, setPlaying] = useState<PlaybackTarget | null>(null);
  const [withdrawing, setWithdrawing] = useState<string | null>(null);
  const [selected, setSelected] = useState<readonly string[]>([]);
  const [inboxVersion, setInboxVersion] = useState(0);

  // A poll still out when the tab changes answers for the old tab; useLoaded drops it.
  const listed = useLoaded(
    async () => {
      const query = tab === 'awaiting' ? { awaitingMe: true } : tab === 'mine' ? { mine: true } : {};
      const [list, awaiting] = await Promise.all([invoke('request.list', query), approver ? invoke('request.list', { awaitingMe: true }) : Promise.resolve(null)]);
      return { list, awaiting: awaiting?.length ?? null };
    },
    [tab, approver],
    { clearOnChange: true },
  );
  const rows = listed.value?.list ?? null;
  const error = listed.error;
  const load = listed.reload;

  useEffect(() => {
    if (!listed.value) return;
    const { list, awaiting } = listed.value;
    // A selection only holds requests still listed: one decided elsewhere drops out of the batch.
    setSelected((sel) => sel.filter((id) => list.some((r) => r.id === id)));
    setInboxVersion((v) => v + 1);
    if (awaiting !== null) setAwaitingCount(awaiting);
  }, [listed.value]);

  useEffect(() => {
    setSelected([]);
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [load]);

  useEffect(() => {
    if (focus) setExpanded([focus]);
  }, [focus]);

  const withdraw = async (r: AccessRequest) => {
    setWithdrawing(r.id);
    try {
      await invoke('request.withdraw', { id: r.id });
      void message.success(t('ui:requests.withdrawn', { id: r.id }));
      void load();
    } catch (e) {
      void message.error(errorText(t, e));
    } finally {
      setWithdrawing(null);
    }
  };

  const play = (r: AccessRequest, recordingId?: string) => {
    const id = recordingId ?? r.items[0];
    if (id) setPlaying({ recordingId: id, requestId: r.id });
  };

  const columns: TableColumnsType<AccessRequest> = [
    { key: 'id', title: t('ui:requests.columns.id'), dataIndex: 'id', width: 104, render: (v: string) => <span className="mono">{v}</span> },
    { key: 'kind', title: t('ui:requests.columns.kind'), dataIndex: 'kind', width: 72, render: (_: unknown, r) => <KindTag kind={r.kind} /> },
    { key: 'state', title: t('ui:requests.columns.state'), dataIndex: 'state', width: 96, render: (_: unknown, r) => <StateTag state={r.state} /> },
    // The purpose is what an approver decides on: shown whole, wrapped, never cut.
    { key: 'purpose', title: t('ui:requests.columns.purpose'), dataIndex: 'purpose', minWidth: 160, render: (v: string) => <span className="request-purpose">{v}</span> },
    { key: 'requester', title: t('ui:requests.columns.requester'), dataIndex: 'requester', width: 96 },
    { key: 'items', title: t('ui:requests.columns.items'), width: 60, render: (_: unknown, r) => <span className="num">{r.items.length}</span> },
    {
      key: 'approvals',
      title: t('ui:requests.columns.approvals'),
      width: 120,
      render: (_: unknown, r) => {
        const names = approvalsOf(r);
        return (
          <Typography.Text type={names.length >= r.requiredApprovals ? undefined : 'secondary'}>
            {t('ui:requests.approvalsOf', { done: names.length, required: r.requiredApprovals })}
            {names.length > 0 ? ` · ${names.join(', ')}` : ''}
          </Typography.Text>
        );
      },
    },
    { key: 'created', title: t('ui:requests.columns.created'), dataIndex: 'createdAt', width: 160, render: (v: string) => <span className="num nowrap">{formatTime(v)}</span> },
    {
      key: 'actions',
      title: t('ui:requests.columns.actions'),
      width: 200,
      render: (_: unknown, r) => {
        const can = abilities(user, r, tab);
        return (
          <Flex gap={4} wrap>
            {can.decide ? (
              <>
                <Button size="small" type="primary" icon={<CheckOutlined />} onClick={() => setDialog({ kind: 'approve', request: r })} data-testid={`approve-${r.id}`}>
                  {t('ui:decision.approve')}
                </Button>
                <Button size="small" danger icon={<CloseOutlined />} onClick={() => setDialog({ kind: 'deny', request: r })} data-testid={`deny-${r.id}`}>
                  {t('ui:decision.deny')}
                </Button>
              </>
            ) : null}
            {can.play ? (
              <Button size="small" type="primary" icon={<PlayCircleOutlined />} onClick={() => play(r)} data-testid={`play-request-${r.id}`}>
                {t('ui:requests.play')}
              </Button>
            ) : null}
            {can.export ? (
              <Button size="small" type="primary" icon={<ExportOutlined />} onClick={() => setDialog({ kind: 'export', request: r })} data-testid={`export-${r.id}`}>
                {t('ui:requests.export')}
              </Button>
            ) : null}
            {can.withdraw ? (
              <Popconfirm title={t('ui:requests.withdrawConfirm', { id: r.id })} okText={t('ui:requests.withdraw')} cancelText={t('ui:common.cancel')} onConfirm={() => withdraw(r)}>
                <Button size="small" icon={<RollbackOutlined />} loading={withdrawing === r.id} data-testid={`withdraw-${r.id}`}>
                  {t('ui:requests.withdraw')}
                </Button>
              </Popconfirm>
            ) : null}
          </Flex>
        );
      },
    },
  ];

  return (
    <Flex vertical gap={16} data-testid="requests-screen">
      <Flex justify="space-between" align="flex-start" gap={16} wrap>
        <div style={{ minWidth: 280, flex: 1 }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('ui:requests.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('ui:requests.intro') + basisViewCopyApproval}</Typography.Text>
        </div>
        <Button icon={<ReloadOutlined />} onClick={() => void load()} data-testid="requests-refresh">
          {t('ui:common.refresh')}
        </Button>
      </Flex>
      <ErrorAlert error={error} />
      <Tabs
        activeKey={tab}
        onChange={(k) => setTab(k as TabKey)}
        items={tabs.map((k) => ({
          key: k,
          label: (
            <span data-testid={`requests-tab-${k}`}>
              {t(`ui:requests.tabs.${k}`)}
              {k === 'awaiting' && awaitingCount > 0 ? <Badge count={awaitingCount} size="small" style={{ marginInlineStart: 6 }} /> : null}
            </span>
          ),
        }))}
      />
      {tab === 'awaiting' ? (
        <Flex justify="space-between" align="center" gap={12} wrap>
          <InboxCounts version={inboxVersion} />
          <Flex gap={8}>
            <Button
              type="primary"
              icon={<CheckOutlined />}
              disabled={selected.length === 0}
              onClick={() => setDialog({ kind: 'batch', mode: 'approve', requests: (rows ?? []).filter((r) => selected.includes(r.id)) })}
              data-testid="batch-approve"
            >
              {t('ui:batchDecision.approveSelected', { count: selected.length })}
            </Button>
            <Button
              danger
              icon={<CloseOutlined />}
              disabled={selected.length === 0}
              onClick={() => setDialog({ kind: 'batch', mode: 'deny', requests: (rows ?? []).filter((r) => selected.includes(r.id)) })}
              data-testid="batch-deny"
            >
              {t('ui:batchDecision.denySelected', { count: selected.length })}
            </Button>
          </Flex>
        </Flex>
      ) : null}
      <Table<AccessRequest>
        rowKey="id"
        rowSelection={
          tab === 'awaiting' && approver
            ? {
                selectedRowKeys: selected as string[],
                onChange: (keys) => setSelected(keys as string[]),
                getCheckboxProps: (r) => ({ 'data-testid': `batch-select-${r.id}` }) as Record<string, string>,
              }
            : undefined
        }
        size="middle"
        columns={columns}
        dataSource={rows ?? []}
        loading={rows === null && !error}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t(`ui:requests.empty.${tab}`) }}
        data-testid="requests-table"
        rowClassName={(r) => (r.id === focus ? 'request-focus' : '')}
        onRow={(r) => ({ 'data-testid': `request-row-${r.id}`, 'data-state': r.state }) as HTMLAttributes<HTMLElement>}
        expandable={{
          expandedRowKeys: expanded,
          onExpandedRowsChange: (keys) => setExpanded(keys as string[]),
          expandedRowRender: (r) => <RequestItems request={r} canPlay={abilities(user, r, tab).play} onPlay={(id) => play(r, id)} />,
        }}
      />
      {dialog?.kind === 'batch' ? (
        <BatchDecisionDialog
          requests={dialog.requests}
          mode={dialog.mode}
          onClose={(changed) => {
            setDialog(null);
            if (changed) {
              setSelected([]);
              void load();
            }
          }}
        />
      ) : null}
      {dialog && (dialog.kind === 'approve' || dialog.kind === 'deny') ? (
        <DecisionDialog
          request={dialog.request}
          mode={dialog.kind}
          onCancel={() => setDialog(null)}
          onDone={(r) => {
            setDialog(null);
            void message.success(dialog.kind === 'approve' ? t('ui:decision.approved', { id: r.id, state: t(`ui:requests.states.${r.state}`) }) : t('ui:decision.denied', { id: r.id }));
            void load();
          }}
        />
      ) : null}
      {dialog?.kind === 'export' ? (
        <ExportDialog
          request={dialog.request}
          verifierKey={status.verifierKey ?? null}
          onClose={(done) => {
            setDialog(null);
            if (done) void load();
          }}
        />
      ) : null}
      {playing ? (
        <PlayerModal
          user={user}
          target={playing}
          onClose={() => {
            setPlaying(null);
            void load();
          }}
        />
      ) : null}
    </Flex>
  );
}
