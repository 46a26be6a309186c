import type { HTMLAttributes } from 'react';
import { Button, Empty, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { DisconnectOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../components/formatTime.ts';
import { RetentionWhy, UntilTag } from '../retention/labels.tsx';
import type { CaseEvidence } from './labels.tsx';

/** The case's evidence: each recording with the link's written note and how long it is kept, and why. */
export function CaseEvidenceTab({
  evidence,
  writer,
  isOpen,
  canOpen,
  navigate,
  onUnlink,
}: {
  evidence: CaseEvidence[];
  writer: boolean;
  isOpen: boolean;
  canOpen: (screen: string) => boolean;
  navigate: (screen: string, focus?: string) => void;
  onUnlink: (recordingId: string) => void;
}) {
  const { t } = useTranslation();
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
              <Button size="small" type="link" danger icon={<DisconnectOutlined />} onClick={() => onUnlink(e.recording.id)} data-testid={`unlink-${e.recording.id}`}>
                {t('ui:unlink.action')}
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <Table<CaseEvidence>
      size="small"
      rowKey={(e) => e.recording.id}
      pagination={false}
      columns={evidenceColumns}
      dataSource={evidence}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={isOpen && writer ? t('ui:caseView.noEvidenceLink') : t('ui:caseView.noEvidence')} /> }}
      expandable={{ expandedRowRender: (e) => <RetentionWhy status={e.retention} /> }}
      onRow={(e) => ({ 'data-testid': 'evidence-row', 'data-id': e.recording.id }) as HTMLAttributes<HTMLElement>}
      data-testid="case-evidence"
    />
  );
}
