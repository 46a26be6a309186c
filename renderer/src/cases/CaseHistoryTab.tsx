import type { HTMLAttributes } from 'react';
import { Empty, Spin, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { invoke, type LedgerEntry } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { DetailSummary } from '../components/DetailFields.tsx';
import { formatTime } from '../components/formatTime.ts';
import { useLoaded } from '../components/useLoaded.ts';
import { actionLabel } from '../ledger/labels.ts';

/**
 * The ledger's account of the case (`case.history`). Read when the tab is first opened, not with the case: the
 * history is the longest part and most visits never look at it. `version` changes after each action on the case.
 */
export function CaseHistoryTab({ caseId, version }: { caseId: string; version: number }) {
  const { value: history, error } = useLoaded(() => invoke('case.history', { id: caseId }), [caseId, version], { clearOnChange: true });
  if (error) return <ErrorAlert error={error} />;
  return history ? <HistoryList entries={history} /> : <Spin />;
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

