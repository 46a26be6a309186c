import { Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CaseView } from './labels.tsx';

type CaseDisc = CaseView['discs'][number];

/** The discs burned for the case, each job's media, copies and how many were read back. */
export function CaseDiscsTab({ discs, canOpen, navigate }: { discs: CaseDisc[]; canOpen: (screen: string) => boolean; navigate: (screen: string, focus?: string) => void }) {
  const { t } = useTranslation();
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

  return <Table<CaseDisc> size="small" rowKey="jobId" pagination={false} columns={discColumns} dataSource={discs} locale={{ emptyText: t('ui:caseView.none') }} data-testid="case-discs" />;
}
