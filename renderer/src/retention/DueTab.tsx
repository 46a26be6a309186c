import { useState, type HTMLAttributes } from 'react';
import { useLoaded } from '../components/useLoaded.ts';
import { Alert, App, Button, Flex, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { DeleteOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type User } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { can } from '../components/access.ts';
import { FormDialog, ReasonField } from '../components/FormDialog.tsx';
import { RetentionWhy, basisText, type DestructionBatch, type RetentionStatus } from './labels.tsx';
import { useRuleBasis } from '../components/useRuleBasis.ts';

/**
 * Recordings past their retention date, protected by nothing (no open or unarchived case, no hold)
 * and in no batch yet: what a custodian may propose for destruction (004 第十九条 集中销毁).
 */
export function DueTab({ user, onProposed }: { user: User; onProposed: (batch: DestructionBatch) => void }) {
  const { t, i18n } = useTranslation();
  const basisDestruction = useRuleBasis('destruction');
  const { message } = App.useApp();
  const [selected, setSelected] = useState<string[]>([]);
  const [proposing, setProposing] = useState<{ all: boolean } | null>(null);
  const proposer = can(user, 'propose');

  const { value: rows, error, reload: load } = useLoaded(async () => {
    const due = await invoke('retention.due', { limit: 5000 });
    // A selection only ever names recordings still listed.
    setSelected((s) => s.filter((id) => due.some((d) => d.recordingId === id)));
    return due;
  }, []);

  const columns: TableColumnsType<RetentionStatus> = [
    { key: 'id', title: t('ui:retention.columns.recording'), dataIndex: 'recordingId', width: 130, render: (v: string) => <span className="mono">{v}</span> },
    { key: 'until', title: t('ui:retention.columns.until'), dataIndex: 'untilDate', width: 120, render: (v: string | null) => <span className="num">{v ?? '—'}</span> },
    { key: 'rule', title: t('ui:retention.columns.rule'), render: (_: unknown, s) => basisText(t, s.decidedBy.basis, i18n.language) },
  ];

  return (
    <Flex vertical gap={12} data-testid="due-tab">
      <Flex gap={8} align="center" wrap>
        <Button icon={<ReloadOutlined />} onClick={() => void load()} data-testid="due-refresh">
          {t('ui:common.refresh')}
        </Button>
        {proposer ? (
          <>
            <Button type="primary" danger icon={<DeleteOutlined />} disabled={selected.length === 0} onClick={() => setProposing({ all: false })} data-testid="due-propose-selected">
              {t('ui:due.proposeSelected', { n: selected.length })}
            </Button>
            <Button danger disabled={!rows || rows.length === 0} onClick={() => setProposing({ all: true })} data-testid="due-propose-all">
              {t('ui:due.proposeAll')}
            </Button>
          </>
        ) : null}
        <Typography.Text type="secondary" style={{ marginInlineStart: 'auto' }} data-testid="due-count">
          {rows ? t('ui:due.count', { n: rows.length }) : t('ui:common.loading')}
        </Typography.Text>
      </Flex>
      <Alert type="info" showIcon title={t('ui:due.hint')} />
      <ErrorAlert error={error} />
      <Table<RetentionStatus>
        rowKey="recordingId"
        size="middle"
        columns={columns}
        dataSource={rows ?? []}
        loading={rows === null && !error}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('ui:due.empty') }}
        rowSelection={proposer ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]), getCheckboxProps: (r) => ({ 'data-testid': `due-select-${r.recordingId}` }) as object } : undefined}
        expandable={{ expandedRowRender: (s) => <RetentionWhy status={s} /> }}
        onRow={(s) => ({ 'data-testid': 'due-row', 'data-id': s.recordingId }) as HTMLAttributes<HTMLElement>}
        data-testid="due-table"
      />
      {proposing ? (
        <FormDialog<{ reason: string }>
          title={t('ui:due.proposeTitle')}
          okText={t('ui:due.propose')}
          danger
          intro={proposing.all ? t('ui:due.proposeAllIntro', { n: rows?.length ?? 0 }) : t('ui:due.proposeIntro', { ids: selected.join(', ') })}
          testId="propose-dialog"
          onCancel={() => setProposing(null)}
          onSubmit={async (v) => {
            const batch = await invoke('destroy.propose', proposing.all ? { allDue: true, reason: v.reason.trim() } : { recordingIds: selected, reason: v.reason.trim() });
            setProposing(null);
            setSelected([]);
            void message.success(t('ui:due.proposed', { id: batch.id, n: batch.items.length }));
            void load();
            onProposed(batch);
          }}
        >
          <ReasonField label={t('ui:due.reason')} hint={t('ui:due.reasonHint') + basisDestruction} testId="propose-reason" />
        </FormDialog>
      ) : null}
    </Flex>
  );
}
