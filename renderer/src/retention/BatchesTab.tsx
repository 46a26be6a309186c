import { useEffect, useState, type HTMLAttributes } from 'react';
import { useLoaded } from '../components/useLoaded.ts';
import { Alert, App, Button, Descriptions, Flex, Form, Input, Modal, Progress, Select, Spin, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { CheckOutlined, CloseOutlined, DeleteOutlined, FileDoneOutlined, ReloadOutlined, SafetyCertificateOutlined, StopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, onEvent, type User } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatTime } from '../components/formatTime.ts';
import { can, sameUser } from '../components/access.ts';
import { FormDialog, PasswordField, ReasonField } from '../components/FormDialog.tsx';
import { formatDate } from '../components/formatTime.ts';
import { DocumentPreview } from '../components/DocumentPreview.tsx';
import { BATCH_STATES, BatchStateTag, basisText, type BatchItem, type BatchState, type DestructionBatch } from './labels.tsx';
import type { DestroyProgress } from '../../../electron/shared/events.ts';


type Dialog = { kind: 'approve' | 'deny' | 'cancel' | 'execute' | 'certificate'; batch: DestructionBatch } | null;

/**
 * Destruction batches (集中销毁, 004 第十九条): proposed by a custodian, decided by an approver who
 * is not the proposer (password re-entered), executed by a custodian — crypto-shredding with
 * progress — and closed by a signed, printable certificate.
 */
export function BatchesTab({ user, focus }: { user: User; focus: string | null }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [state, setState] = useState<BatchState | undefined>();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [expanded, setExpanded] = useState<readonly string[]>(focus ? [focus] : []);

  const { value: rows, error, reload: load } = useLoaded(() => invoke('destroy.list', state ? { state } : {}), [state]);

  useEffect(() => {
    if (focus) setExpanded([focus]);
  }, [focus]);

  const done = (text: string) => {
    setDialog(null);
    void message.success(text);
    void load();
  };

  const columns: TableColumnsType<DestructionBatch> = [
    { key: 'id', title: t('ui:destroy.columns.id'), dataIndex: 'id', width: 110, render: (v: string) => <span className="mono">{v}</span> },
    { key: 'state', title: t('ui:destroy.columns.state'), dataIndex: 'state', width: 90, render: (v: BatchState) => <BatchStateTag state={v} /> },
    { key: 'items', title: t('ui:destroy.columns.items'), width: 64, align: 'right', render: (_: unknown, b) => <span className="num">{b.items.length}</span> },
    { key: 'reason', title: t('ui:destroy.columns.reason'), dataIndex: 'reason', minWidth: 180, render: (v: string) => <span className="pre-wrap">{v}</span> },
    { key: 'proposed', title: t('ui:destroy.columns.proposed'), width: 150, render: (_: unknown, b) => <Who by={b.proposedBy} at={b.proposedAt} /> },
    { key: 'decided', title: t('ui:destroy.columns.decided'), width: 150, render: (_: unknown, b) => (b.decidedBy ? <Who by={b.decidedBy} at={b.decidedAt} /> : '—') },
    { key: 'executed', title: t('ui:destroy.columns.executed'), width: 150, render: (_: unknown, b) => (b.executedBy ? <Who by={b.executedBy} at={b.executedAt} /> : '—') },
    {
      key: 'actions',
      title: t('ui:destroy.columns.actions'),
      width: 200,
      render: (_: unknown, b) => {
        const own = sameUser(b.proposedBy, user.username);
        return (
          <Flex gap={4} wrap>
            {b.state === 'proposed' && can(user, 'decide') ? (
              own ? (
                <Typography.Text type="secondary" data-testid={`own-proposal-${b.id}`}>
                  {t('ui:destroy.ownProposal')}
                </Typography.Text>
              ) : (
                <>
                  <Button size="small" type="primary" icon={<CheckOutlined />} onClick={() => setDialog({ kind: 'approve', batch: b })} data-testid={`destroy-approve-${b.id}`}>
                    {t('ui:destroy.approve')}
                  </Button>
                  <Button size="small" danger icon={<CloseOutlined />} onClick={() => setDialog({ kind: 'deny', batch: b })} data-testid={`destroy-deny-${b.id}`}>
                    {t('ui:destroy.deny')}
                  </Button>
                </>
              )
            ) : null}
            {(b.state === 'approved' || b.state === 'executing') && can(user, 'execute') ? (
              <Button size="small" type="primary" danger icon={<DeleteOutlined />} onClick={() => setDialog({ kind: 'execute', batch: b })} data-testid={`destroy-execute-${b.id}`}>
                {b.state === 'executing' ? t('ui:destroy.resume') : t('ui:destroy.execute')}
              </Button>
            ) : null}
            {(b.state === 'proposed' || b.state === 'approved') && can(user, 'cancel') ? (
              <Button size="small" icon={<StopOutlined />} onClick={() => setDialog({ kind: 'cancel', batch: b })} data-testid={`destroy-cancel-${b.id}`}>
                {t('ui:destroy.cancel')}
              </Button>
            ) : null}
            {b.state === 'executed' ? (
              <Button size="small" icon={<FileDoneOutlined />} onClick={() => setDialog({ kind: 'certificate', batch: b })} data-testid={`destroy-certificate-${b.id}`}>
                {t('ui:destroy.certificate')}
              </Button>
            ) : null}
          </Flex>
        );
      },
    },
  ];

  return (
    <Flex vertical gap={12} data-testid="batches-tab">
      <Flex gap={12} align="center" wrap>
        <Select<BatchState>
          allowClear
          placeholder={t('ui:destroy.filterState')}
          value={state}
          onChange={(v) => setState(v)}
          style={{ width: 180 }}
          options={BATCH_STATES.map((s) => ({ value: s, label: t(`ui:destroy.states.${s}`) }))}
          data-testid="batches-filter-state"
        />
        <Button icon={<ReloadOutlined />} onClick={() => void load()} data-testid="batches-refresh">
          {t('ui:common.refresh')}
        </Button>
        <Typography.Text type="secondary">{t('ui:destroy.flowHint')}</Typography.Text>
      </Flex>
      <ErrorAlert error={error} />
      <Table<DestructionBatch>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={rows ?? []}
        loading={rows === null && !error}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('ui:destroy.empty') }}
        data-testid="batches-table"
        scroll={{ x: 1100 }}
        onRow={(b) => ({ 'data-testid': `batch-row-${b.id}`, 'data-state': b.state }) as HTMLAttributes<HTMLElement>}
        expandable={{
          expandedRowKeys: expanded,
          onExpandedRowsChange: (keys) => setExpanded(keys as string[]),
          expandedRowRender: (b) => <BatchItems batch={b} />,
        }}
      />
      {dialog?.kind === 'approve' || dialog?.kind === 'deny' ? (
        <DecideDialog batch={dialog.batch} mode={dialog.kind} onCancel={() => setDialog(null)} onDone={(b) => done(t(`ui:destroy.decided.${b.state === 'approved' ? 'approved' : 'denied'}`, { id: b.id }))} />
      ) : null}
      {dialog?.kind === 'cancel' ? (
        <FormDialog<{ reason: string }>
          title={t('ui:destroy.cancelTitle', { id: dialog.batch.id })}
          okText={t('ui:destroy.cancel')}
          danger
          testId="destroy-cancel-dialog"
          onCancel={() => setDialog(null)}
          onSubmit={async (v) => {
            const b = await invoke('destroy.cancel', { id: dialog.batch.id, reason: v.reason.trim() });
            done(t('ui:destroy.cancelled', { id: b.id }));
          }}
        >
          <ReasonField label={t('ui:destroy.cancelReason')} testId="destroy-cancel-reason" />
        </FormDialog>
      ) : null}
      {dialog?.kind === 'execute' ? (
        <ExecuteDialog
          batch={dialog.batch}
          // The list behind the dialog is reloaded as soon as the batch is destroyed, so its row no longer offers to execute it.
          onExecuted={() => void load()}
          onClose={(executed) => (executed ? done(t('ui:destroy.executed', { id: dialog.batch.id })) : (setDialog(null), void load()))}
        />
      ) : null}
      {dialog?.kind === 'certificate' ? <CertificateDialog batchId={dialog.batch.id} onClose={() => setDialog(null)} /> : null}
    </Flex>
  );
}

function Who({ by, at }: { by: string; at: string | null }) {
  return (
    <Flex vertical>
      <span>{by}</span>
      <Typography.Text type="secondary" className="num" style={{ fontSize: 12 }}>
        {at ? formatTime(at) : ''}
      </Typography.Text>
    </Flex>
  );
}

/** The recordings of a batch with the date and rule that made each due. */
function BatchItems({ batch }: { batch: DestructionBatch }) {
  const { t, i18n } = useTranslation();
  return (
    <Flex vertical gap={8} style={{ padding: '4px 8px' }} data-testid={`batch-items-${batch.id}`}>
      {batch.decisionNote ? (
        <Typography.Text>
          {t('ui:destroy.decisionNote')} <span className="pre-wrap">{batch.decisionNote}</span>
        </Typography.Text>
      ) : null}
      <Table<BatchItem>
        size="small"
        rowKey="recordingId"
        pagination={false}
        dataSource={batch.items}
        columns={[
          { key: 'id', title: t('ui:destroy.items.recording'), dataIndex: 'recordingId', width: 120, render: (v: string) => <span className="mono">{v}</span> },
          { key: 'name', title: t('ui:destroy.items.name'), dataIndex: 'originalName', ellipsis: true, render: (v: string) => <span className="mono">{v}</span> },
          { key: 'recordedAt', title: t('ui:destroy.items.recordedAt'), dataIndex: 'recordedAt', width: 160, render: (v: string | null) => (v ? <span className="num">{formatTime(v)}</span> : '—') },
          { key: 'officer', title: t('ui:destroy.items.officer'), dataIndex: 'officer', width: 90, render: (v: string | null) => v ?? '—' },
          { key: 'until', title: t('ui:destroy.items.until'), dataIndex: 'retentionUntil', width: 110, render: (v: string) => <span className="num">{formatDate(v)}</span> },
          { key: 'rule', title: t('ui:destroy.items.rule'), render: (_: unknown, i) => basisText(t, i.rule, i18n.language) },
          {
            key: 'destroyed',
            title: t('ui:destroy.items.destroyed'),
            dataIndex: 'destroyedAt',
            width: 160,
            render: (v: string | null) => (v ? <Tag color="purple">{formatTime(v)}</Tag> : '—'),
          },
        ]}
      />
    </Flex>
  );
}

function DecideDialog({ batch, mode, onCancel, onDone }: { batch: DestructionBatch; mode: 'approve' | 'deny'; onCancel: () => void; onDone: (b: DestructionBatch) => void }) {
  const { t } = useTranslation();
  const approve = mode === 'approve';
  return (
    <FormDialog<{ text?: string; password: string }>
      title={approve ? t('ui:destroy.approveTitle', { id: batch.id }) : t('ui:destroy.denyTitle', { id: batch.id })}
      okText={approve ? t('ui:destroy.approve') : t('ui:destroy.deny')}
      danger={!approve}
      width={640}
      testId="destroy-decide-dialog"
      onCancel={onCancel}
      onSubmit={async (v) =>
        onDone(
          approve
            ? await invoke('destroy.approve', { id: batch.id, password: v.password, note: v.text?.trim() ?? '' })
            : await invoke('destroy.deny', { id: batch.id, password: v.password, reason: (v.text ?? '').trim() }),
        )
      }
    >
      <Descriptions
        size="small"
        column={1}
        bordered
        style={{ marginBottom: 16 }}
        styles={{ label: { width: 120 } }}
        items={[
          { key: 'reason', label: t('ui:destroy.columns.reason'), children: <span className="pre-wrap">{batch.reason}</span> },
          { key: 'proposed', label: t('ui:destroy.columns.proposed'), children: t('ui:holds.byAt', { by: batch.proposedBy, at: formatTime(batch.proposedAt) }) },
          { key: 'items', label: t('ui:destroy.itemIds', { n: batch.items.length }), children: <span className="mono" data-testid="destroy-decide-items">{batch.items.map((i) => i.recordingId).join(', ')}</span> },
        ]}
      />
      {approve ? <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('ui:destroy.approveWarning')} /> : null}
      {approve ? (
        <Form.Item name="text" label={t('ui:destroy.note')}>
          <Input.TextArea rows={2} maxLength={2000} data-testid="destroy-decide-text" />
        </Form.Item>
      ) : (
        <ReasonField name="text" label={t('ui:destroy.denyReason')} testId="destroy-decide-text" rows={2} />
      )}
      <PasswordField testId="destroy-decide-password" />
    </FormDialog>
  );
}

/**
 * Executing: tombstones first, then each vault object's key is erased and its file deleted, then the
 * certificate is signed. An interrupted run is finished by executing again (each step idempotent).
 */
function ExecuteDialog({ batch, onExecuted, onClose }: { batch: DestructionBatch; onExecuted: () => void; onClose: (executed: boolean) => void }) {
  const { t } = useTranslation();
  const [phase, setPhase] = useState<'confirm' | 'running' | 'done' | 'failed'>('confirm');
  const [progress, setProgress] = useState<DestroyProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [certificate, setCertificate] = useState(false);

  const run = async () => {
    setPhase('running');
    setError(null);
    const off = onEvent('destroy.progress', (p) => {
      const e = p as DestroyProgress;
      if (e.batchId === batch.id) setProgress(e);
    });
    try {
      await invoke('destroy.execute', { id: batch.id });
      setPhase('done');
      onExecuted();
    } catch (e) {
      setError(e);
      setPhase('failed');
    } finally {
      off();
    }
  };

  const percent = progress && progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : phase === 'done' ? 100 : 0;

  return (
    <Modal
      open
      title={t('ui:destroy.executeTitle', { id: batch.id })}
      width={620}
      closable={phase !== 'running'}
      mask={{ closable: false }}
      onCancel={() => onClose(phase === 'done')}
      destroyOnHidden
      data-testid="destroy-execute-dialog"
      footer={
        phase === 'confirm' ? (
          <Flex gap={8} justify="flex-end">
            <Button onClick={() => onClose(false)}>{t('ui:common.cancel')}</Button>
            <Button type="primary" danger icon={<DeleteOutlined />} onClick={() => void run()} data-testid="destroy-execute-confirm">
              {t('ui:destroy.executeConfirm', { n: batch.items.length })}
            </Button>
          </Flex>
        ) : phase === 'running' ? null : (
          <Flex gap={8} justify="flex-end">
            {phase === 'failed' ? (
              <Button danger onClick={() => void run()} data-testid="destroy-execute-retry">
                {t('ui:common.retry')}
              </Button>
            ) : (
              <Button icon={<SafetyCertificateOutlined />} onClick={() => setCertificate(true)} data-testid="destroy-execute-certificate">
                {t('ui:destroy.certificate')}
              </Button>
            )}
            <Button type="primary" onClick={() => onClose(phase === 'done')} data-testid="destroy-execute-close">
              {t('ui:common.close')}
            </Button>
          </Flex>
        )
      }
    >
      {phase === 'confirm' ? <Alert type="error" showIcon title={t('ui:destroy.executeWarning')} description={t('ui:destroy.executeWarningDetail')} /> : null}
      {phase === 'running' || phase === 'done' ? (
        <Flex vertical gap={8} data-testid="destroy-progress" data-phase={phase === 'done' ? 'done' : (progress?.phase ?? 'starting')}>
          <Typography.Text>{phase === 'done' ? t('ui:destroy.progressDone') : progress ? t(`ui:destroy.phases.${progress.phase}`) : t('ui:destroy.phases.starting')}</Typography.Text>
          <Progress percent={percent} status={phase === 'done' ? 'success' : 'active'} />
          {progress && phase === 'running' ? (
            <Typography.Text type="secondary">{t('ui:destroy.progressDetail', { done: progress.done, total: progress.total })}</Typography.Text>
          ) : null}
          {phase === 'done' ? <Alert type="success" showIcon title={t('ui:destroy.executedDetail', { n: batch.items.length })} data-testid="destroy-executed" /> : null}
        </Flex>
      ) : null}
      {phase === 'failed' ? <ErrorAlert error={error} /> : null}
      {certificate ? <CertificateDialog batchId={batch.id} onClose={() => setCertificate(false)} /> : null}
    </Modal>
  );
}

/** The signed certificate: its signature checked by the station against its own key, then printed. */
export function CertificateDialog({ batchId, onClose }: { batchId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [check, setCheck] = useState<{ valid: boolean; sha256: string; verifierKey: string } | null>(null);
  return (
    <DocumentPreview
      title={t('ui:destroy.certificateTitle', { id: batchId })}
      testId="certificate-preview"
      onClose={onClose}
      load={async () => {
        const c = await invoke('destroy.certificate', { id: batchId });
        setCheck({ valid: c.valid, sha256: c.sha256, verifierKey: c.verifierKey });
        return { html: c.html, fileName: `destruction-certificate-${c.certificate.batchId}.html` };
      }}
    >
      {() =>
        check ? (
          <Alert
            type={check.valid ? 'success' : 'error'}
            showIcon
            icon={<SafetyCertificateOutlined />}
            data-testid="certificate-check"
            data-valid={check.valid ? 'true' : 'false'}
            title={check.valid ? t('ui:destroy.signatureValid') : t('ui:destroy.signatureInvalid')}
            description={
              <Flex vertical gap={2}>
                <Typography.Text type="secondary">
                  {t('ui:destroy.certificateSha')} <span className="mono">{check.sha256}</span>
                </Typography.Text>
                <Typography.Text type="secondary">
                  {t('ui:destroy.verifierKey')} <span className="mono">{check.verifierKey}</span>
                </Typography.Text>
              </Flex>
            }
          />
        ) : (
          <Spin />
        )
      }
    </DocumentPreview>
  );
}

