import { Table } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../components/formatTime.ts';
import type { CaseView } from './labels.tsx';

type CaseLink = CaseView['unlinked'][number];

/** Recordings once linked to the case and unlinked since, with who did it and why. */
export function CaseUnlinkedTab({ unlinked }: { unlinked: CaseLink[] }) {
  const { t } = useTranslation();
  const unlinkedColumns: TableColumnsType<CaseLink> = [
    { key: 'id', title: t('ui:caseView.columns.recording'), dataIndex: 'recordingId', width: 120, render: (v: string) => <span className="mono">{v}</span> },
    { key: 'linked', title: t('ui:caseView.columns.linked'), width: 190, render: (_: unknown, l) => t('ui:holds.byAt', { by: l.linkedBy, at: formatTime(l.linkedAt) }) },
    { key: 'unlinked', title: t('ui:caseView.columns.unlinked'), width: 190, render: (_: unknown, l) => t('ui:holds.byAt', { by: l.unlinkedBy ?? '', at: l.unlinkedAt ? formatTime(l.unlinkedAt) : '' }) },
    { key: 'reason', title: t('ui:caseView.columns.reason'), dataIndex: 'unlinkReason', render: (v: string | null) => <span className="pre-wrap">{v ?? ''}</span> },
  ];

  return <Table<CaseLink> size="small" rowKey="id" pagination={false} columns={unlinkedColumns} dataSource={unlinked} locale={{ emptyText: t('ui:caseView.none') }} />;
}
