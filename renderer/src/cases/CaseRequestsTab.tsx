import { Button, Table } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../components/formatTime.ts';
import { KindTag, RequestLink, StateTag } from '../requests/labels.tsx';
import type { CaseView } from './labels.tsx';

type AccessRequest = CaseView['requests'][number];

/** The case's view/copy/burn requests; an approved burn leads to the burn screen. */
export function CaseRequestsTab({ requests, canOpen, navigate }: { requests: AccessRequest[]; canOpen: (screen: string) => boolean; navigate: (screen: string, focus?: string) => void }) {
  const { t } = useTranslation();
  const requestColumns: TableColumnsType<AccessRequest> = [
    {
      key: 'id',
      title: t('ui:caseView.columns.request'),
      dataIndex: 'id',
      width: 110,
      render: (v: string) => <RequestLink id={v} canOpen={canOpen} navigate={navigate} />,
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

  return <Table<AccessRequest> size="small" rowKey="id" pagination={false} columns={requestColumns} dataSource={requests} locale={{ emptyText: t('ui:caseView.none') }} data-testid="case-requests" />;
}
