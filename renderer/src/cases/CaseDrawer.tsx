import { useCallback, useEffect, useState, type HTMLAttributes } from 'react';
import { App, Button, Descriptions, Drawer, Dropdown, Empty, Flex, Spin, Table, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import {
  CheckCircleOutlined,
  DisconnectOutlined,
  DownOutlined,
  EditOutlined,
  FileProtectOutlined,
  InboxOutlined,
  LinkOutlined,
  LockOutlined,
  PrinterOutlined,
  UnlockOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type LedgerEntry, type User } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { actionLabel } from '../ledger/labels.ts';
import { formatTime } from '../components/formatTime.ts';
import { DocumentPreview } from '../components/DocumentPreview.tsx';
import { fileNamePart } from '../components/printDocument.ts';
import { HoldDialog, ExtensionDialog, ReleaseDialog } from '../retention/RetentionDialogs.tsx';
import { RetentionWhy, UntilTag, type Hold } from '../retention/labels.tsx';
import { KindTag, StateTag } from '../requests/labels.tsx';
import { can } from '../components/access.ts';
import { ArchiveDialog, CaseRequestDialog, CloseDialog, UnlinkDialog, type WholeCaseKind } from './CaseDialogs.tsx';
import { CaseForm } from './CaseForm.tsx';
import { LinkDialog } from './LinkDialog.tsx';
import { ArchiveDeadlineText, CaseStateTag, EnforcementTag, periodText, type CaseEvidence, type CaseView } from './labels.tsx';
import { formatDate } from '../components/formatTime.ts';
import { DetailSummary } from '../components/DetailFields.tsx';
import { ASKABLE_KINDS } from '../../../electron/shared/requests.ts';

type AccessRequest = CaseView['requests'][number];
type CaseDisc = CaseView['discs'][number];
type CaseLink = CaseView['unlinked'][number];

type Dialog =
  | { kind: 'edit' }
  | { kind: 'link' }
  | { kind: 'unlink'; recordingId: string }
  | { kind: 'close' }
  | { kind: 'archive' }
  | { kind: 'request'; requestKind: WholeCaseKind }
  | { kind: 'extend' }
  | { kind: 'hold' }
  | { kind: 'release'; hold: Hold }
  | { kind: 'summary' }
  | null;

type Props = {
  caseId: string;
  user: User;
  onClose: () => void;
  onChanged: () => void;
  navigate: (screen: string, focus?: string) => void;
  canOpen: (screen: string) => boolean;
};

/**
 * One case file: its facts, its evidence (each recording with the link's written note and how long
 * it is kept), the link history, its requests, discs and holds, and the ledger's account of it.
 */
export function CaseDrawer({ caseId, user, onClose, onChanged, navigate, canOpen }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [view, setView] = useState<CaseView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [tab, setTab] = useState('evidence');
  const [history, setHistory] = useState<LedgerEntry[] | null>(null);

  const load = useCallback(async () => {
    try {
      setView(await invoke('case.show', { id: caseId }));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [caseId]);

  useEffect(() => {
    setView(null);
    setHistory(null);
    void load();
  }, [load]);

  useEffect(() => {
    if (tab !== 'history' || history) return;
    let live = true;
    invoke('case.history', { id: caseId }).then(
      (h) => live && setHistory(h),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [tab, history, caseId]);

  const changed = (text?: string) => {
    setDialog(null);
    if (text) void message.success(text);
    setHistory(null);
    void load();
    onChanged();
  };

  const c = view?.case;
  const writer = can(user, 'caseWrite');
  const isOpen = c?.state === 'open';

  const requestMenu = [
    ...ASKABLE_KINDS.map((k) => ({ key: k, label: t(`ui:caseRequest.kinds.${k}`), 'data-testid': `case-request-${k}` })),
    { key: 'extend', label: t('ui:extensions.requestMenu'), 'data-testid': 'case-request-extend' },
  ];

  const evidenceColumns: TableColumnsType<CaseEvidence> = [
    {
      key: 'id',
      title: t('ui:caseView.columns.recording'),
      width: 120,
      render: (_: unknown, e) =>
        canOpen('recordings') ? (
          <Typography.Link className="mono" onClick={() => navigate('recordings', e.recording.id)}>
            {e.recording.id}
          </Typography.Link>
        ) : (
          <span className="mono">{e.recording.id}</span>
        ),
    },
    { key: 'name', title: t('ui:caseView.columns.name'), ellipsis: true, render: (_: unknown, e) => <span className="mono">{e.recording.originalName}</span> },
    { key: 'recordedAt', title: t('ui:caseView.columns.recordedAt'), width: 160, render: (_: unknown, e) => <span className="num">{e.recording.recordedAt ? formatTime(e.recording.recordedAt) : '—'}</span> },
    {
      key: 'officer',
      title: t('ui:caseView.columns.officer'),
      width: 120,
      render: (_: unknown, e) => (e.recording.officerName ? t('ui:cases.officerLabel', { name: e.recording.officerName, badge: e.recording.officerBadge ?? '' }) : (e.recording.officerBadge ?? '—')),
    },
    { key: 'note', title: t('ui:caseView.columns.note'), render: (_: unknown, e) => <span className="pre-wrap">{e.link.note}</span> },
    { key: 'retention', title: t('ui:caseView.columns.retention'), width: 130, render: (_: unknown, e) => <UntilTag status={e.retention} /> },
    ...(writer && isOpen
      ? [
          {
            key: 'actions',
            title: '',
            width: 90,
            render: (_: unknown, e: CaseEvidence) => (
              <Button size="small" type="link" danger icon={<DisconnectOutlined />} onClick={() => setDialog({ kind: 'unlink', recordingId: e.recording.id })} data-testid={`unlink-${e.recording.id}`}>
                {t('ui:unlink.action')}
              </Button>
            ),
          },
        ]
      : []),
  ];

  const requestColumns: TableColumnsType<AccessRequest> = [
    {
      key: 'id',
      title: t('ui:caseView.columns.request'),
      dataIndex: 'id',
      width: 110,
      render: (v: string) =>
        canOpen('requests') ? (
          <Typography.Link className="mono" onClick={() => navigate('requests', v)}>
            {v}
          </Typography.Link>
        ) : (
          <span className="mono">{v}</span>
        ),
    },
    { key: 'kind', title: t('ui:caseView.columns.kind'), width: 90, render: (_: unknown, r) => <KindTag kind={r.kind} /> },
    { key: 'state', title: t('ui:caseView.columns.state'), width: 100, render: (_: unknown, r) => <StateTag state={r.state} /> },
    { key: 'purpose', title: t('ui:caseView.columns.purpose'), dataIndex: 'purpose', render: (v: string) => <span className="pre-wrap">{v}</span> },
    { key: 'requester', title: t('ui:caseView.columns.requester'), dataIndex: 'requester', width: 100 },
    { key: 'created', title: t('ui:caseView.columns.created'), dataIndex: 'createdAt', width: 160, render: (v: string) => <span className="num">{formatTime(v)}</span> },
    {
      key: 'go',
      title: '',
      width: 90,
      render: (_: unknown, r) =>
        r.kind === 'burn' && r.state === 'approved' && canOpen('burn') ? (
          <Button size="small" type="link" onClick={() => navigate('burn', r.id)} data-testid={`case-burn-${r.id}`}>
            {t('ui:caseView.burnNow')}
          </Button>
        ) : null,
    },
  ];

  const discColumns: TableColumnsType<CaseDisc> = [
    {
      key: 'job',
      title: t('ui:caseView.columns.job'),
      dataIndex: 'jobId',
      width: 110,
      render: (v: string) =>
        canOpen('burn') ? (
          <Typography.Link className="mono" onClick={() => navigate('burn', v)}>
            {v}
          </Typography.Link>
        ) : (
          <span className="mono">{v}</span>
        ),
    },
    { key: 'request', title: t('ui:caseView.columns.request'), dataIndex: 'requestId', width: 110, render: (v: string) => <span className="mono">{v}</span> },
    { key: 'media', title: t('ui:caseView.columns.media'), render: (_: unknown, d) => t('ui:caseView.mediaLine', { media: t(`ui:burn.media.${d.media}`, { defaultValue: d.media }), discs: d.discCount, copies: d.copies }) },
    { key: 'label', title: t('ui:caseView.columns.volume'), dataIndex: 'volumeLabel', render: (v: string | null) => <span className="mono">{v ?? '—'}</span> },
    { key: 'state', title: t('ui:caseView.columns.state'), dataIndex: 'state', width: 110, render: (v: string) => <Tag>{t(`ui:burn.states.${v}`, { defaultValue: v })}</Tag> },
    { key: 'verified', title: t('ui:caseView.columns.verified'), width: 90, render: (_: unknown, d) => <span className="num">{t('ui:caseView.verifiedOf', { done: d.verifiedMedia, total: d.discCount * d.copies })}</span> },
    { key: 'operator', title: t('ui:caseView.columns.operator'), dataIndex: 'operator', width: 100 },
  ];

  const holdColumns: TableColumnsType<Hold> = [
    { key: 'id', title: t('ui:holds.columns.id'), dataIndex: 'id', width: 130, render: (v: string) => <span className="mono">{v}</span> },
    { key: 'reason', title: t('ui:holds.columns.reason'), dataIndex: 'reason', render: (v: string) => <span className="pre-wrap">{v}</span> },
    { key: 'placed', title: t('ui:holds.columns.placed'), width: 190, render: (_: unknown, h) => t('ui:holds.byAt', { by: h.placedBy, at: formatTime(h.placedAt) }) },
    {
      key: 'state',
      title: t('ui:holds.columns.state'),
      width: 200,
      render: (_: unknown, h) =>
        h.releasedAt ? (
          <Typography.Text type="secondary">{t('ui:holds.released', { by: h.releasedBy ?? '', at: formatTime(h.releasedAt) })}</Typography.Text>
        ) : can(user, 'release') ? (
          <Button size="small" icon={<UnlockOutlined />} onClick={() => setDialog({ kind: 'release', hold: h })} data-testid={`release-${h.id}`}>
            {t('ui:holds.release')}
          </Button>
        ) : (
          <Tag color="blue">{t('ui:holds.active')}</Tag>
        ),
    },
  ];

  const unlinkedColumns: TableColumnsType<CaseLink> = [
    { key: 'id', title: t('ui:caseView.columns.recording'), dataIndex: 'recordingId', width: 120, render: (v: string) => <span className="mono">{v}</span> },
    { key: 'linked', title: t('ui:caseView.columns.linked'), width: 190, render: (_: unknown, l) => t('ui:holds.byAt', { by: l.linkedBy, at: formatTime(l.linkedAt) }) },
    { key: 'unlinked', title: t('ui:caseView.columns.unlinked'), width: 190, render: (_: unknown, l) => t('ui:holds.byAt', { by: l.unlinkedBy ?? '', at: l.unlinkedAt ? formatTime(l.unlinkedAt) : '' }) },
    { key: 'reason', title: t('ui:caseView.columns.reason'), dataIndex: 'unlinkReason', render: (v: string | null) => <span className="pre-wrap">{v ?? ''}</span> },
  ];

  return (
    <Drawer
      open
      onClose={onClose}
      size={1080}
      destroyOnHidden
      data-testid="case-drawer"
      title={
        c ? (
          <Flex gap={8} align="center" wrap>
            <span data-testid="case-drawer-number">{c.caseNumber}</span>
            <CaseStateTag state={c.state} />
            <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
              {c.id}
            </Typography.Text>
          </Flex>
        ) : (
          t('ui:common.loading')
        )
      }
    >
      <ErrorAlert error={error} />
      {!view && !error ? <Spin /> : null}
      {c && view ? (
        <Flex vertical gap={16} data-testid="case-view" data-case={c.id}>
          <Flex gap={8} wrap data-testid="case-actions">
            {writer && c.state !== 'archived' ? (
              <Button icon={<EditOutlined />} onClick={() => setDialog({ kind: 'edit' })} data-testid="case-edit">
                {t('ui:caseView.edit')}
              </Button>
            ) : null}
            {writer && isOpen ? (
              <Button icon={<LinkOutlined />} onClick={() => setDialog({ kind: 'link' })} data-testid="case-link">
                {t('ui:caseView.link')}
              </Button>
            ) : null}
            {writer && isOpen ? (
              <Button icon={<CheckCircleOutlined />} onClick={() => setDialog({ kind: 'close' })} data-testid="case-close">
                {t('ui:caseView.close')}
              </Button>
            ) : null}
            {writer && c.state === 'closed' ? (
              <Button type="primary" icon={<InboxOutlined />} onClick={() => setDialog({ kind: 'archive' })} data-testid="case-archive">
                {t('ui:caseView.archive')}
              </Button>
            ) : null}
            {can(user, 'request') ? (
              <Dropdown
                trigger={['click']}
                menu={{
                  items: requestMenu,
                  onClick: ({ key }) => setDialog(key === 'extend' ? { kind: 'extend' } : { kind: 'request', requestKind: key as WholeCaseKind }),
                }}
                disabled={c.recordingCount === 0}
              >
                <Button icon={<FileProtectOutlined />} data-testid="case-request">
                  {t('ui:caseView.request')} <DownOutlined />
                </Button>
              </Dropdown>
            ) : null}
            {can(user, 'hold') ? (
              <Button icon={<LockOutlined />} onClick={() => setDialog({ kind: 'hold' })} data-testid="case-hold">
                {t('ui:caseView.hold')}
              </Button>
            ) : null}
            <Button icon={<PrinterOutlined />} onClick={() => setDialog({ kind: 'summary' })} data-testid="case-summary">
              {t('ui:caseView.summary')}
            </Button>
          </Flex>
          <Descriptions
            bordered
            size="small"
            column={2}
            styles={{ label: { width: 130, whiteSpace: 'nowrap' } }}
            items={[
              { key: 'title', label: t('ui:cases.fields.title'), span: 2, children: c.title },
              { key: 'type', label: t('ui:cases.fields.enforcementType'), children: <EnforcementTag type={c.enforcementType} /> },
              {
                key: 'party',
                label: t('ui:cases.fields.party'),
                children: (
                  <>
                    {c.party.name} <Tag>{t(`ui:cases.party.${c.party.kind}`)}</Tag>
                    {c.party.idNumber ? <span className="mono">{c.party.idNumber}</span> : null}
                  </>
                ),
              },
              {
                key: 'officers',
                label: t('ui:cases.fields.officers'),
                span: 2,
                children:
                  c.officers.length > 0
                    ? c.officers.map((o) => (
                        <Tag key={o.badge} color={o.role === 'lead' ? 'blue' : undefined}>
                          {t('ui:cases.officerLabel', { name: o.name ?? o.badge, badge: o.badge })} · {t(`ui:cases.officerRoles.${o.role}`)}
                        </Tag>
                      ))
                    : '—',
              },
              { key: 'opened', label: t('ui:cases.fields.openedAt'), children: <span className="num">{formatTime(c.openedAt)}</span> },
              { key: 'closed', label: t('ui:cases.fields.closedAt'), children: c.closedAt ? <span className="num">{formatTime(c.closedAt)}</span> : '—' },
              {
                key: 'deadline',
                label: t('ui:cases.fields.archiveDeadline'),
                children: c.archive ? <ArchiveDeadlineText archive={c.archive} showRule /> : c.archivedAt ? t('ui:caseView.archivedOn', { date: formatDate(c.archivedAt), by: c.archivedBy ?? '' }) : t('ui:caseView.deadlineAfterClose'),
              },
              { key: 'kept', label: t('ui:cases.fields.fileRetention'), children: periodText(t, c.fileRetention) },
              ...(c.description ? [{ key: 'description', label: t('ui:cases.fields.description'), span: 2, children: <span className="pre-wrap">{c.description}</span> }] : []),
              ...(c.closeNote ? [{ key: 'closeNote', label: t('ui:caseView.closeNote'), span: 2, children: <span className="pre-wrap">{c.closeNote}</span> }] : []),
            ]}
          />
          <Tabs
            activeKey={tab}
            onChange={setTab}
            items={[
              {
                key: 'evidence',
                label: <span data-testid="case-tab-evidence">{t('ui:caseView.tabs.evidence', { n: view.evidence.length })}</span>,
                children: (
                  <Table<CaseEvidence>
                    size="small"
                    rowKey={(e) => e.recording.id}
                    pagination={false}
                    columns={evidenceColumns}
                    dataSource={view.evidence}
                    locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={isOpen && writer ? t('ui:caseView.noEvidenceLink') : t('ui:caseView.noEvidence')} /> }}
                    expandable={{ expandedRowRender: (e) => <RetentionWhy status={e.retention} /> }}
                    onRow={(e) => ({ 'data-testid': 'evidence-row', 'data-id': e.recording.id }) as HTMLAttributes<HTMLElement>}
                    data-testid="case-evidence"
                  />
                ),
              },
              {
                key: 'requests',
                label: <span data-testid="case-tab-requests">{t('ui:caseView.tabs.requests', { n: view.requests.length })}</span>,
                children: <Table<AccessRequest> size="small" rowKey="id" pagination={false} columns={requestColumns} dataSource={view.requests} locale={{ emptyText: t('ui:caseView.none') }} data-testid="case-requests" />,
              },
              {
                key: 'discs',
                label: <span data-testid="case-tab-discs">{t('ui:caseView.tabs.discs', { n: view.discs.length })}</span>,
                children: <Table<CaseDisc> size="small" rowKey="jobId" pagination={false} columns={discColumns} dataSource={view.discs} locale={{ emptyText: t('ui:caseView.none') }} data-testid="case-discs" />,
              },
              {
                key: 'holds',
                label: <span data-testid="case-tab-holds">{t('ui:caseView.tabs.holds', { n: view.holds.filter((h) => !h.releasedAt).length })}</span>,
                children: <Table<Hold> size="small" rowKey="id" pagination={false} columns={holdColumns} dataSource={view.holds} locale={{ emptyText: t('ui:caseView.none') }} data-testid="case-holds" />,
              },
              {
                key: 'unlinked',
                label: <span data-testid="case-tab-unlinked">{t('ui:caseView.tabs.unlinked', { n: view.unlinked.length })}</span>,
                children: <Table<CaseLink> size="small" rowKey="id" pagination={false} columns={unlinkedColumns} dataSource={view.unlinked} locale={{ emptyText: t('ui:caseView.none') }} />,
              },
              {
                key: 'history',
                label: <span data-testid="case-tab-history">{t('ui:caseView.tabs.history')}</span>,
                children: history ? <HistoryList entries={history} /> : <Spin />,
              },
            ]}
          />
        </Flex>
      ) : null}

      {c && dialog?.kind === 'edit' ? <CaseForm existing={c} onCancel={() => setDialog(null)} onDone={() => changed(t('ui:caseForm.saved', { caseNumber: c.caseNumber }))} /> : null}
      {c && view && dialog?.kind === 'link' ? (
        <LinkDialog kase={c} linked={new Set(view.evidence.map((e) => e.recording.id))} onCancel={() => setDialog(null)} onDone={(n) => changed(t('ui:link.done', { n }))} />
      ) : null}
      {c && dialog?.kind === 'unlink' ? <UnlinkDialog kase={c} recordingId={dialog.recordingId} onCancel={() => setDialog(null)} onDone={() => changed(t('ui:unlink.done', { recordingId: dialog.recordingId }))} /> : null}
      {c && dialog?.kind === 'close' ? <CloseDialog kase={c} onCancel={() => setDialog(null)} onDone={() => changed(t('ui:close.done', { caseNumber: c.caseNumber }))} /> : null}
      {c && dialog?.kind === 'archive' ? <ArchiveDialog kase={c} onCancel={() => setDialog(null)} onDone={() => changed(t('ui:archive.done', { caseNumber: c.caseNumber }))} /> : null}
      {c && dialog?.kind === 'request' ? (
        <CaseRequestDialog kase={c} kind={dialog.requestKind} onCancel={() => setDialog(null)} onDone={(r) => changed(t('ui:caseRequest.done', { id: r.id }))} />
      ) : null}
      {c && dialog?.kind === 'extend' ? <ExtensionDialog target={{ caseId: c.id }} onCancel={() => setDialog(null)} onDone={(r) => changed(t('ui:extensions.requested', { id: r.request.id }))} /> : null}
      {c && dialog?.kind === 'hold' ? <HoldDialog scope="case" target={c.id} onCancel={() => setDialog(null)} onDone={(h) => changed(t('ui:holds.placed', { id: h.id }))} /> : null}
      {dialog?.kind === 'release' ? <ReleaseDialog hold={dialog.hold} onCancel={() => setDialog(null)} onDone={(h) => changed(t('ui:holds.releasedDone', { id: h.id }))} /> : null}
      {c && dialog?.kind === 'summary' ? (
        <DocumentPreview
          title={t('ui:caseView.summaryTitle', { caseNumber: c.caseNumber })}
          testId="case-summary-preview"
          load={async () => ({ html: (await invoke('case.summary', { id: c.id })).html, fileName: `case-summary-${fileNamePart(c.caseNumber)}.html` })}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </Drawer>
  );
}

function HistoryList({ entries }: { entries: LedgerEntry[] }) {
  const { t, i18n } = useTranslation();
  if (entries.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <Table<LedgerEntry>
      size="small"
      rowKey="seq"
      pagination={false}
      dataSource={entries}
      data-testid="case-history"
      onRow={(e) => ({ 'data-testid': 'case-history-entry', 'data-action': e.action }) as HTMLAttributes<HTMLElement>}
      columns={[
        { key: 'seq', title: t('ui:ledger.columns.seq'), dataIndex: 'seq', width: 70, render: (v: number) => <span className="num">{v}</span> },
        { key: 'time', title: t('ui:ledger.columns.time'), dataIndex: 'time', width: 170, render: (v: string) => <span className="num">{formatTime(v)}</span> },
        { key: 'actor', title: t('ui:ledger.columns.actor'), dataIndex: 'actor', width: 110 },
        { key: 'action', title: t('ui:ledger.columns.action'), dataIndex: 'action', render: (v: string) => actionLabel(t, i18n, v) },
        { key: 'subject', title: t('ui:ledger.columns.subject'), dataIndex: 'subject', render: (v: string) => <span className="mono">{v}</span> },
        { key: 'details', title: t('ui:entry.details'), render: (_: unknown, e) => <DetailSummary details={e.details} /> },
      ]}
    />
  );
}

