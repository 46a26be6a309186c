import { Button, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { UnlockOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { User } from '../api.ts';
import { can } from '../components/access.ts';
import { formatTime } from '../components/formatTime.ts';
import type { Hold } from '../retention/labels.tsx';

/** Holds on the case, active and released; an approver releases one from here. */
export function CaseHoldsTab({ holds, user, onRelease }: { holds: Hold[]; user: User; onRelease: (hold: Hold) => void }) {
  const { t } = useTranslation();
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
          <Button size="small" icon={<UnlockOutlined />} onClick={() => onRelease(h)} data-testid={`release-${h.id}`}>
            {t('ui:holds.release')}
          </Button>
        ) : (
          <Tag color="blue">{t('ui:holds.active')}</Tag>
        ),
    },
  ];

  return <Table<Hold> size="small" rowKey="id" pagination={false} columns={holdColumns} dataSource={holds} locale={{ emptyText: t('ui:caseView.none') }} data-testid="case-holds" />;
}
